"""Refunds, full or partial, of one payment. A card refund goes through Stripe after the transaction commits
(pending until Stripe answers; retried by refunds_send_pending); any other is recorded as already made (staff
sent a cheque or a transfer back). Each refund is on the order's timeline and the customer's statement."""

import logging
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.queue import task_enqueue
from orders.models import Order, OrderEvent

from .. import gateway
from ..models import ZERO, Invoice, Payment, Refund
from . import PaymentError
from .emails import refund_notice_queue
from .invoices import invoice_add_refund

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 6


def refund_create(*, payment: Payment, amount: Decimal, reason: str, user=None, locked: bool = False) -> Refund:
    """Raises PaymentError when the amount is not between one cent and what is left to refund on the payment.
    `locked`: the caller already holds the order's and the payment's row locks in its transaction."""
    with transaction.atomic():
        if not locked:
            Order.objects.select_for_update().filter(pk=payment.order_id).first()
            payment = Payment.objects.select_for_update().get(pk=payment.pk)
        amount = Decimal(amount)
        if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount <= ZERO:
            raise PaymentError(_("Enter an amount in dollars and cents, more than zero."))
        left = payment.refundable()
        if amount > left:
            from core.money import money

            raise PaymentError(_("At most %(left)s of this payment can still be refunded.") % {"left": money(left)})
        by_card = payment.method == Payment.Method.CARD
        refund = Refund.objects.create(
            payment=payment, order_id=payment.order_id, amount=amount, reason=reason[:255],
            status=Refund.Status.PENDING if by_card else Refund.Status.SUCCEEDED,
            created_by=user if user is not None and user.is_authenticated else None,
        )
        if by_card:
            transaction.on_commit(partial(_enqueue_send, refund_id=refund.pk), robust=True)
        else:
            _refund_done(refund)
    return refund


def _enqueue_send(*, refund_id: int) -> None:
    try:
        task_enqueue("payments.tasks.refund_send_task", refund_id)
    except Exception as exc:  # noqa: BLE001 — a broker outage; the beat sweep sends pending refunds
        logger.warning("Refund %s not enqueued (%s); the sweep will send it.", refund_id, exc)


def _refund_done(refund: Refund) -> None:
    """Record a refund the customer has received: on the invoice, the timeline, and by email."""
    from core.money import money

    refund.refunded_at = timezone.now()
    Refund.objects.filter(pk=refund.pk).update(refunded_at=refund.refunded_at)
    invoice_add_refund(invoice=Invoice.objects.select_for_update().get(order_id=refund.order_id), refund=refund)
    order = Order.objects.get(pk=refund.order_id)
    OrderEvent.objects.create(order=order, status=order.status, created_by=refund.created_by,
                              note=(_("Refund of %(amount)s: %(reason)s")
                                    % {"amount": money(refund.amount), "reason": refund.reason})[:255])
    refund_notice_queue(refund=refund)


def refund_send(*, refund_id: int) -> Refund:
    """Send one pending card refund to Stripe. The refund's id is Stripe's idempotency key, so two workers or a
    retry after a crash can never refund twice."""
    refund = Refund.objects.select_related("payment").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING:
        return refund
    try:
        result = gateway.refund_create(
            payment_intent=refund.payment.payment_intent, amount=refund.amount,
            idempotency_key=f"comptoir-refund-{refund.pk}", metadata={"order": str(refund.order_id),
                                                                      "refund": str(refund.pk)},
        )
    except gateway.GatewayError as error:
        return _send_failed(refund, str(error))
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=refund.order_id).first()
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.provider_id = result.id
        if result.status in ("succeeded", "pending"):
            refund.status = Refund.Status.SUCCEEDED
            refund.save(update_fields=["status", "provider_id", "updated_at"])
            _refund_done(refund)
        else:
            refund.status = Refund.Status.FAILED
            refund.failure_message = _("Stripe answered: %(status)s") % {"status": result.status}
            refund.save(update_fields=["status", "provider_id", "failure_message", "updated_at"])
    return refund


def _send_failed(refund: Refund, error: str) -> Refund:
    with transaction.atomic():
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PENDING:
            return refund
        refund.attempts += 1
        refund.failure_message = error[:255]
        if refund.attempts >= MAX_ATTEMPTS:
            refund.status = Refund.Status.FAILED
            order = Order.objects.select_for_update().get(pk=refund.order_id)
            order.attention = (_("Refund %(id)s could not be sent to Stripe: %(error)s")
                               % {"id": refund.pk, "error": error})[:255]
            order.save(update_fields=["attention", "updated_at"])
        refund.save(update_fields=["attempts", "failure_message", "status", "updated_at"])
    logger.warning("Refund %s not sent (attempt %s): %s", refund.pk, refund.attempts, error)
    return refund


def refunds_send_pending() -> int:
    """Beat: send card refunds whose after-commit task never ran or failed."""
    sent = 0
    for refund_id in Refund.objects.filter(status=Refund.Status.PENDING).values_list("pk", flat=True)[:100]:
        if refund_send(refund_id=refund_id).status == Refund.Status.SUCCEEDED:
            sent += 1
    return sent
