"""Invoices, credit notes and statements as documents: one HTML page per document, printed from the browser or
laid out as a PDF by WeasyPrint (core.pdf), each with the seller's identity (core.identity), a bill-to block, each
tax line and the balance due. Reads only: emailing them is payments.services.documents."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from core.identity import seller_identity
from core.pdf import pdf_from_html
from orders.models import Order, Province

from .models import ZERO, CreditAccount, CreditNote, Invoice
from .selectors import StatementLine, statement_for

CENT = Decimal("0.01")


def invoice_for_document(*, invoice_id: int) -> Invoice:
    return (Invoice.objects.select_related("order", "account", "order__user")
            .prefetch_related("order__lines", "order__tax_lines", "credit_notes").get(pk=invoice_id))


def credit_note_for_document(*, note_id: int) -> CreditNote:
    return (CreditNote.objects.select_related("invoice", "invoice__order", "invoice__account", "invoice__order__user",
                                              "refund__payment")
            .prefetch_related("invoice__order__tax_lines").get(pk=note_id))


def _company_of(user) -> str:
    """The company a customer's profile names (accounts.Profile), if any; reached by its relation, not imported."""
    if user is None:
        return ""
    account = CreditAccount.objects.filter(user=user).first()
    if account is not None:
        return account.company_name
    profile = getattr(user, "profile", None)  # None when the customer never filled in a profile
    return getattr(profile, "company", "") or ""


@dataclass(frozen=True)
class BillTo:
    company: str
    name: str
    address_lines: list[str]
    email: str


def bill_to_order(*, order: Order, account: CreditAccount | None) -> BillTo:
    """Who the invoice is made out to: the business account's company (or the company of the customer's profile),
    the name and address on the order."""
    company = account.company_name if account is not None else _company_of(order.user)
    return BillTo(company=company, name=order.ship_name, email=order.email, address_lines=[
        order.ship_address, f"{order.ship_city} {order.ship_province} {order.ship_postal_code}", str(_("Canada"))])


@dataclass(frozen=True)
class TaxShare:
    name: str
    rate: Decimal
    amount: Decimal


def credit_note_taxes(*, note: CreditNote) -> list[TaxShare]:
    """The taxes included in a credit note, each tax of the invoice in proportion of the credit to the invoice's
    total, to the cent (half up): a credit takes back the same share of every tax charged."""
    order = note.invoice.order
    if not order.total:
        return []
    return [TaxShare(name=tax.name, rate=tax.rate,
                     amount=(tax.amount * note.amount / order.total).quantize(CENT, rounding=ROUND_HALF_UP))
            for tax in order.tax_lines.all()]


def _seller_context(order: Order | None) -> dict:
    return {"seller": seller_identity(), "show_qst": order is not None and order.ship_province == Province.QC}


def invoice_context(*, invoice: Invoice) -> dict:
    order = invoice.order
    return {"invoice": invoice, "order": order, "tax_lines": list(order.tax_lines.all()),
            "bill_to": bill_to_order(order=order, account=invoice.account), **_seller_context(order)}


def credit_note_context(*, note: CreditNote) -> dict:
    invoice = note.invoice
    taxes = credit_note_taxes(note=note)
    return {"note": note, "invoice": invoice, "order": invoice.order, "taxes": taxes,
            "before_taxes": note.amount - sum((t.amount for t in taxes), start=ZERO),
            "bill_to": bill_to_order(order=invoice.order, account=invoice.account),
            **_seller_context(invoice.order)}


@dataclass
class PeriodStatement:
    """A customer's statement between two dates: the balance brought forward, what happened, the balance at the
    end (statement_for's lines and running balance, cut to the period)."""

    customer: object
    start: date
    end: date
    opening: Decimal = ZERO
    closing: Decimal = ZERO
    lines: list[StatementLine] = field(default_factory=list)
    account: CreditAccount | None = None
    bill_to: BillTo | None = None

    @property
    def charges(self) -> Decimal:
        return sum((line.charge for line in self.lines), start=ZERO)

    @property
    def credits(self) -> Decimal:
        return sum((line.credit for line in self.lines), start=ZERO)


def statement_for_period(*, user, start: date, end: date) -> PeriodStatement:
    full = statement_for(user=user)
    statement = PeriodStatement(customer=user, start=start, end=end, account=full.account)
    for line in full.lines:
        if line.on < start:
            statement.opening = line.balance
        elif line.on <= end:
            statement.lines.append(line)
    statement.closing = statement.lines[-1].balance if statement.lines else statement.opening
    last_order = Order.objects.filter(user=user).order_by("-created_at").first()
    name = user.get_full_name() or (last_order.ship_name if last_order else user.get_username())
    statement.bill_to = BillTo(
        company=full.account.company_name if full.account else _company_of(user), name=name,
        email=user.email, address_lines=[] if last_order is None else [
            last_order.ship_address,
            f"{last_order.ship_city} {last_order.ship_province} {last_order.ship_postal_code}", _("Canada")])
    return statement


def statement_context(*, user, start: date, end: date) -> dict:
    return {"statement": statement_for_period(user=user, start=start, end=end), **_seller_context(None)}


def customer_for_statement(*, user_id: int):
    return get_user_model().objects.get(pk=user_id)


# --- the documents themselves ------------------------------------------------------------------------------------

INVOICE = "payments/invoice_document.html"
CREDIT_NOTE = "payments/credit_note_document.html"
STATEMENT = "payments/statement_document.html"


def document_html(*, template: str, context: dict, language: str | None = None, for_pdf: bool = False,
                  request=None) -> str:
    """The page (for_pdf: without its buttons, the links resolved for core.pdf)."""
    language = language or translation.get_language() or "en"
    with translation.override(language):
        return render_to_string(template, {**context, "for_pdf": for_pdf, "language": language}, request=request)


def document_pdf(*, template: str, context: dict, language: str | None = None) -> bytes:
    return pdf_from_html(document_html(template=template, context=context, language=language, for_pdf=True))


def invoice_filename(invoice: Invoice) -> str:
    return f"{invoice.number}.pdf"


def credit_note_filename(note: CreditNote) -> str:
    return f"{note.number}.pdf"


def statement_filename(statement: PeriodStatement) -> str:
    return f"statement-{statement.customer.pk}-{statement.start:%Y%m%d}-{statement.end:%Y%m%d}.pdf"
