"""Thin Celery tasks: fetch by id, call one service; running one twice never sends twice (the deliveries' claims)."""

from celery import shared_task

from .services import sending


@shared_task(ignore_result=True)
def newsletter_send(newsletter_id: int) -> dict:
    """Send the newsletter's remaining deliveries in batches, until done or paused."""
    return sending.newsletter_send(newsletter_id=newsletter_id)


@shared_task(ignore_result=True)
def newsletters_dispatch() -> dict:
    """The periodic job: start the scheduled newsletters that are due, resume stalled sends."""
    return sending.newsletters_dispatch()
