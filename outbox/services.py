"""Every email the shop sends goes through here.

- Never lost: email_queue writes the email as a pending row in the caller's transaction, so it commits or rolls
  back with the order. After commit a Celery task sends it; if the broker is down the row simply stays pending, and
  emails_sweep (every minute, from beat) sends what is still pending.
- Never sent twice: a sender first claims the row with a conditional UPDATE (pending, or sending with an expired
  lease -> sending until now + LEASE) and marks it sent with another conditional UPDATE on that same claim. Only a
  send that outlives its lease, far longer than any SMTP conversation, could be repeated by a later sweep.
- No I/O inside a transaction: email_send and emails_sweep run in autocommit; each UPDATE commits on its own, so
  other senders see a claim before the SMTP conversation starts.
- Retries: a failed attempt goes back to pending with next_attempt_at after an exponential back-off (1, 2, 4 ...
  minutes, at most an hour) and the sweep tries again; after MAX_ATTEMPTS the row is failed and waits for someone to
  press "Retry failed" in the admin.
"""

import base64
import logging
import smtplib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerUnreachable

from core.queue import task_enqueue

from .models import OutboxEmail

logger = logging.getLogger(__name__)

Status = OutboxEmail.Status
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=10)
FIRST_BACKOFF = timedelta(minutes=1)
MAX_BACKOFF = timedelta(hours=1)
# What an SMTP server that is down, slow or refusing raises (ConnectionError and TimeoutError are OSErrors too).
SEND_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError, OSError)
# What publishing raises once the publish retry policy is spent: kombu wraps the broker's connection errors.
PUBLISH_ERRORS = (BrokerUnreachable, OSError)


def attachment(*, name: str, content: bytes, content_type: str = "application/pdf") -> dict:
    """A file to send with an email (email_queue's `attachments`), kept in the outbox row itself so that a retry
    sends the very same file."""
    return {"name": name, "content_type": content_type, "base64": base64.b64encode(content).decode("ascii")}


def email_queue(*, to: str, subject: str, text_body: str, html_body: str = "", language: str = "en",
                reference: str = "", headers: dict | None = None, attachments: list[dict] | None = None) -> OutboxEmail:
    """Write the email as a pending outbox row in the CURRENT transaction (call it inside the order's
    transaction.atomic) and schedule its sending with transaction.on_commit. Never does I/O itself.
    `attachments`: files made with attachment()."""
    email = OutboxEmail.objects.create(
        to=to, subject=subject, text_body=text_body, html_body=html_body, language=language, reference=reference,
        headers=headers or {}, attachments=attachments or [],
    )
    transaction.on_commit(partial(_enqueue_send, email_id=email.pk), robust=True)
    return email


def emails_queue_many(*, emails: list[dict]) -> list[OutboxEmail]:
    """Write many pending outbox rows at once in the CURRENT transaction (each dict: the fields of email_queue),
    without enqueueing a task per row: the caller sends them with email_send after commit (a bulk sender, e.g. a
    newsletter batch), and the sweep sends whatever it did not."""
    return OutboxEmail.objects.bulk_create([OutboxEmail(**{"headers": {}, **email}) for email in emails])


def email_queue_rendered(*, to: str, template: str, context: dict, language: str, reference: str = "",
                         attachments: list[dict] | None = None) -> OutboxEmail:
    """email_queue for an email written as three templates: <template>_subject.txt, <template>.txt and
    <template>.html, rendered in the customer's language with the shop's name and address in the context."""
    context = {"shop_name": settings.SHOP_NAME, "shop_url": settings.SHOP_BASE_URL.rstrip("/"), **context}
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text_body = render_to_string(f"{template}.txt", context)
        html_body = render_to_string(f"{template}.html", context)
    return email_queue(to=to, subject=subject, text_body=text_body, html_body=html_body, language=language,
                       reference=reference, attachments=attachments)


def _enqueue_send(*, email_id: int) -> None:
    """After commit: hand the email to a worker (eager mode: send it now). A broker outage is only logged: the row
    stays pending for the sweep. robust=True on the callback keeps anything else out of the request too."""
    try:
        task_enqueue("outbox.tasks.outbox_send", email_id)
    except PUBLISH_ERRORS as exc:
        logger.warning("Outbox email %s was not enqueued (%s); the sweep will send it.", email_id, exc)


def email_send(*, email_id: int, mailer=None) -> bool:
    """Send one email unless it is sent, failed, or claimed by another sender; True if this call sent it.
    `mailer`: an open connection shared by several sends (one_connection), else one of its own.

    An SMTP failure is recorded on the row (see the module docstring) and never raised.
    """
    lease_end = _claim(email_id=email_id)
    if lease_end is None:
        return False
    email = OutboxEmail.objects.get(pk=email_id)
    try:
        if mailer is None:
            _message(email).send(using="default")
        else:
            mailer.send_messages([_message(email)])
    except SEND_ERRORS as exc:
        _record_failure(email=email, lease_end=lease_end, error=exc)
        if mailer is not None:  # the connection may be the cause: the next email starts on a new one
            mailer.close()
            _open(mailer)
        return False
    _mark_sent(email_id=email_id, lease_end=lease_end)
    return True


@contextmanager
def one_connection() -> Iterator:
    """One connection to the mail server for many email_send(mailer=...) calls (a newsletter batch): an SMTP
    session per email costs more than the email. If it cannot be opened, each send tries on its own."""
    mailer = mailers["default"]
    _open(mailer)
    try:
        yield mailer
    finally:
        try:
            mailer.close()
        except SEND_ERRORS:
            logger.warning("Closing the mail connection failed.", exc_info=True)


def _open(mailer) -> None:
    try:
        mailer.open()
    except SEND_ERRORS as exc:  # the sends will open their own and record their own failures
        logger.warning("Could not open a mail connection: %r", exc)


def _claim(*, email_id: int) -> datetime | None:
    """Take the row for this sender until the returned lease end (which also identifies the claim), or None."""
    now = timezone.now()
    lease_end = now + LEASE
    claimable = Q(status=Status.PENDING) | Q(status=Status.SENDING, claimed_until__lt=now)
    claimed = OutboxEmail.objects.filter(claimable, pk=email_id, attempts__lt=MAX_ATTEMPTS).update(
        status=Status.SENDING, claimed_until=lease_end, attempts=F("attempts") + 1
    )
    return lease_end if claimed else None


def _message(email: OutboxEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Content-Language": email.language, **email.headers},
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    for file in email.attachments or []:
        message.attach(file["name"], base64.b64decode(file["base64"]), file["content_type"])
    return message


def _mark_sent(*, email_id: int, lease_end: datetime) -> None:
    marked = OutboxEmail.objects.filter(pk=email_id, status=Status.SENDING, claimed_until=lease_end).update(
        status=Status.SENT, sent_at=timezone.now(), claimed_until=None, next_attempt_at=None
    )
    if not marked:
        logger.error("Outbox email %s was sent after its lease ran out and was claimed again.", email_id)


def _record_failure(*, email: OutboxEmail, lease_end: datetime, error: Exception) -> None:
    gave_up = email.attempts >= MAX_ATTEMPTS
    logger.warning("Outbox email %s, attempt %s of %s, failed: %r", email.pk, email.attempts, MAX_ATTEMPTS, error)
    OutboxEmail.objects.filter(pk=email.pk, status=Status.SENDING, claimed_until=lease_end).update(
        status=Status.FAILED if gave_up else Status.PENDING,
        claimed_until=None,
        next_attempt_at=None if gave_up else timezone.now() + _backoff(attempts=email.attempts),
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )


def _backoff(*, attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF)


def emails_sweep(*, older_than_seconds: int = 60, limit: int = 100) -> int:
    """Send what is still pending (created at least older_than_seconds ago, past its back-off) or whose claim
    lease expired, oldest first; returns how many were sent. Newer rows are left to their after-commit task."""
    now = timezone.now()
    _fail_abandoned(now=now)
    due = OutboxEmail.objects.due(now=now, created_before=now - timedelta(seconds=older_than_seconds))
    email_ids = list(due.order_by("created_at", "pk").values_list("pk", flat=True)[:limit])
    return sum(email_send(email_id=email_id) for email_id in email_ids)


def _fail_abandoned(*, now: datetime) -> int:
    """A claim that ran out on the last allowed attempt (its sender died mid-send) is not tried again."""
    return OutboxEmail.objects.filter(status=Status.SENDING, claimed_until__lt=now, attempts__gte=MAX_ATTEMPTS).update(
        status=Status.FAILED, claimed_until=None, last_error="The sender stopped during the last allowed attempt."
    )


def emails_send_now(*, email_ids: Iterable[int]) -> int:
    """Send the chosen emails now, back-off or not; sent, failed or claimed ones are left alone. Returns how many
    were sent."""
    return sum(email_send(email_id=email_id) for email_id in email_ids)


def emails_retry_failed(*, email_ids: Iterable[int]) -> int:
    """Give the chosen failed emails a fresh set of attempts and enqueue them; returns how many."""
    with transaction.atomic():
        failed = OutboxEmail.objects.select_for_update().filter(pk__in=list(email_ids), status=Status.FAILED)
        retried = list(failed.values_list("pk", flat=True))
        OutboxEmail.objects.filter(pk__in=retried).update(status=Status.PENDING, attempts=0, next_attempt_at=None)
        for email_id in retried:
            transaction.on_commit(partial(_enqueue_send, email_id=email_id), robust=True)
    return len(retried)
