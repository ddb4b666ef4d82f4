"""Reads for pages: what an order has paid and owes, the ways a customer may pay, a customer's statement."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from orders.models import Order

from . import gateway
from .models import ZERO, CreditAccount, Invoice, Payment, Refund
from .services.invoices import account_for_checkout, account_outstanding


def payment_methods_for(user) -> list[str]:
    """The ways this visitor may pay, in the order offered: card when Stripe is set up, cheque, and on account for
    a signed-in business customer."""
    methods = [Order.PaymentMethod.CARD] if gateway.card_enabled() else []
    methods.append(Order.PaymentMethod.CHEQUE)
    if account_for_checkout(user) is not None:
        methods.append(Order.PaymentMethod.ACCOUNT)
    return methods


@dataclass
class OrderMoney:
    invoice: Invoice | None
    payments: list[Payment]
    refunds: list[Refund]
    pending: bool
    last_failure: str

    @property
    def balance(self) -> Decimal:
        return self.invoice.balance if self.invoice else ZERO

    @property
    def refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds if r.status == Refund.Status.SUCCEEDED), start=ZERO)


def order_money(*, order: Order) -> OrderMoney:
    invoice = Invoice.objects.filter(order=order).first()
    payments = list(order.payments.all())
    refunds = list(Refund.objects.filter(order=order).select_related("payment"))
    failures = [p.failure_message for p in payments if p.status == Payment.Status.FAILED and p.failure_message]
    return OrderMoney(
        invoice=invoice,
        payments=[p for p in payments if p.status in (Payment.Status.SUCCEEDED, Payment.Status.FAILED)],
        refunds=refunds,
        pending=any(p.status == Payment.Status.PENDING for p in payments),
        last_failure=failures[-1] if failures and payments[-1].status == Payment.Status.FAILED else "",
    )


@dataclass
class StatementLine:
    on: date
    description: str
    order_number: str
    charge: Decimal = ZERO
    credit: Decimal = ZERO
    balance: Decimal = ZERO
    url: str = ""


@dataclass
class Statement:
    lines: list[StatementLine] = field(default_factory=list)
    account: CreditAccount | None = None
    balance: Decimal = ZERO
    overdue: Decimal = ZERO

    @property
    def available_credit(self) -> Decimal | None:
        if self.account is None:
            return None
        return self.account.credit_limit - account_outstanding(account=self.account)


def statement_for(*, user) -> Statement:
    """Every invoice, payment received and refund on the customer's orders, oldest first, with a running balance.
    A refund is two lines: the credit (what is no longer owed) and the money sent back, which cancel out."""
    invoices = list(Invoice.objects.filter(order__user=user).exclude(status=Invoice.Status.VOID)
                    .select_related("order").order_by("issued_on", "pk"))
    orders = {invoice.order_id: invoice.order for invoice in invoices}
    payments = Payment.objects.filter(order__user=user, status=Payment.Status.SUCCEEDED, order_id__in=orders)
    refunds = Refund.objects.filter(Q(order__user=user), status=Refund.Status.SUCCEEDED, order_id__in=orders)
    rows: list[tuple[date, int, StatementLine]] = []
    for invoice in invoices:
        rows.append((invoice.issued_on, 0, StatementLine(
            on=invoice.issued_on, order_number=invoice.order.number, charge=invoice.amount,
            url=invoice.order.get_absolute_url(),
            description=_("Invoice %(number)s, due %(due)s")
            % {"number": invoice.number, "due": formats.date_format(invoice.due_on, "DATE_FORMAT")})))
    for payment in payments.select_related("order"):
        on = payment.received_on or timezone.localdate(payment.created_at)
        rows.append((on, 1, StatementLine(
            on=on, order_number=payment.order.number, credit=payment.amount,
            description=(_("Payment received, %(method)s %(reference)s")
                         % {"method": payment.get_method_display(), "reference": payment.reference}).strip())))
    for refund in refunds.select_related("order", "payment"):
        on = timezone.localdate(refund.updated_at)
        rows.append((on, 2, StatementLine(on=on, order_number=refund.order.number, credit=refund.amount,
                                          description=_("Credit: %(reason)s") % {"reason": refund.reason})))
        rows.append((on, 3, StatementLine(on=on, order_number=refund.order.number, charge=refund.amount,
                                          description=_("Refund sent to you, %(method)s")
                                          % {"method": refund.payment.get_method_display()})))
    statement = Statement(account=CreditAccount.objects.filter(user=user).first())
    running = ZERO
    for _on, _rank, line in sorted(rows, key=lambda row: (row[0], row[1])):
        running += line.charge - line.credit
        line.balance = running
        statement.lines.append(line)
    statement.balance = running
    statement.overdue = sum((i.balance for i in invoices if i.is_overdue), start=ZERO)
    return statement
