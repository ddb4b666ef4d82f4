"""Thin Celery tasks: each calls one service; all are safe to run twice."""

from celery import shared_task

from . import services


@shared_task
def idempotency_keys_purge() -> int:
    return services.idempotency_keys_purge()
