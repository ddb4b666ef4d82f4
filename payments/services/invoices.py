"""Invoices: issued with the order, in its transaction; kept in step with payments and refunds; voided when an
unpaid order is cancelled or expires. Credit limits are checked here, under the business account's row lock."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import money_value
from orders.models import Order

from ..models import ZERO, CreditAccount, CreditNote, Invoice
from . import PaymentError

Method = Order.PaymentMethod


class CreditLimitExceeded(PaymentError):
    pass


def account_for_checkout(user) -> CreditAccount | None:
    """The active business account a signed-in customer may charge, if any."""
    if user is None or not user.is_authenticated:
        return None
    return CreditAccount.objects.filter(user=user, is_active=True).first()


def account_outstanding(*, account: CreditAccount) -> Decimal:
    """What the business owes on all its unpaid invoices."""
    return Invoice.objects.filter(account=account).open().balance_total()


def account_credit_check(*, account: CreditAccount, amount: Decimal) -> None:
    """Raise CreditLimitExceeded unless `amount` more fits within the limit. Call it inside the order's
    transaction: the account row is locked so two orders at once cannot both squeeze under the limit."""
    account = CreditAccount.objects.select_for_update().get(pk=account.pk)
    if not account.is_active:
        raise CreditLimitExceeded(_("Your business account cannot take orders at the moment. Please contact us."))
    outstanding = account_outstanding(account=account)
    if outstanding + amount > account.credit_limit:
        from core.money import money

        raise CreditLimitExceeded(
            _("This order (%(amount)s) would bring what your account owes to %(after)s, above its credit limit of "
              "%(limit)s. You can pay this order by card or cheque, or pay an open invoice first.")
            % {"amount": money(amount), "after": money(outstanding + amount), "limit": money(account.credit_limit)}
        )


def invoice_issue(*, order: Order, account: CreditAccount | None = None) -> Invoice:
    """The order's invoice, due at once for a card, after the cheque delay or after the account's terms."""
    issued = timezone.localdate(order.created_at)
    if order.payment_method == Method.ACCOUNT and account is not None:
        due = issued + timedelta(days=account.terms_days)
    elif order.payment_method == Method.CHEQUE:
        due = issued + timedelta(days=settings.SHOP_CHEQUE_DUE_DAYS)
    else:
        due = issued
    return Invoice.objects.create(
        order=order, account=account if order.payment_method == Method.ACCOUNT else None,
        number=f"INV-{order.number}", amount=order.total, issued_on=issued, due_on=due,
    )


def invoice_add_payment(*, invoice: Invoice, amount: Decimal) -> Invoice:
    """Add a received payment; an open invoice is paid once nothing is left. Caller holds the order's lock."""
    invoice.amount_paid = F("amount_paid") + money_value(amount)
    invoice.save(update_fields=["amount_paid"])
    invoice.refresh_from_db(fields=["amount_paid"])
    if invoice.status == Invoice.Status.OPEN and invoice.balance <= ZERO:
        invoice.status = Invoice.Status.PAID
        invoice.save(update_fields=["status"])
    return invoice


def invoice_add_refund(*, invoice: Invoice, refund) -> Invoice:
    """Record money sent back. When the customer owed nothing, the refund also credits the invoice (a returned
    or damaged item), so it never makes them owe the refunded money; what the shop owed them is simply settled."""
    owed_to_customer = max(ZERO, -invoice.balance)
    credit = refund.amount - min(refund.amount, owed_to_customer)
    invoice.amount_refunded = F("amount_refunded") + money_value(refund.amount)
    if credit:
        invoice.amount_credited = F("amount_credited") + money_value(credit)
        CreditNote.objects.create(invoice=invoice, refund=refund, amount=credit, reason=refund.reason)
    invoice.save(update_fields=["amount_refunded", "amount_credited"])
    invoice.refresh_from_db(fields=["amount_refunded", "amount_credited"])
    return invoice


def invoice_reopen(*, invoice: Invoice) -> Invoice:
    """The order of a void invoice goes ahead after all (paid after its reservation expired)."""
    invoice.status = Invoice.Status.OPEN
    if invoice.balance <= ZERO:
        invoice.status = Invoice.Status.PAID
    invoice.voided_on = None
    invoice.save(update_fields=["status", "voided_on"])
    return invoice


def invoice_order_closed(*, order: Order, user=None) -> None:
    """A cancelled or expired order owes nothing: its invoice is void. Money already received is flagged for
    staff to refund."""
    from core.money import money

    invoice = Invoice.objects.select_for_update().filter(order=order).first()
    if invoice is None or invoice.status == Invoice.Status.VOID:
        return
    # Nothing more is owed, even when part was paid: no reminders, no credit used; money received on it is owed
    # back (a negative balance) until staff refund it.
    invoice.status = Invoice.Status.VOID
    invoice.voided_on = timezone.localdate()
    invoice.save(update_fields=["status", "voided_on"])
    kept = invoice.amount_paid - invoice.amount_refunded
    if kept > ZERO and not order.attention:
        order.attention = (_("Cancelled with %(amount)s received and not refunded: refund the customer.")
                           % {"amount": money(kept)})[:255]
        Order.objects.filter(pk=order.pk).update(attention=order.attention)
