from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from outbox import services
from outbox.models import OutboxEmail
from outbox.tests.factories import OutboxEmailFactory, ago

pytestmark = pytest.mark.django_db

REFUSED = "ConnectionRefusedError: [Errno 111] Connection refused"


def queue_order_acknowledgement(**overrides) -> OutboxEmail:
    return services.email_queue(**{
        "to": "ana@example.ca",
        "subject": "Order C-1001 received",
        "text_body": "Thank you for your order C-1001.",
        "reference": "C-1001",
        **overrides,
    })


def test_nothing_is_sent_before_commit_and_the_email_goes_out_once_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            email = queue_order_acknowledgement()
            assert OutboxEmail.objects.get().status == "pending"
        assert mailoutbox == []

    assert len(callbacks) == 1
    assert [(m.to, m.subject) for m in mailoutbox] == [(["ana@example.ca"], "Order C-1001 received")]
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 1, "")
    assert email.sent_at is not None


def test_a_rolled_back_transaction_leaves_no_email_and_sends_nothing(mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError, match="payment declined"), transaction.atomic():
            queue_order_acknowledgement()
            raise RuntimeError("payment declined")

    assert callbacks == []
    assert OutboxEmail.objects.count() == 0
    assert mailoutbox == []


def test_the_message_has_the_sender_the_text_the_html_alternative_and_the_extra_headers(mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "comptoir <shop@example.com>"
    email = OutboxEmailFactory(
        to="ana@example.ca", subject="Commande C-1001 reçue", text_body="Merci !", html_body="<p>Merci !</p>",
        language="fr", headers={"X-Order": "C-1001"},
    )

    assert services.email_send(email_id=email.pk) is True

    [message] = mailoutbox
    assert (message.from_email, message.to, message.subject, message.body) == (
        "comptoir <shop@example.com>", ["ana@example.ca"], "Commande C-1001 reçue", "Merci !")
    assert message.alternatives == [("<p>Merci !</p>", "text/html")]
    assert message.extra_headers == {"Content-Language": "fr", "X-Order": "C-1001"}


def test_a_text_only_email_has_no_html_alternative(mailoutbox):
    email = OutboxEmailFactory(html_body="")

    services.email_send(email_id=email.pk)

    assert mailoutbox[0].alternatives == []


def test_sending_the_same_email_twice_sends_it_once(mailoutbox):
    email = OutboxEmailFactory()

    assert services.email_send(email_id=email.pk) is True
    assert services.email_send(email_id=email.pk) is False

    assert len(mailoutbox) == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


def test_sending_claims_sends_and_marks_in_three_queries(mailoutbox, django_assert_num_queries):
    email = OutboxEmailFactory()

    with django_assert_num_queries(3):  # conditional UPDATE (claim), SELECT, conditional UPDATE (sent)
        services.email_send(email_id=email.pk)


def test_an_email_claimed_by_another_sender_is_not_sent(mailoutbox):
    email = OutboxEmailFactory(status="sending", attempts=1, claimed_until=timezone.now() + timedelta(minutes=5))

    assert services.email_send(email_id=email.pk) is False

    assert mailoutbox == []


def test_an_smtp_failure_after_commit_leaves_the_email_pending_with_the_error_and_raises_nothing(
    smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            email = queue_order_acknowledgement()

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error, email.claimed_until) == ("pending", 1, REFUSED, None)
    assert email.sent_at is None


@pytest.mark.parametrize("attempts_before, back_off", [
    (0, timedelta(minutes=1)),
    (1, timedelta(minutes=2)),
    (3, timedelta(minutes=8)),
    (6, timedelta(hours=1)),
])
def test_each_failed_attempt_waits_twice_as_long_before_the_next_up_to_an_hour(smtp_down, attempts_before, back_off):
    email = OutboxEmailFactory(attempts=attempts_before)
    before = timezone.now()

    assert services.email_send(email_id=email.pk) is False

    after = timezone.now()
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", attempts_before + 1)
    assert before + back_off <= email.next_attempt_at <= after + back_off


def test_the_last_allowed_attempt_failing_marks_the_email_failed_and_it_is_not_tried_again(smtp_down):
    email = OutboxEmailFactory(attempts=services.MAX_ATTEMPTS - 1, created_at=ago(hours=3))

    assert services.email_send(email_id=email.pk) is False
    assert services.email_send(email_id=email.pk) is False
    assert services.emails_sweep(older_than_seconds=0) == 0

    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error, email.next_attempt_at) == ("failed", 8, REFUSED, None)


def test_the_sweep_sends_pending_emails_oldest_first_and_leaves_fresh_ones_to_their_task(mailoutbox):
    old = OutboxEmailFactory(created_at=ago(minutes=10))
    older = OutboxEmailFactory(created_at=ago(minutes=20))
    fresh = OutboxEmailFactory(created_at=ago(seconds=10))

    assert services.emails_sweep() == 2

    assert [m.to for m in mailoutbox] == [[older.to], [old.to]]
    assert dict(OutboxEmail.objects.values_list("pk", "status")) == {
        older.pk: "sent", old.pk: "sent", fresh.pk: "pending"}


def test_the_sweep_sends_at_most_limit_emails(mailoutbox):
    OutboxEmailFactory.create_batch(3, created_at=ago(minutes=5))

    assert services.emails_sweep(limit=2) == 2

    assert OutboxEmail.objects.filter(status="pending").count() == 1


def test_the_sweep_waits_for_the_back_off_after_a_failed_attempt(mailoutbox):
    OutboxEmailFactory(created_at=ago(minutes=10), attempts=2, next_attempt_at=timezone.now() + timedelta(minutes=1))
    due = OutboxEmailFactory(created_at=ago(minutes=10), attempts=2, next_attempt_at=ago(seconds=1))

    assert services.emails_sweep() == 1

    assert [m.to for m in mailoutbox] == [[due.to]]


def test_the_sweep_respects_a_live_lease_and_takes_over_an_expired_one(mailoutbox):
    held = OutboxEmailFactory(created_at=ago(minutes=10), status="sending", attempts=1,
                              claimed_until=timezone.now() + timedelta(minutes=5))
    abandoned = OutboxEmailFactory(created_at=ago(minutes=30), status="sending", attempts=1,
                                   claimed_until=ago(seconds=1))

    assert services.emails_sweep() == 1

    assert [m.to for m in mailoutbox] == [[abandoned.to]]
    assert dict(OutboxEmail.objects.values_list("pk", "status")) == {held.pk: "sending", abandoned.pk: "sent"}
    abandoned.refresh_from_db()
    assert abandoned.attempts == 2


def test_the_sweep_gives_up_on_an_email_whose_sender_died_during_the_last_attempt(mailoutbox):
    email = OutboxEmailFactory(created_at=ago(hours=3), status="sending", attempts=services.MAX_ATTEMPTS,
                               claimed_until=ago(seconds=1))

    assert services.emails_sweep() == 0

    assert mailoutbox == []
    email.refresh_from_db()
    assert (email.status, email.claimed_until, email.last_error) == (
        "failed", None, "The sender stopped during the last allowed attempt.")


def test_send_now_ignores_the_back_off_but_not_sent_or_failed_emails(mailoutbox):
    waiting = OutboxEmailFactory(attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=1))
    sent = OutboxEmailFactory(status="sent", sent_at=ago(minutes=1), attempts=1)
    failed = OutboxEmailFactory(status="failed", attempts=services.MAX_ATTEMPTS)

    assert services.emails_send_now(email_ids=[waiting.pk, sent.pk, failed.pk]) == 1

    assert [m.to for m in mailoutbox] == [[waiting.to]]


def test_retrying_failed_emails_gives_them_fresh_attempts_and_sends_them_after_commit(
    mailoutbox, django_capture_on_commit_callbacks
):
    failed = OutboxEmailFactory(status="failed", attempts=services.MAX_ATTEMPTS, last_error=REFUSED)
    pending = OutboxEmailFactory()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.emails_retry_failed(email_ids=[failed.pk, pending.pk]) == 1

    assert [m.to for m in mailoutbox] == [[failed.to]]
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("sent", 1)
    assert OutboxEmail.objects.get(pk=pending.pk).status == "pending"


def test_emails_sent_through_one_connection_share_one_smtp_session(mail_to_smtp_server, inbox):
    emails = [OutboxEmailFactory(to=f"reader{n}@example.com") for n in range(3)]

    with services.one_connection() as mailer:
        sent = [services.email_send(email_id=email.pk, mailer=mailer) for email in emails]
    alone = OutboxEmailFactory(to="alone@example.com")
    services.email_send(email_id=alone.pk)

    assert sent == [True, True, True]
    assert [to for to, _message in inbox.messages] == [[f"reader{n}@example.com"] for n in range(3)] + [
        ["alone@example.com"]]
    assert len(set(inbox.peers[:3])) == 1 and inbox.peers[3] != inbox.peers[0]
    assert set(OutboxEmail.objects.values_list("status", flat=True)) == {"sent"}


def test_a_shared_connection_that_cannot_open_leaves_each_email_pending_for_a_retry(smtp_down):
    email = OutboxEmailFactory()

    with services.one_connection() as mailer:
        assert services.email_send(email_id=email.pk, mailer=mailer) is False

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("pending", 1) and "Error" in email.last_error
