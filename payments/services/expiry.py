"""Abandoned card payments: an unpaid card order holds its stock for SHOP_PAYMENT_EXPIRY_MINUTES, then the stock
goes back (ledger release lines), open Checkout sessions are closed at Stripe, and the customer is told."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order
from orders.services.status import order_transition

from ..models import Payment
from .card import card_sessions_close
from .emails import payment_expired_queue

OPEN = (Payment.Status.PENDING, Payment.Status.FAILED)


def orders_expire_unpaid(*, now: datetime | None = None) -> list[str]:
    """Beat: expire every card order unpaid past its time. Returns the numbers of the orders expired."""
    cutoff = (now or timezone.now()) - timedelta(minutes=settings.SHOP_PAYMENT_EXPIRY_MINUTES)
    due = (Order.objects.filter(payment_method=Order.PaymentMethod.CARD, status=Order.Status.RECEIVED,
                                created_at__lt=cutoff)
           .exclude(payments__status=Payment.Status.SUCCEEDED).order_by("pk"))
    return [order.number for order in due if order_payment_expire(order=order)]


def order_payment_expire(*, order: Order) -> bool:
    """Close the order's Checkout sessions first, so nobody can pay while the stock goes back; a session Stripe
    reports complete means its webhook is on its way, and the order is left for it. Stripe being unreachable does
    not keep the stock held: a payment that still arrives is handled as a late payment."""
    if not card_sessions_close(order=order):
        return False
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if not order.awaits_card_payment or order.payments.filter(status=Payment.Status.SUCCEEDED).exists():
            return False
        order_transition(order=order, to=Order.Status.EXPIRED,
                         note=_("Payment not received in time; the items were put back on sale."))
        order.payments.filter(status__in=OPEN).update(status=Payment.Status.EXPIRED, updated_at=timezone.now())
        payment_expired_queue(order=order)
    return True
