"""Sending a newsletter: the status moves, the per-recipient deliveries, the batches.

- newsletter_start makes one delivery per member of the segment (unique per newsletter and contact) and moves the
  newsletter to sending; the batches do the rest, in a Celery task (eager in tests and `make run`).
- A batch claims up to SHOP_NEWSLETTER_BATCH pending deliveries with a conditional UPDATE and a lease
  (pending, or sending with an expired lease -> sending until now + lease), re-checks their consent for the
  segment's purpose today (a contact who unsubscribed mid-send is skipped), then, in ONE transaction, writes their
  outbox emails and marks them queued, conditional on the claim: either both happen or neither, so a delivery has at
  most one email. After commit it sends those emails through the outbox (email_send claims each row: never twice).
- A worker killed mid-batch leaves claimed deliveries (lease runs out: a later run claims them again) or queued ones
  whose email is still pending or claimed (a later run, or the outbox sweep, sends it once). Nothing is skipped and
  nothing is sent twice, except the one case no SMTP client can rule out: killed after the server accepted a message
  and before the outbox recorded it.
- Pause stops the loop before its next batch; resume continues where it stopped.
"""

import logging
import secrets
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils import timezone

from core.queue import task_enqueue
from crm.services.consent import contacts_consenting
from crm.services.segments import segment_members
from outbox.models import OutboxEmail
from outbox.services import MAX_ATTEMPTS, email_send, emails_queue_many, one_connection

from ..models import Newsletter, NewsletterDelivery
from .rendering import (
    Rendered,
    language_of,
    newsletter_render,
    newsletter_with_blocks,
    unsubscribe_headers,
    unsubscribe_link,
)

logger = logging.getLogger(__name__)

Status = Newsletter.Status
Delivery = NewsletterDelivery.Status
SEND_TASK = "newsletters.tasks.newsletter_send"
# Allowed moves of a newsletter's status.
TRANSITIONS = {
    Status.DRAFT: {Status.SCHEDULED, Status.SENDING},
    Status.SCHEDULED: {Status.DRAFT, Status.SENDING},
    Status.SENDING: {Status.PAUSED, Status.SENT},
    Status.PAUSED: {Status.SENDING},
    Status.SENT: set(),
}


class TransitionRefused(ValueError):
    pass


def _lease() -> timedelta:
    return timedelta(seconds=settings.SHOP_NEWSLETTER_LEASE_SECONDS)


def _move(*, newsletter_id: int, to: str, **fields) -> Newsletter:
    """Move the status along TRANSITIONS under a row lock; raises TransitionRefused otherwise."""
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter_id)
    if to not in TRANSITIONS[newsletter.status]:
        raise TransitionRefused(f"{newsletter.status} -> {to}")
    newsletter.status = to
    for name, value in fields.items():
        setattr(newsletter, name, value)
    newsletter.save(update_fields=["status", *fields])
    return newsletter


def _enqueue(newsletter_id: int) -> None:
    task_enqueue(SEND_TASK, newsletter_id)


def newsletter_schedule(*, newsletter: Newsletter, at: datetime) -> Newsletter:
    if at <= timezone.now():
        raise TransitionRefused("the time to send is in the past")
    with transaction.atomic():
        return _move(newsletter_id=newsletter.pk, to=Status.SCHEDULED, scheduled_at=at)


def newsletter_unschedule(*, newsletter: Newsletter) -> Newsletter:
    with transaction.atomic():
        return _move(newsletter_id=newsletter.pk, to=Status.DRAFT)


def newsletter_start(*, newsletter: Newsletter) -> Newsletter:
    """Send now (or the scheduled time has come): one delivery per segment member, then batches after commit."""
    if not newsletter.blocks.exists():
        raise TransitionRefused("a newsletter needs at least one block")
    with transaction.atomic():
        newsletter = _move(newsletter_id=newsletter.pk, to=Status.SENDING, started_at=timezone.now(),
                           heartbeat_at=timezone.now())
        members = segment_members(segment=newsletter.segment).values_list("pk", "language")
        NewsletterDelivery.objects.bulk_create(
            (NewsletterDelivery(newsletter=newsletter, contact_id=pk, language=language_of(language))
             for pk, language in members.iterator(chunk_size=2000)),
            batch_size=1000, ignore_conflicts=True)
        transaction.on_commit(partial(_enqueue, newsletter.pk), robust=True)
    return newsletter


def newsletter_pause(*, newsletter: Newsletter) -> Newsletter:
    with transaction.atomic():
        return _move(newsletter_id=newsletter.pk, to=Status.PAUSED)


def newsletter_resume(*, newsletter: Newsletter) -> Newsletter:
    with transaction.atomic():
        newsletter = _move(newsletter_id=newsletter.pk, to=Status.SENDING, heartbeat_at=timezone.now())
        transaction.on_commit(partial(_enqueue, newsletter.pk), robust=True)
    return newsletter


def newsletter_send_test(*, newsletter: Newsletter, to: str) -> list[OutboxEmail]:
    """The newsletter in English and in French to a staff member (subject marked as a test); links go nowhere."""
    newsletter = newsletter_with_blocks(newsletter_id=newsletter.pk)
    link = settings.SHOP_BASE_URL.rstrip("/") + "/"
    emails = []
    with transaction.atomic():
        for language in ("en", "fr"):
            rendered = newsletter_render(newsletter=newsletter, language=language, link=link, test=True)
            emails += emails_queue_many(emails=[{
                "to": to, "subject": f"[TEST] {rendered.subject}", "text_body": rendered.text_body,
                "html_body": rendered.html_body, "language": language, "reference": f"newsletter-{newsletter.pk}",
            }])
    for email in emails:
        email_send(email_id=email.pk)
    return emails


def _claim(*, newsletter_id: int, limit: int) -> tuple[datetime, list[NewsletterDelivery]]:
    now = timezone.now()
    # The lease end names the claim; a few random microseconds keep two claims of the same instant apart.
    lease_end = now + _lease() + timedelta(microseconds=secrets.randbelow(1000))
    candidates = list(NewsletterDelivery.objects.claimable(now=now).filter(newsletter_id=newsletter_id)
                      .order_by("pk").values_list("pk", flat=True)[:limit])
    if not candidates:
        return lease_end, []
    NewsletterDelivery.objects.claimable(now=now).filter(pk__in=candidates).update(
        status=Delivery.SENDING, claimed_until=lease_end)
    claimed = list(NewsletterDelivery.objects.filter(pk__in=candidates, status=Delivery.SENDING,
                                                     claimed_until=lease_end).select_related("contact"))
    return lease_end, claimed


class _LeaseLost(Exception):
    pass


def newsletter_send_batch(*, newsletter: Newsletter, rendered: dict[str, Rendered], limit: int) -> int:
    """Claim, re-check consent, write the emails and mark the deliveries queued (one transaction), then send the
    emails. Returns how many deliveries it took (0: nothing left to claim)."""
    lease_end, claimed = _claim(newsletter_id=newsletter.pk, limit=limit)
    if not claimed:
        return 0
    mine = NewsletterDelivery.objects.filter(status=Delivery.SENDING, claimed_until=lease_end)
    consenting = set(contacts_consenting(purpose=newsletter.segment.purpose, on=timezone.localdate())
                     .filter(pk__in=[d.contact_id for d in claimed]).values_list("pk", flat=True))
    skipped = [d.pk for d in claimed if d.contact_id not in consenting]
    no_address = [d.pk for d in claimed if d.contact_id in consenting and not d.contact.email]
    mine.filter(pk__in=skipped).update(status=Delivery.SKIPPED, claimed_until=None)
    mine.filter(pk__in=no_address).update(status=Delivery.FAILED, claimed_until=None, error="No email address.")
    to_send = [d for d in claimed if d.contact_id in consenting and d.contact.email]
    if not to_send:
        return len(claimed)
    rows = []
    for delivery in to_send:
        language = delivery.language or language_of(delivery.contact.language)
        link = unsubscribe_link(contact_id=delivery.contact_id, purpose=newsletter.segment.purpose,
                                language=language)
        message = rendered[language].with_link(link)
        rows.append({"to": delivery.contact.email, "subject": message.subject, "text_body": message.text_body,
                     "html_body": message.html_body, "language": language,
                     "reference": f"newsletter-{newsletter.pk}", "headers": unsubscribe_headers(link)})
    try:
        with transaction.atomic():
            emails = emails_queue_many(emails=rows)
            marked = mine.filter(pk__in=[d.pk for d in to_send]).update(
                status=Delivery.QUEUED, claimed_until=None, queued_at=timezone.now(),
                email_id=Case(*(When(pk=d.pk, then=Value(e.pk)) for d, e in zip(to_send, emails, strict=True)),
                              output_field=IntegerField()))
            if marked != len(to_send):
                raise _LeaseLost
    except _LeaseLost:
        logger.error("Newsletter %s: a batch outlived its lease; another worker took its rows.", newsletter.pk)
        return len(claimed)
    with one_connection() as mailer:
        for email in emails:
            email_send(email_id=email.pk, mailer=mailer)
    return len(claimed)


def _send_stranded(*, newsletter_id: int) -> int:
    """Emails written by a batch whose worker stopped before sending them (or mid-send, lease run out)."""
    now = timezone.now()
    email_ids = list(OutboxEmail.objects.filter(
        Q(status=OutboxEmail.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(status=OutboxEmail.Status.SENDING, claimed_until__lt=now),
        pk__in=NewsletterDelivery.objects.filter(newsletter_id=newsletter_id, status=Delivery.QUEUED)
        .values("email_id"), attempts__lt=MAX_ATTEMPTS,
    ).order_by("pk").values_list("pk", flat=True))
    if not email_ids:
        return 0
    with one_connection() as mailer:
        return sum(email_send(email_id=email_id, mailer=mailer) for email_id in email_ids)


def newsletter_send(*, newsletter_id: int, batch_size: int | None = None) -> dict[str, int]:
    """Run batches until none is left or the newsletter is paused; mark it sent when every delivery is settled.
    Safe to run twice at once (the claims split the work) and again after a crash (it resumes)."""
    limit = batch_size or settings.SHOP_NEWSLETTER_BATCH
    newsletter = newsletter_with_blocks(newsletter_id=newsletter_id)
    if newsletter.status != Status.SENDING:
        return {"batches": 0, "deliveries": 0}
    rendered = {language: newsletter_render(newsletter=newsletter, language=language) for language in ("en", "fr")}
    _send_stranded(newsletter_id=newsletter_id)
    batches = deliveries = 0
    while Newsletter.objects.filter(pk=newsletter_id, status=Status.SENDING).exists():
        Newsletter.objects.filter(pk=newsletter_id).update(heartbeat_at=timezone.now())
        taken = newsletter_send_batch(newsletter=newsletter, rendered=rendered, limit=limit)
        if not taken:
            break
        batches, deliveries = batches + 1, deliveries + taken
    unsettled = NewsletterDelivery.objects.filter(newsletter_id=newsletter_id,
                                                  status__in=[Delivery.PENDING, Delivery.SENDING])
    if not unsettled.exists():
        with transaction.atomic():
            current = Newsletter.objects.select_for_update().get(pk=newsletter_id)
            if current.status == Status.SENDING:
                _move(newsletter_id=newsletter_id, to=Status.SENT, finished_at=timezone.now())
    return {"batches": batches, "deliveries": deliveries}


def newsletters_dispatch() -> dict[str, int]:
    """The periodic job: start the scheduled newsletters that are due; hand each newsletter that is sending with no
    batch seen lately (its worker stopped) to a worker again."""
    now = timezone.now()
    started = 0
    for newsletter in Newsletter.objects.filter(status=Status.SCHEDULED, scheduled_at__lte=now):
        try:
            newsletter_start(newsletter=newsletter)
            started += 1
        except TransitionRefused as error:
            logger.warning("Scheduled newsletter %s not started: %s", newsletter.pk, error)
    stalled = list(Newsletter.objects.filter(status=Status.SENDING).filter(
        Q(heartbeat_at__isnull=True) | Q(heartbeat_at__lt=now - _lease())).values_list("pk", flat=True))
    for newsletter_id in stalled:
        _enqueue(newsletter_id)
    return {"started": started, "resumed": len(stalled)}


def newsletters_progress(queryset):
    """The newsletters with their counters: total, sent (the outbox sent it), failed, skipped, waiting."""
    deliveries = "deliveries__"
    return queryset.annotate(
        total=Count("deliveries"),
        sent=Count("deliveries", filter=Q(**{f"{deliveries}email__status": OutboxEmail.Status.SENT})),
        failed=Count("deliveries", filter=Q(**{f"{deliveries}status": Delivery.FAILED})
                     | Q(**{f"{deliveries}email__status": OutboxEmail.Status.FAILED})),
        skipped=Count("deliveries", filter=Q(**{f"{deliveries}status": Delivery.SKIPPED})),
    )
