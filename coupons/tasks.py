"""Thin Celery tasks: each calls one service; all are safe to run twice (Incentive's unique constraint)."""

from celery import shared_task

from .services import incentives


@shared_task
def thank_you_coupons_send() -> int:
    return incentives.incentives_thank_you_due()
