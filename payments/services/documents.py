"""Documents sent by email: a credit note, a customer's statement, the monthly statements of the business
accounts. The PDF is laid out before the transaction (CPU only, no lock held); the outbox row that carries it is
written inside it, with the record that makes the monthly job send each statement once."""

import calendar
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.models import Order, OrderEvent
from outbox.models import OutboxEmail
from outbox.services import attachment, email_queue_rendered

from .. import documents
from ..models import CreditAccount, CreditNote, StatementSent

logger = logging.getLogger(__name__)


def _customer_language(user) -> str:
    last = Order.objects.filter(user=user).order_by("-created_at").values_list("language", flat=True).first()
    return last or settings.LANGUAGE_CODE


def credit_note_email(*, note: CreditNote, user=None) -> OutboxEmail:
    """Email the credit note to the order's customer with its PDF; noted on the order's timeline."""
    note = documents.credit_note_for_document(note_id=note.pk)
    order = note.invoice.order
    context = documents.credit_note_context(note=note)
    pdf = documents.document_pdf(template=documents.CREDIT_NOTE, context=context, language=order.language)
    with transaction.atomic():
        email = email_queue_rendered(
            to=order.email, template="emails/payments/credit_note", language=order.language, reference=order.number,
            context={**context, "order_url": settings.SHOP_BASE_URL.rstrip("/") + order.get_absolute_url()},
            attachments=[attachment(name=documents.credit_note_filename(note), content=pdf)])
        OrderEvent.objects.create(order=order, status=order.status,
                                  created_by=user if user is not None and user.is_authenticated else None,
                                  note=f"{note.number} → {order.email}"[:255])
    return email


def statement_email(*, customer, start: date, end: date, to: str = "") -> OutboxEmail:
    """Email a customer's statement for the period, with its PDF, to `to` (by default the account's email)."""
    language = _customer_language(customer)
    context = documents.statement_context(user=customer, start=start, end=end)
    pdf = documents.document_pdf(template=documents.STATEMENT, context=context, language=language)
    with transaction.atomic():
        return _statement_queue(customer=customer, context=context, pdf=pdf, language=language,
                                to=to or customer.email)


def _statement_queue(*, customer, context: dict, pdf: bytes, language: str, to: str) -> OutboxEmail:
    statement = context["statement"]
    return email_queue_rendered(
        to=to, template="emails/payments/statement", language=language, reference=f"statement-{customer.pk}",
        context=context, attachments=[attachment(name=documents.statement_filename(statement), content=pdf)])


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def statements_send_monthly(*, today: date | None = None) -> list[int]:
    """The 1st of the month: each business account whose statement of the previous month closes with a balance
    gets it by email, once (StatementSent, unique per account and month). Returns the accounts emailed now."""
    start, end = previous_month(today or timezone.localdate())
    done = set(StatementSent.objects.filter(month=start).values_list("account_id", flat=True))
    sent = []
    for account in CreditAccount.objects.exclude(pk__in=done).select_related("user").order_by("pk"):
        customer = account.user
        if not customer.email:
            continue
        context = documents.statement_context(user=customer, start=start, end=end)
        closing = context["statement"].closing
        if not closing:
            continue
        language = _customer_language(customer)
        pdf = documents.document_pdf(template=documents.STATEMENT, context=context, language=language)
        try:
            with transaction.atomic():
                record = StatementSent.objects.create(account=account, month=start, closing_balance=closing)
                record.email = _statement_queue(customer=customer, context=context, pdf=pdf, language=language,
                                                to=customer.email)
                record.save(update_fields=["email"])
        except IntegrityError:  # another run sent it meanwhile
            logger.info("Statement of %s for %s already sent.", account, calendar.month_name[start.month])
            continue
        sent.append(account.pk)
    return sent
