"""Reminders for invoices paid later (cheque, account): "due soon", "overdue", then a "final notice".
Beat runs invoices_remind daily; each stage is sent at most once per invoice (a conditional UPDATE claims it in the
same transaction that writes the email), and an invoice found late gets only the stage it has reached."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from orders.models import Order

from ..models import Invoice
from .emails import invoice_reminder_queue

R = Invoice.Reminder


def reminder_stage(*, invoice: Invoice, today: date) -> int:
    """The reminder an invoice has reached today (R.NONE when none)."""
    if invoice.status != Invoice.Status.OPEN or invoice.balance <= 0:
        return R.NONE
    days_left = (invoice.due_on - today).days
    if days_left <= -settings.SHOP_REMINDER_FINAL_DAYS:
        return R.FINAL
    if days_left < 0:
        return R.OVERDUE
    if days_left <= settings.SHOP_REMINDER_DUE_SOON_DAYS:
        return R.DUE_SOON
    return R.NONE


def invoices_remind(*, today: date | None = None, invoices: QuerySet | None = None) -> list[tuple[str, int]]:
    """Email every reminder due today (among `invoices`, by default all); returns (invoice number, stage) for each
    sent."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=settings.SHOP_REMINDER_DUE_SOON_DAYS)
    scope = invoices if invoices is not None else Invoice.objects.all()
    candidates = (scope.open().filter(due_on__lte=horizon, reminder_sent__lt=R.FINAL)
                  .exclude(order__payment_method=Order.PaymentMethod.CARD).select_related("order").order_by("pk"))
    sent = []
    for invoice in candidates:
        stage = reminder_stage(invoice=invoice, today=today)
        if stage <= invoice.reminder_sent:
            continue
        with transaction.atomic():
            claimed = Invoice.objects.filter(pk=invoice.pk, reminder_sent__lt=stage, status=Invoice.Status.OPEN).update(
                reminder_sent=stage, reminded_at=timezone.now())
            if claimed:
                invoice.refresh_from_db()
                invoice_reminder_queue(invoice=invoice, stage=stage)
                sent.append((invoice.number, stage))
    return sent
