"""Payments staff record by hand: a cheque or transfer received, in full or in part."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderEvent
from orders.services.status import order_transition

from ..models import ZERO, Invoice, Payment
from . import PaymentError
from .emails import payment_receipt_queue
from .invoices import invoice_add_payment


def payment_record(*, order: Order, amount: Decimal, method: str, reference: str = "",
                   received_on: date | None = None, user=None) -> Payment:
    """Raises PaymentError for an amount that is not positive whole cents or is more than the invoice's balance.
    A cheque order paid in full moves to "paid" (its goods were held for the cheque); an order on account keeps
    its status (its goods may already be on their way)."""
    from core.money import money

    if method not in Payment.Method.values or method == Payment.Method.CARD:
        raise PaymentError(_("Card payments are recorded by the card processor, not by hand."))
    amount = Decimal(amount)
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")) or amount <= ZERO:
        raise PaymentError(_("Enter an amount in dollars and cents, more than zero."))
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise PaymentError(_("A payment cannot be received in the future."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        invoice = Invoice.objects.select_for_update().get(order=order)
        if invoice.status == Invoice.Status.VOID:
            raise PaymentError(_("This order's invoice is void (the order was cancelled); nothing is owed."))
        if amount > invoice.balance:
            raise PaymentError(_("This is more than the %(balance)s still owed on invoice %(invoice)s.")
                               % {"balance": money(invoice.balance), "invoice": invoice.number})
        payment = Payment.objects.create(
            order=order, method=method, status=Payment.Status.SUCCEEDED, amount=amount, reference=reference[:100],
            received_on=received_on, created_by=user if user is not None and user.is_authenticated else None,
        )
        invoice = invoice_add_payment(invoice=invoice, amount=amount)
        note = _("Payment of %(amount)s received (%(method)s%(reference)s); %(balance)s left to pay.") % {
            "amount": money(amount), "method": payment.get_method_display(),
            "reference": f" {reference}" if reference else "", "balance": money(invoice.balance)}
        # Goods held for a cheque or transfer are released by being paid; an order on account is not held.
        if (invoice.status == Invoice.Status.PAID and order.status == Order.Status.RECEIVED
                and order.payment_method != Order.PaymentMethod.ACCOUNT):
            order_transition(order=order, to=Order.Status.PAID, user=user, note=note)
        else:
            OrderEvent.objects.create(order=order, status=order.status, note=note[:255], created_by=payment.created_by)
        payment_receipt_queue(payment=payment)
    return payment
