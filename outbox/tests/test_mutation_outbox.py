"""The outbox's lease (make mutation showed its length untested): a sender that claimed an email owns it for ten
minutes; another sender cannot take it before, and can after (the first one died mid-send)."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from outbox import services
from outbox.models import OutboxEmail
from outbox.tests.factories import OutboxEmailFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.get_default_timezone())


@pytest.mark.parametrize("later, claimed_again", [
    (timedelta(minutes=9, seconds=59), False),
    (timedelta(minutes=10, seconds=1), True),
])
def test_a_claim_holds_the_email_for_ten_minutes(monkeypatch, later, claimed_again):
    email = OutboxEmailFactory()
    monkeypatch.setattr(timezone, "now", lambda: T0)
    first = services._claim(email_id=email.pk)

    monkeypatch.setattr(timezone, "now", lambda: T0 + later)
    second = services._claim(email_id=email.pk)

    assert first == T0 + timedelta(minutes=10)
    assert (second is not None) == claimed_again
    email = OutboxEmail.objects.get(pk=email.pk)
    assert (email.status, email.attempts) == (OutboxEmail.Status.SENDING, 2 if claimed_again else 1)


def test_the_sweep_leaves_an_email_younger_than_a_minute_to_its_own_after_commit_send(mailoutbox):
    from outbox.tests.factories import ago

    young = OutboxEmailFactory(created_at=ago(seconds=59.5))
    old = OutboxEmailFactory(created_at=ago(seconds=60.5))

    assert services.emails_sweep() == 1

    assert [m.to for m in mailoutbox] == [[old.to]]
    assert OutboxEmail.objects.get(pk=young.pk).status == OutboxEmail.Status.PENDING


def test_one_sweep_sends_at_most_a_hundred_emails_oldest_first_and_the_next_sweep_the_rest(mailoutbox):
    from outbox.tests.factories import ago

    emails = [OutboxEmailFactory(created_at=ago(minutes=10, seconds=-n)) for n in range(101)]

    assert services.emails_sweep() == 100

    assert list(OutboxEmail.objects.filter(status=OutboxEmail.Status.PENDING).values_list("pk", flat=True)) == [
        emails[-1].pk]
    assert services.emails_sweep() == 1


def crash(**kwargs):
    raise RuntimeError("the task client crashed")


def test_an_email_whose_hand_off_to_the_worker_crashes_stays_pending_and_the_caller_goes_on(
    monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import transaction

    monkeypatch.setattr(services, "_enqueue_send", crash)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        email = services.email_queue(to="ana@example.com", subject="Order C-1001 received", text_body="Thanks.")

    assert len(callbacks) == 1  # the hand-off was tried after the commit, and its crash kept out of the caller
    assert OutboxEmail.objects.get(pk=email.pk).status == OutboxEmail.Status.PENDING  # the sweep will send it


def test_retrying_failed_emails_whose_hand_off_crashes_leaves_them_pending_for_the_sweep(
    monkeypatch, django_capture_on_commit_callbacks
):
    failed = OutboxEmailFactory(status=OutboxEmail.Status.FAILED, attempts=services.MAX_ATTEMPTS)
    monkeypatch.setattr(services, "_enqueue_send", crash)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert services.emails_retry_failed(email_ids=[failed.pk]) == 1

    assert len(callbacks) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboxEmail.Status.PENDING, 0)
