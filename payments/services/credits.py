"""Credit without money back: part of an invoice the customer no longer owes (goods returned on an order not yet
paid, e.g. on account). It only lowers what is still owed; money already received is given back with a refund
(refunds.refund_create), which brings its own credit note."""

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from core.money import money_value
from orders.models import Order, OrderEvent

from ..models import ZERO, CreditNote, Invoice
from . import PaymentError


def invoice_credit(*, order: Order, amount: Decimal, reason: str, user=None) -> CreditNote:
    """Credit `amount` on the order's invoice: a CreditNote without a refund, on the order's timeline and the
    customer's statement. Raises PaymentError unless the amount is whole cents, more than zero and at most what is
    still owed. An open invoice with nothing left to pay becomes paid. The caller emails the customer."""
    from core.money import money

    amount = Decimal(amount)
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount <= ZERO:
        raise PaymentError(_("Enter an amount in dollars and cents, more than zero."))
    reason = (reason or "").strip()
    if not reason:
        raise PaymentError(_("Give the reason for the credit; the customer sees it."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        invoice = Invoice.objects.select_for_update().filter(order=order).first()
        if invoice is None or invoice.status == Invoice.Status.VOID:
            raise PaymentError(_("This order's invoice is void or missing; nothing is owed to credit."))
        if amount > invoice.balance:
            raise PaymentError(_("A credit can be at most the %(balance)s still owed on invoice %(invoice)s; refund "
                                 "a payment instead.") % {"balance": money(max(invoice.balance, ZERO)),
                                                          "invoice": invoice.number})
        invoice.amount_credited = F("amount_credited") + money_value(amount)
        invoice.save(update_fields=["amount_credited"])
        invoice.refresh_from_db(fields=["amount_credited"])
        if invoice.status == Invoice.Status.OPEN and invoice.balance <= ZERO:
            invoice.status = Invoice.Status.PAID
            invoice.save(update_fields=["status"])
        note = CreditNote.objects.create(invoice=invoice, refund=None, amount=amount, reason=reason[:255])
        OrderEvent.objects.create(
            order=order, status=order.status, created_by=user if user is not None and user.is_authenticated else None,
            note=(_("Credit of %(amount)s: %(reason)s; %(balance)s left to pay.")
                  % {"amount": money(amount), "reason": reason, "balance": money(invoice.balance)})[:255])
    return note
