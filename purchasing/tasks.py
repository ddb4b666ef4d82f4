"""Thin Celery tasks: each calls one service; all are safe to run twice."""

from celery import shared_task

from .services.alerts import low_stock_alerts_check
from .services.reorder import suggestions_compute


@shared_task
def reorder_suggestions_nightly() -> int:
    return suggestions_compute()


@shared_task
def low_stock_alerts() -> dict:
    return low_stock_alerts_check()
