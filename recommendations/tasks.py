"""Thin Celery tasks: each calls one service; all are safe to run twice."""

from celery import shared_task

from .services import product_pairs_compute


@shared_task
def product_pairs_nightly() -> int:
    return product_pairs_compute()
