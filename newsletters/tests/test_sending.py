"""Who receives a newsletter (consent at send time), in which language, with which headers and footer; batches,
pause/resume, and a resumed send that never sends twice."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from crm.models import ConsentEvent
from crm.services import consent as consent_services
from newsletters.models import Newsletter, NewsletterDelivery
from newsletters.services import sending
from newsletters.services.signup import signup_request
from outbox.models import OutboxEmail

from .conftest import contact_with

pytestmark = pytest.mark.django_db


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def test_only_contacts_whose_consent_counts_at_send_time_receive_it_each_once_in_their_language(
        newsletter, django_capture_on_commit_callbacks):
    contact_with("express@example.ca", consent="express")
    contact_with("implied@example.ca", consent="implied", days_ago=100, language="fr")
    contact_with("lapsed@example.ca", consent="implied", days_ago=800)  # purchase over two years ago
    contact_with("withdrawn@example.ca", consent="withdrawn")
    contact_with("never@example.ca")
    signup_request(email="guest@example.ca", language="en")  # the double opt-in link never clicked
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_start(newsletter=newsletter)

    received = by_recipient()
    assert sorted(received) == ["express@example.ca", "implied@example.ca"]
    assert len(mail.outbox) == 2
    assert received["express@example.ca"].subject == "Autumn at the shop"
    assert received["implied@example.ca"].subject == "L'automne au comptoir"
    assert "Tournées à la main à Calgary." in received["implied@example.ca"].body
    assert received["implied@example.ca"].extra_headers["Content-Language"] == "fr"
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SENT
    progress = sending.newsletters_progress(Newsletter.objects.filter(pk=newsletter.pk)).get()
    assert (progress.total, progress.sent, progress.failed, progress.skipped) == (2, 2, 0, 0)


def test_every_newsletter_carries_the_casl_footer_and_the_rfc_8058_headers(newsletter,
                                                                            django_capture_on_commit_callbacks):
    ana = contact_with("ana@example.ca", consent="express")
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_start(newsletter=newsletter)

    [message] = mail.outbox
    link = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert link.startswith(settings.SHOP_BASE_URL + "/newsletter/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0].content
    for body in (message.body, html):
        assert settings.SHOP_LEGAL_NAME in body and settings.SHOP_POSTAL_ADDRESS in body
        assert link in body
    delivery = NewsletterDelivery.objects.get(contact=ana)
    assert delivery.status == "queued" and delivery.email.status == "sent"


def test_a_french_reader_gets_a_french_unsubscribe_link(newsletter, django_capture_on_commit_callbacks):
    contact_with("lea@example.ca", consent="express", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_start(newsletter=newsletter)
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe"].startswith(f"<{settings.SHOP_BASE_URL}/fr/newsletter/")


def test_a_contact_who_unsubscribes_between_two_batches_is_skipped(newsletter, settings,
                                                                   django_capture_on_commit_callbacks):
    contacts = [contact_with(f"c{i}@example.ca", consent="express", name=f"c{i}") for i in range(4)]
    newsletter = sending.newsletter_start(newsletter=newsletter)  # no callbacks run: nothing sent yet
    rendered = {lang: sending.newsletter_render(newsletter=sending.newsletter_with_blocks(newsletter_id=newsletter.pk),
                                                language=lang) for lang in ("en", "fr")}
    full = sending.newsletter_with_blocks(newsletter_id=newsletter.pk)

    assert sending.newsletter_send_batch(newsletter=full, rendered=rendered, limit=2) == 2
    consent_services.consent_withdraw(contact=contacts[3], purpose="newsletter", source="unsubscribe link")
    sending.newsletter_send(newsletter_id=newsletter.pk)

    assert sorted(by_recipient()) == ["c0@example.ca", "c1@example.ca", "c2@example.ca"]
    assert NewsletterDelivery.objects.get(contact=contacts[3]).status == "skipped"


def test_pause_stops_before_the_next_batch_and_resume_sends_the_rest_once(newsletter, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.SHOP_NEWSLETTER_BATCH = 2
    for i in range(5):
        contact_with(f"c{i}@example.ca", consent="express", name=f"c{i}")
    newsletter = sending.newsletter_start(newsletter=newsletter)
    full = sending.newsletter_with_blocks(newsletter_id=newsletter.pk)
    rendered = {lang: sending.newsletter_render(newsletter=full, language=lang) for lang in ("en", "fr")}
    sending.newsletter_send_batch(newsletter=full, rendered=rendered, limit=2)

    sending.newsletter_pause(newsletter=newsletter)
    assert sending.newsletter_send(newsletter_id=newsletter.pk) == {"batches": 0, "deliveries": 0}
    assert len(mail.outbox) == 2

    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_resume(newsletter=newsletter)
    assert sorted(by_recipient()) == [f"c{i}@example.ca" for i in range(5)] and len(mail.outbox) == 5
    assert Newsletter.objects.get().status == "sent"
    with pytest.raises(sending.TransitionRefused):
        sending.newsletter_resume(newsletter=newsletter)


def test_a_batch_whose_worker_died_is_taken_again_after_its_lease_and_nothing_is_sent_twice(newsletter):
    for i in range(3):
        contact_with(f"c{i}@example.ca", consent="express", name=f"c{i}")
    newsletter = sending.newsletter_start(newsletter=newsletter)
    # A worker claimed two deliveries and died; another wrote c2's email and died before sending it.
    lease_end, claimed = sending._claim(newsletter_id=newsletter.pk, limit=2)
    assert len(claimed) == 2
    assert sending.newsletter_send(newsletter_id=newsletter.pk)["deliveries"] == 1  # only c2: the others are claimed
    assert sorted(by_recipient()) == ["c2@example.ca"]
    assert Newsletter.objects.get().status == "sending"

    NewsletterDelivery.objects.filter(status="sending").update(claimed_until=timezone.now() - timedelta(seconds=1))
    Newsletter.objects.update(heartbeat_at=timezone.now() - timedelta(hours=1))
    assert sending.newsletters_dispatch() == {"started": 0, "resumed": 1}

    assert sorted(by_recipient()) == ["c0@example.ca", "c1@example.ca", "c2@example.ca"] and len(mail.outbox) == 3
    assert OutboxEmail.objects.count() == 3
    assert Newsletter.objects.get().status == "sent"


def test_an_email_written_but_not_sent_before_a_crash_is_sent_once_on_resume(newsletter):
    contact_with("ana@example.ca", consent="express")
    newsletter = sending.newsletter_start(newsletter=newsletter)
    full = sending.newsletter_with_blocks(newsletter_id=newsletter.pk)
    rendered = {lang: sending.newsletter_render(newsletter=full, language=lang) for lang in ("en", "fr")}
    from unittest import mock

    with mock.patch.object(sending, "email_send"):  # the worker died right after the batch committed
        sending.newsletter_send_batch(newsletter=full, rendered=rendered, limit=10)
    assert mail.outbox == [] and OutboxEmail.objects.get().status == "pending"

    sending.newsletter_send(newsletter_id=newsletter.pk)
    sending.newsletter_send(newsletter_id=newsletter.pk)
    assert len(mail.outbox) == 1 and OutboxEmail.objects.get().status == "sent"


def test_a_scheduled_newsletter_starts_when_the_periodic_job_finds_it_due(newsletter,
                                                                        django_capture_on_commit_callbacks):
    contact_with("ana@example.ca", consent="express")
    sending.newsletter_schedule(newsletter=newsletter, at=timezone.now() + timedelta(minutes=5))
    assert sending.newsletters_dispatch() == {"started": 0, "resumed": 0}
    Newsletter.objects.update(scheduled_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert sending.newsletters_dispatch() == {"started": 1, "resumed": 0}

    assert [m.to for m in mail.outbox] == [["ana@example.ca"]]
    assert Newsletter.objects.get().status == "sent"


def test_the_periodic_job_is_registered():
    assert settings.SHOP_JOBS["newsletters-send"]["task"] == "newsletters.tasks.newsletters_dispatch"


def test_a_newsletter_cannot_be_scheduled_in_the_past_nor_sent_twice(newsletter, django_capture_on_commit_callbacks):
    with pytest.raises(sending.TransitionRefused):
        sending.newsletter_schedule(newsletter=newsletter, at=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_start(newsletter=newsletter)
    with pytest.raises(sending.TransitionRefused):
        sending.newsletter_start(newsletter=newsletter)


def test_consent_purposes_other_than_the_segments_do_not_count(newsletter, django_capture_on_commit_callbacks):
    promo = contact_with("promo@example.ca")
    consent_services.consent_give(contact=promo, purpose=ConsentEvent.Purpose.PROMOTIONS, source="t", wording="w",
                                  wording_version="t")
    with django_capture_on_commit_callbacks(execute=True):
        sending.newsletter_start(newsletter=newsletter)
    assert mail.outbox == []
