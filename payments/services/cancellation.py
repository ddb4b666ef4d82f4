"""Staff cancel an order, paid or not: what will happen is shown first (cancellation_plan, for the confirmation
page), then order_cancel does it in one transaction:
- the order moves to cancelled through orders' one transition function (the units held go back on sale, the
  invoice is void: PaymentsConfig's order_closed hook);
- every card payment is refunded in full through refund_create (sent to Stripe after commit, like any refund);
- money received by cheque, transfer or cash is listed as owed: the void invoice keeps its negative balance (the
  invoices' "Refund owed" filter), the order is flagged, and staff record the refund when they send it back;
- the customer is emailed (emails/orders/cancelled, in the order's language) with the refund or what is owed.

The customer's own cancellation of an unpaid order (checkout.views.order_cancel) does not come here.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from orders.models import Order, OrderLine
from orders.services.status import ALLOWED_MOVES, order_transition
from outbox.services import email_queue_rendered

from ..models import ZERO, Payment, Refund
from . import PaymentError
from .card import card_sessions_close
from .refunds import refund_create


@dataclass
class CancellationPlan:
    order: Order
    allowed: bool
    # (line, units held in stock that go back on sale, units still on backorder that are no longer awaited)
    stock_back: list[tuple[OrderLine, int, int]] = field(default_factory=list)
    card_refunds: list[tuple[Payment, Decimal]] = field(default_factory=list)
    owed: Decimal = ZERO  # received by cheque, transfer or cash: paid back by hand

    @property
    def card_refund_total(self) -> Decimal:
        return sum((amount for _p, amount in self.card_refunds), ZERO)

    @property
    def refund_total(self) -> Decimal:
        return self.card_refund_total + self.owed

    @property
    def units_back(self) -> int:
        return sum(held for _line, held, _waiting in self.stock_back)


@dataclass(frozen=True)
class Cancellation:
    order: Order
    refunds: list[Refund]
    owed: Decimal


def cancellation_plan(*, order: Order) -> CancellationPlan:
    """What cancelling this order will do (a read: nothing is locked or changed)."""
    plan = CancellationPlan(order=order, allowed=Order.Status.CANCELLED in ALLOWED_MOVES[order.status])
    for line in order.lines.prefetch_related("allocations"):
        held = sum(a.quantity for a in line.allocations.all() if not a.released)
        if held or line.backordered:
            plan.stock_back.append((line, held, line.backordered))
    for payment in Payment.objects.filter(order=order, status=Payment.Status.SUCCEEDED).order_by("pk"):
        left = payment.refundable()
        if left <= ZERO:
            continue
        if payment.method == Payment.Method.CARD:
            plan.card_refunds.append((payment, left))
        else:
            plan.owed += left
    return plan


def order_cancel(*, order: Order, user=None, reason: str = "") -> Cancellation:
    """Cancel the order (raises TransitionNotAllowed when it is too late, PaymentError while a card payment is
    arriving), refund its card payments in full, list
    any other money received as owed, and email the customer, all in one transaction; the card refunds go to
    Stripe once it commits."""
    reason = (reason or "").strip() or _("Order cancelled by the shop")
    # Outside the transaction (a call to Stripe): nobody may pay while the order is being cancelled.
    if order.awaits_card_payment and not card_sessions_close(order=order):
        raise PaymentError(_("A card payment for order %(number)s has just gone through and is being recorded; "
                             "open the order again in a minute to cancel it with its refund.")
                           % {"number": order.number})
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        attention_before = order.attention
        payments = list(Payment.objects.select_for_update().filter(order=order, status=Payment.Status.SUCCEEDED)
                        .order_by("pk"))
        order = order_transition(order=order, to=Order.Status.CANCELLED, user=user, note=reason)
        refunds, owed = [], ZERO
        for payment in payments:
            left = payment.refundable()
            if left <= ZERO:
                continue
            if payment.method == Payment.Method.CARD:
                refunds.append(refund_create(payment=payment, amount=left, reason=reason, user=user, locked=True))
            else:
                owed += left
        from core.money import money

        if owed:
            note = (_("Cancelled: %(amount)s received by cheque or transfer is owed back to the customer; record the "
                      "refund on the payment once it is sent.") % {"amount": money(owed)})
            order.attention = (f"{attention_before} · {note}" if attention_before else note)[:255]
        else:
            order.attention = attention_before  # the card refunds are on their way: nothing for staff to do
        Order.objects.filter(pk=order.pk).update(attention=order.attention)
        with override(order.language):
            order_url = settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url()
        email_queue_rendered(
            to=order.email, template="emails/orders/cancelled", language=order.language, reference=order.number,
            context={"order": order, "lines": list(order.lines.all()), "reason": reason, "order_url": order_url,
                     "card_refund": sum((r.amount for r in refunds), ZERO), "owed": owed},
        )
    return Cancellation(order=order, refunds=refunds, owed=owed)
