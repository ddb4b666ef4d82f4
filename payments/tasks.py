"""Thin Celery tasks: each calls one service; all are safe to run twice."""

from celery import shared_task

from .services import documents, expiry, refunds, reminders


@shared_task
def payments_expire_unpaid() -> list[str]:
    return expiry.orders_expire_unpaid()


@shared_task
def invoices_remind() -> int:
    return len(reminders.invoices_remind())


@shared_task
def refund_send_task(refund_id: int) -> str:
    return refunds.refund_send(refund_id=refund_id).status


@shared_task
def refunds_send_pending() -> int:
    return refunds.refunds_send_pending()


@shared_task
def statements_send_monthly() -> int:
    return len(documents.statements_send_monthly())
