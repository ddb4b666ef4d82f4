"""Thin Celery tasks: each calls one service; all are safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def quotes_expire_daily() -> int:
    return services.quotes_expire()
