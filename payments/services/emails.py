"""The customer emails about money, written to the outbox in the caller's transaction."""

from django.conf import settings
from django.urls import reverse

from orders.models import Order
from outbox.services import email_queue_rendered

from ..models import Invoice, Payment, Refund


def _order_url(order: Order) -> str:
    return settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url()


def _queue(*, order: Order, template: str, **context) -> None:
    email_queue_rendered(to=order.email, template=f"emails/payments/{template}", language=order.language,
                         reference=order.number, context={"order": order, "order_url": _order_url(order), **context})


def payment_receipt_queue(*, payment: Payment) -> None:
    _queue(order=payment.order, template="receipt", payment=payment, invoice=Invoice.objects.get(order=payment.order))


def refund_notice_queue(*, refund: Refund) -> None:
    _queue(order=Order.objects.get(pk=refund.order_id), template="refund", refund=refund,
           by_card=refund.payment.method == Payment.Method.CARD)


def payment_expired_queue(*, order: Order) -> None:
    _queue(order=order, template="expired", lines=list(order.lines.all()))


def invoice_reminder_queue(*, invoice: Invoice, stage: int) -> None:
    _queue(order=invoice.order, template="reminder", invoice=invoice, balance=invoice.balance, stage=stage,
           statement_url=settings.SHOP_BASE_URL.rstrip("/") + reverse("payments:statement"))
