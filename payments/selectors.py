"""Reads for pages: what an order has paid and owes, the ways a customer may pay, a customer's statement."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

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


@dataclass(frozen=True)
class MoneyRow:
    """One line of an order's invoice-and-payments table: kind is "invoice", "void", "credit", "payment" or
    "refund"; obj the invoice, credit note, payment or refund."""

    at: datetime
    rank: int
    kind: str
    obj: object


@dataclass
class OrderMoney:
    invoice: Invoice | None
    payments: list[Payment]
    refunds: list[Refund]
    pending: bool
    last_failure: str

    @property
    def rows(self) -> list[MoneyRow]:
        """Everything that happened to the order's money, in the order it happened."""
        if self.invoice is None:
            return []
        invoice = self.invoice
        rows = [MoneyRow(invoice.order.created_at, 0, "invoice", invoice)]
        if invoice.status == Invoice.Status.VOID:
            closed = invoice.order.events.filter(status__in=(Order.Status.CANCELLED, Order.Status.EXPIRED)).last()
            rows.append(MoneyRow(closed.created_at if closed else invoice.order.updated_at, 2, "void", invoice))
        rows += [MoneyRow(note.refund.refunded_at if note.refund and note.refund.refunded_at else note.created_at, 3,
                          "credit", note) for note in invoice.credit_notes.all()]
        rows += [MoneyRow(p.created_at, 1, "payment", p) for p in self.payments]
        rows += [MoneyRow(r.refunded_at or r.created_at, 4, "refund", r) for r in self.refunds]
        return sorted(rows, key=lambda row: (row.at, row.rank))

    @property
    def balance(self) -> Decimal:
        return self.invoice.balance if self.invoice else ZERO

    @property
    def refunded(self) -> Decimal:
        return sum((r.amount for r in self.refunds if r.status == Refund.Status.SUCCEEDED), start=ZERO)


def order_money(*, order: Order) -> OrderMoney:
    invoice = (Invoice.objects.filter(order=order).select_related("order")
               .prefetch_related("credit_notes__refund").first())
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
    """Every invoice, payment, credit and refund on the customer's orders, oldest first, with a running balance.
    A void invoice (cancelled order) shows only when money moved on it: its charge and the cancellation cancel out.
    A refund is a charge (money sent back); a refund for a returned item also has its credit note."""
    invoices = list(
        Invoice.objects.filter(order__user=user)
        .exclude(status=Invoice.Status.VOID, amount_paid=ZERO)
        .select_related("order").prefetch_related("credit_notes").order_by("issued_on", "pk")
    )
    order_ids = [invoice.order_id for invoice in invoices]
    rows: list[tuple[date, int, int, StatementLine]] = []

    def add(on: date, rank: int, line: StatementLine) -> None:
        rows.append((on, rank, len(rows), line))

    for invoice in invoices:
        number = invoice.order.number
        add(invoice.issued_on, 0, StatementLine(
            on=invoice.issued_on, order_number=number, charge=invoice.amount, url=invoice.order.get_absolute_url(),
            description=_("Invoice %(number)s, due %(due)s")
            % {"number": invoice.number, "due": formats.date_format(invoice.due_on, "DATE_FORMAT")}))
        if invoice.status == Invoice.Status.VOID:
            on = invoice.voided_on or invoice.issued_on
            add(on, 2, StatementLine(on=on, order_number=number, credit=invoice.amount - invoice.amount_credited,
                                     description=_("Order cancelled: nothing more is owed")))
        for note in invoice.credit_notes.all():
            on = timezone.localdate(note.created_at)
            add(on, 2, StatementLine(on=on, order_number=number, credit=note.amount,
                                     description=_("Credit: %(reason)s") % {"reason": note.reason}))
    payments = Payment.objects.filter(order_id__in=order_ids, status=Payment.Status.SUCCEEDED).select_related("order")
    for payment in payments:
        on = payment.received_on or timezone.localdate(payment.created_at)
        add(on, 1, StatementLine(
            on=on, order_number=payment.order.number, credit=payment.amount,
            description=(_("Payment received, %(method)s %(reference)s")
                         % {"method": payment.get_method_display(), "reference": payment.reference}).strip()))
    refunds = Refund.objects.filter(order_id__in=order_ids, status=Refund.Status.SUCCEEDED).select_related(
        "order", "payment")
    for refund in refunds:
        on = timezone.localdate(refund.refunded_at or refund.updated_at)
        add(on, 3, StatementLine(on=on, order_number=refund.order.number, charge=refund.amount,
                                 description=_("Refund sent to you, %(method)s")
                                 % {"method": refund.payment.get_method_display()}))
    statement = Statement(account=CreditAccount.objects.filter(user=user).first())
    running = ZERO
    for _on, _rank, _seq, line in sorted(rows, key=lambda row: row[:3]):
        running += line.charge - line.credit
        line.balance = running
        statement.lines.append(line)
    statement.balance = running
    statement.overdue = sum((i.balance for i in invoices if i.is_overdue), start=ZERO)
    return statement
