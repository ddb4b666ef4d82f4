"""Card payments through hosted Stripe Checkout.

- card_payment_start writes a pending Payment (committed) before calling Stripe, outside any transaction, with the
  payment's id as Stripe's idempotency key: a crash between the two leaves a pending row and no charge, and a
  retried call returns the same Checkout session.
- Only a signature-verified webhook changes a payment's status (stripe_event_handle). The whole handling of an
  event runs in one transaction that also inserts the event's id (unique): a crash before commit leaves nothing
  and Stripe's retry does it all; a delivery after commit finds the id and does nothing. Both success events
  (checkout.session.completed and payment_intent.succeeded) may arrive, in any order, any number of times: a
  payment becomes succeeded once, and a failure never overrides a success.
- A payment whose amount or currency is not the order's is recorded as received but the order is not marked paid:
  it is flagged for staff (Order.attention).
- A payment arriving after the order expired holds the stock again if it can; otherwise the order is cancelled,
  flagged, and the money refunded automatically.
"""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import money
from inventory.services import InsufficientStock
from orders.models import Order, OrderEvent
from orders.services.reserve import order_stock_reserve
from orders.services.status import order_transition

from .. import gateway
from ..models import Invoice, Payment, StripeEvent
from . import PaymentError
from .emails import payment_receipt_queue
from .invoices import invoice_add_payment, invoice_reopen
from .refunds import refund_create

logger = logging.getLogger(__name__)
S = Order.Status
# Stripe accepts a Checkout session's expires_at between 30 minutes and 24 hours ahead.
SESSION_MIN_LIFE = timedelta(minutes=31)
# A double click on "Pay" reuses the session just created instead of opening a second one.
SESSION_REUSE = timedelta(minutes=20)


def card_payment_start(*, order: Order, success_url: str, cancel_url: str) -> Payment:
    """A Checkout session for what the order still owes; returns the pending payment (its checkout_url is where the
    shopper goes). Raises PaymentError when the order does not wait for a card payment or Stripe is unreachable."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if not order.awaits_card_payment:
            raise PaymentError(_("This order is not waiting for a card payment."))
        recent = order.payments.filter(
            method=Payment.Method.CARD, status=Payment.Status.PENDING, created_at__gte=timezone.now() - SESSION_REUSE,
        ).exclude(checkout_url="").order_by("-pk").first()
        if recent is not None:
            return recent
        payment = Payment.objects.create(order=order, method=Payment.Method.CARD, amount=order.total)
    expires_at = max(order.created_at + timedelta(minutes=settings.SHOP_PAYMENT_EXPIRY_MINUTES),
                     timezone.now() + SESSION_MIN_LIFE)
    try:
        session = gateway.checkout_session_create(
            reference=order.number, payment_id=payment.pk, amount=payment.amount, email=order.email,
            description=_("Order %(number)s") % {"number": order.number},
            success_url=success_url, cancel_url=cancel_url, expires_at=expires_at, language=order.language,
            idempotency_key=f"comptoir-payment-{payment.pk}",
        )
    except gateway.GatewayError as error:
        logger.warning("Checkout session for %s not created: %s", order.number, error)
        Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            status=Payment.Status.FAILED, failure_message=_("The card processor could not be reached."))
        raise PaymentError(_("We could not reach the card processor. Your order is saved: please try “Pay now” "
                             "again in a moment.")) from error
    Payment.objects.filter(pk=payment.pk).update(provider_id=session.id, checkout_url=session.url)
    payment.refresh_from_db()
    return payment


def card_sessions_close(*, order: Order) -> bool:
    """Close the order's open Checkout sessions at Stripe so that nobody pays while its stock goes back. False
    when one is paid, or completed by a payment that is still settling (a bank debit): its webhook is on the way
    and the order must wait for it. A session completed by a payment that then failed (async_payment_failed made
    its payment failed) will bring nothing more and does not hold the order. Stripe being unreachable does not
    block: a payment that still arrives is handled as a late payment (refunded if the stock is gone)."""
    open_payments = order.payments.filter(method=Payment.Method.CARD,
                                          status__in=(Payment.Status.PENDING, Payment.Status.FAILED))
    for payment in open_payments.exclude(provider_id=""):
        try:
            session = gateway.checkout_session_expire(payment.provider_id)
        except gateway.GatewayError as error:
            logger.warning("Could not close Checkout session %s of %s: %s", payment.provider_id, order.number, error)
            continue
        if session.status == "complete":
            if session.payment_status == "unpaid" and payment.status == Payment.Status.FAILED:
                continue  # a delayed payment that failed: Stripe sends nothing more for this session
            logger.info("%s: session %s is paid or settling; waiting for its webhook.", order.number,
                        payment.provider_id)
            return False
    return True


def stripe_event_handle(*, event: dict) -> str:
    """Apply one verified webhook event, once. Returns what was done (kept on the event row, for staff)."""
    with transaction.atomic():
        record, created = StripeEvent.objects.get_or_create(
            event_id=str(event.get("id", "")), defaults={"type": str(event.get("type", ""))[:100], "payload": event})
        if not created:
            return "duplicate"
        handler = HANDLERS.get(record.type)
        obj = (event.get("data") or {}).get("object") or {}
        outcome = handler(obj) if handler is not None else "ignored"
        record.outcome = outcome[:255]
        record.save(update_fields=["outcome"])
    return outcome


def _payment_locked(obj: dict, *, by_session: bool) -> Payment | None:
    """The payment an event is about (by Checkout session id, else by the payment id put in its metadata), with
    its order locked first: every path that changes an order's money takes the order's lock, then the payment's."""
    query = Payment.objects.filter(method=Payment.Method.CARD)
    if by_session:
        query = query.filter(provider_id=str(obj.get("id", "")))
    else:
        payment_id = str((obj.get("metadata") or {}).get("payment", ""))
        if not payment_id.isdigit():
            return None
        query = query.filter(pk=int(payment_id))
    found = query.values_list("pk", "order_id").first()
    if found is None:
        return None
    Order.objects.select_for_update().filter(pk=found[1]).first()
    return Payment.objects.select_for_update().select_related("order").get(pk=found[0])


def _session_completed(obj: dict) -> str:
    payment = _payment_locked(obj, by_session=True)
    if payment is None:
        return "unknown session"
    if obj.get("payment_status") != "paid":
        return "completed, payment not settled yet"
    return _succeeded(payment, amount_cents=obj.get("amount_total"), currency=obj.get("currency"),
                      payment_intent=obj.get("payment_intent") or "")


def _intent_succeeded(obj: dict) -> str:
    payment = _payment_locked(obj, by_session=False)
    if payment is None:
        return "unknown payment"
    return _succeeded(payment, amount_cents=obj.get("amount_received", obj.get("amount")),
                      currency=obj.get("currency"), payment_intent=str(obj.get("id", "")))


def _session_failed(obj: dict) -> str:
    payment = _payment_locked(obj, by_session=True)
    return _failed(payment, message=_("The payment did not go through."))


def _intent_failed(obj: dict) -> str:
    payment = _payment_locked(obj, by_session=False)
    message = ((obj.get("last_payment_error") or {}).get("message") or _("The card was declined."))[:255]
    return _failed(payment, message=message)


def _session_expired(obj: dict) -> str:
    payment = _payment_locked(obj, by_session=True)
    if payment is None:
        return "unknown session"
    if payment.status in (Payment.Status.PENDING, Payment.Status.FAILED):
        payment.status = Payment.Status.EXPIRED
        payment.save(update_fields=["status", "updated_at"])
        return f"payment {payment.pk} abandoned"
    return f"payment {payment.pk} already {payment.status}"


def _failed(payment: Payment | None, *, message: str) -> str:
    if payment is None:
        return "unknown payment"
    if payment.status != Payment.Status.PENDING:
        return f"payment {payment.pk} already {payment.status}"  # a late failure never undoes a success
    payment.status = Payment.Status.FAILED
    payment.failure_message = message
    payment.save(update_fields=["status", "failure_message", "updated_at"])
    return f"payment {payment.pk} failed"


def _succeeded(payment: Payment, *, amount_cents, currency, payment_intent: str) -> str:
    if payment.status == Payment.Status.SUCCEEDED:
        return f"payment {payment.pk} already succeeded"
    # The gateway let through an integer or null (Stripe sends null for an amount it does not know yet).
    amount = None if amount_cents is None else gateway.from_cents(amount_cents)
    order = payment.order
    payment.status = Payment.Status.SUCCEEDED
    payment.payment_intent = payment_intent[:255]
    payment.received_on = timezone.localdate()
    payment.failure_message = ""
    if amount is None or str(currency).lower() != "cad" or amount != payment.amount:
        return _mismatch(payment, amount=amount, currency=currency)
    payment.save()
    invoice_add_payment(invoice=Invoice.objects.select_for_update().get(order=order), amount=amount)
    if order.status == S.RECEIVED:
        order_transition(order=order, to=S.PAID, note=_("Card payment received"))
        payment_receipt_queue(payment=payment)
        return f"payment {payment.pk} succeeded, order paid"
    if order.status == S.EXPIRED:
        return _late(payment, order)
    return _unwanted(payment, order, why=_("Card payment received for an order that is %(status)s: refunded.")
                     % {"status": order.get_status_display()})


def _mismatch(payment: Payment, *, amount: Decimal | None, currency) -> str:
    order = payment.order
    payment.amount = amount if amount is not None and amount >= 0 else Decimal("0.00")
    payment.failure_message = _("Received %(amount)s %(currency)s instead of %(expected)s.") % {
        "amount": money(payment.amount), "currency": str(currency).upper(), "expected": money(order.total)}
    payment.failure_message = payment.failure_message[:255]  # the currency is Stripe's text: it may be any length
    payment.save()
    if str(currency).lower() == "cad" and payment.amount:
        invoice_add_payment(invoice=Invoice.objects.select_for_update().get(order=order), amount=payment.amount)
    _flag(order, _("Card payment %(id)s: %(problem)s Check it and mark the order paid or refund.")
          % {"id": payment.pk, "problem": payment.failure_message})
    return f"payment {payment.pk} amount mismatch, flagged"


def _late(payment: Payment, order: Order) -> str:
    """The payment arrived after the order's reservation expired: hold the stock again, or refund."""
    try:
        with transaction.atomic():
            order_stock_reserve(order=order)
    except InsufficientStock:
        order_transition(order=order, to=S.CANCELLED,
                         note=_("Paid after the reservation expired; the items are gone: refunded."))
        return _unwanted(payment, order, why=_("Paid after the reservation expired and the items were no longer "
                                               "in stock: the order is cancelled and the payment refunded."))
    order_transition(order=order, to=S.PAID, note=_("Paid after the reservation expired; items held again."))
    invoice_reopen(invoice=Invoice.objects.select_for_update().get(order=order))
    payment_receipt_queue(payment=payment)
    return f"payment {payment.pk} succeeded late, stock held again"


def _unwanted(payment: Payment, order: Order, *, why: str) -> str:
    payment.save()
    _flag(order, why)
    refund_create(payment=payment, amount=payment.amount, reason=why, user=None, locked=True)
    return f"payment {payment.pk} succeeded for a {order.status} order, refunded"


def _flag(order: Order, why: str) -> None:
    order.attention = why[:255]
    order.save(update_fields=["attention", "updated_at"])
    OrderEvent.objects.create(order=order, status=order.status, note=why[:255])


HANDLERS = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_completed,
    "checkout.session.async_payment_failed": _session_failed,
    "checkout.session.expired": _session_expired,
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
}
