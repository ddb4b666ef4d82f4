"""Thin Celery tasks: each calls one service; all are safe to run twice."""

from celery import shared_task

from .services import scoring


@shared_task
def customer_scores_nightly() -> int:
    return scoring.customer_scores_compute()
