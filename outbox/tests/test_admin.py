import pytest
from django.urls import reverse

from outbox import services
from outbox.models import OutboxEmail
from outbox.tests.factories import OutboxEmailFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:outbox_outboxemail_changelist")


def run_action(client, action, *emails):
    return client.post(
        CHANGELIST, {"action": action, "_selected_action": [email.pk for email in emails]}, follow=True)


def test_the_outbox_list_filters_by_status_and_searches_references_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries
):
    OutboxEmailFactory.create_batch(5, status="failed", attempts=services.MAX_ATTEMPTS)
    wanted = OutboxEmailFactory(reference="C-7777", status="failed", attempts=services.MAX_ATTEMPTS)
    OutboxEmailFactory(reference="C-7778")

    with django_assert_num_queries(7):
        response = admin_client.get(CHANGELIST, {"status__exact": "failed", "q": "C-7777"})

    assert list(response.context["cl"].result_list) == [wanted]


def test_the_bodies_are_shown_read_only_and_emails_cannot_be_added_by_hand(admin_client):
    email = OutboxEmailFactory(text_body="Thank you for your order.", html_body="<p>Thank you</p>")

    response = admin_client.get(reverse("admin:outbox_outboxemail_change", args=[email.pk]))

    content = response.content.decode()
    assert "Thank you for your order." in content
    assert 'name="text_body"' not in content
    assert 'name="html_body"' not in content
    assert admin_client.get(reverse("admin:outbox_outboxemail_add")).status_code == 403


def test_staff_send_a_pending_email_now(admin_client, mailoutbox):
    pending = OutboxEmailFactory()
    sent = OutboxEmailFactory(status="sent", sent_at=pending.created_at, attempts=1)

    response = run_action(admin_client, "send_now", pending, sent)

    content = response.content.decode()
    assert "1 email sent." in content
    assert "1 email not sent: already sent, being sent, failed, or the mail server refused it." in content
    assert [m.to for m in mailoutbox] == [[pending.to]]


def test_staff_retry_failed_emails_and_they_are_sent(admin_client, mailoutbox, django_capture_on_commit_callbacks):
    failed = OutboxEmailFactory(status="failed", attempts=services.MAX_ATTEMPTS)

    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "retry_failed", failed)

    assert "1 failed email queued again." in response.content.decode()
    assert [m.to for m in mailoutbox] == [[failed.to]]
    assert OutboxEmail.objects.get().status == "sent"
