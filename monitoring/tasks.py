"""Thin task for the periodic job "request-metrics-tidy" (settings.SHOP_JOBS)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def request_minutes_tidy() -> dict[str, int]:
    """Roll up old minutes into hours and delete request metrics past their retention; running it twice changes
    nothing more."""
    return services.request_minutes_tidy()
