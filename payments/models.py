"""Money in and out of an order, to the cent.

- Every order has one Invoice (what the customer owes and by when). Card orders are due at once; cheque orders
  after SHOP_CHEQUE_DUE_DAYS; orders on account after the account's payment terms (net 30).
- Every attempt to pay is a Payment row: a card attempt is created before Stripe is called (pending) and becomes
  succeeded, failed or expired only through a signature-verified webhook; cheques and transfers are recorded by staff
  as succeeded payments.
- A Refund gives money back on one payment. When the customer owed nothing (a returned or damaged item on a paid
  order) it comes with a CreditNote of the same amount, so the balance stays at zero; when the shop owed the
  customer (a cancelled order that was paid, an overpayment) the refund just settles that, without a credit.
- A void invoice (cancelled or expired order) owes nothing; money received on it is owed back to the customer.
- Invoice.amount_paid, amount_refunded and amount_credited are running totals kept by payments.services under the
  order's row lock, so lists of unpaid and overdue invoices need no aggregation per row.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.money import MoneyField

ZERO = Decimal("0.00")


class CreditAccount(models.Model):
    """A business customer allowed to buy on account: pay later against an invoice, within a credit limit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("customer account"), related_name="credit_account",
        on_delete=models.PROTECT,
    )
    company_name = models.CharField(_("company"), max_length=200)
    credit_limit = MoneyField(_("credit limit (CAD)"))
    terms_days = models.PositiveIntegerField(_("payment terms (days)"), default=30,
                                             help_text=_("Invoices are due this many days after the order."))
    is_active = models.BooleanField(_("may order on account"), default=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)

    class Meta:
        verbose_name = _("business account")
        verbose_name_plural = _("business accounts")
        ordering = ["company_name"]
        constraints = [models.CheckConstraint(condition=Q(credit_limit__gte=0), name="credit_limit_not_negative")]

    def __str__(self):
        return self.company_name


def balance_expression(prefix: str = "") -> models.Expression:
    """An invoice's balance in SQL (the same as Invoice.balance); `prefix` reaches it through a relation."""
    return (F(f"{prefix}amount") - F(f"{prefix}amount_credited") - F(f"{prefix}amount_paid")
            + F(f"{prefix}amount_refunded"))


class InvoiceQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Invoice.Status.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def balance_total(self) -> Decimal:
        """What these invoices are still owed, for open ones (a void invoice owes nothing)."""
        total = self.exclude(status=Invoice.Status.VOID).aggregate(s=models.Sum(balance_expression()))["s"]
        return total if total is not None else ZERO


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Unpaid")
        PAID = "paid", _("Paid")
        VOID = "void", _("Void")

    class Reminder(models.IntegerChoices):
        NONE = 0, _("None")
        DUE_SOON = 1, _("Due soon")
        OVERDUE = 2, _("Overdue")
        FINAL = 3, _("Final notice")

    order = models.OneToOneField("orders.Order", verbose_name=_("order"), related_name="invoice",
                                 on_delete=models.PROTECT)
    account = models.ForeignKey(CreditAccount, verbose_name=_("business account"), null=True, blank=True,
                                related_name="invoices", on_delete=models.PROTECT)
    number = models.CharField(_("invoice number"), max_length=24, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    amount = MoneyField(_("amount"))
    amount_paid = MoneyField(_("paid"), default=ZERO)
    amount_refunded = MoneyField(_("refunded"), default=ZERO)
    amount_credited = MoneyField(_("credited"), default=ZERO)
    issued_on = models.DateField(_("issued"))
    due_on = models.DateField(_("due"), db_index=True)
    voided_on = models.DateField(_("void since"), null=True, blank=True)
    reminder_sent = models.PositiveSmallIntegerField(_("last reminder"), choices=Reminder.choices,
                                                     default=Reminder.NONE)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_on", "-pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="invoice_open_due")]
        constraints = [
            models.CheckConstraint(condition=Q(amount_paid__gte=0), name="invoice_paid_not_negative"),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0, amount_refunded__lte=F("amount_paid")),
                                   name="invoice_refunds_within_paid"),
            models.CheckConstraint(condition=Q(amount_credited__gte=0, amount_credited__lte=F("amount")),
                                   name="invoice_credits_within_amount"),
        ]

    def __str__(self):
        return self.number

    @property
    def owed(self) -> Decimal:
        """What the goods and services cost the customer in the end: nothing if void, less any credit notes."""
        return ZERO if self.status == self.Status.VOID else self.amount - self.amount_credited

    @property
    def balance(self) -> Decimal:
        """What the customer still owes; negative when the shop owes them (paid for a cancelled order)."""
        return self.owed - self.amount_paid + self.amount_refunded

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class Payment(models.Model):
    class Method(models.TextChoices):
        CARD = "card", _("Credit card")
        CHEQUE = "cheque", _("Cheque")
        TRANSFER = "transfer", _("Bank transfer")
        CASH = "cash", _("Cash")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the card processor")
        SUCCEEDED = "succeeded", pgettext_lazy("payment status", "Received")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Abandoned")

    order = models.ForeignKey("orders.Order", verbose_name=_("order"), related_name="payments",
                              on_delete=models.PROTECT)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    amount = MoneyField(_("amount"))
    provider_id = models.CharField(_("Stripe Checkout session"), max_length=255, blank=True)
    payment_intent = models.CharField(_("Stripe payment"), max_length=255, blank=True)
    checkout_url = models.URLField(_("payment page"), max_length=1000, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True,
                                 help_text=_("Cheque number, transfer confirmation…"))
    failure_message = models.CharField(_("why it failed"), max_length=255, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider_id"], condition=~Q(provider_id=""),
                                    name="payment_one_row_per_session"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
        ]

    def __str__(self):
        from core.money import money

        return f"{self.get_method_display()} {money(self.amount)} ({self.get_status_display()})"

    def refundable(self) -> Decimal:
        """Left to refund: the amount received less every refund not failed."""
        if self.status != self.Status.SUCCEEDED:
            return ZERO
        taken = self.refunds.exclude(status=Refund.Status.FAILED).aggregate(s=models.Sum("amount"))["s"] or ZERO
        return self.amount - taken


class Refund(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being sent")
        SUCCEEDED = "succeeded", _("Refunded")
        FAILED = "failed", _("Failed")

    payment = models.ForeignKey(Payment, verbose_name=_("payment"), related_name="refunds", on_delete=models.PROTECT)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), related_name="refunds",
                              on_delete=models.PROTECT)
    amount = MoneyField(_("amount"))
    reason = models.CharField(_("reason"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    provider_id = models.CharField(_("Stripe refund"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    failure_message = models.CharField(_("why it failed"), max_length=255, blank=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, blank=True,
                                   related_name="+", on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self):
        return f"{self.amount} ({self.get_status_display()})"


class CreditNote(models.Model):
    """Part of an invoice no longer owed: the credit given with a refund for a returned or damaged item."""

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), related_name="credit_notes",
                                on_delete=models.PROTECT)
    refund = models.OneToOneField(Refund, verbose_name=_("refund"), null=True, blank=True,
                                  related_name="credit_note", on_delete=models.PROTECT)
    amount = MoneyField(_("amount"))
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["created_at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="credit_note_amount_positive")]

    def __str__(self):
        return f"{self.amount} ({self.reason})"

    @property
    def number(self) -> str:
        """As printed on the credit note: CN- and its id."""
        return f"CN-{self.pk:05d}"


class StatementSent(models.Model):
    """A monthly statement emailed to a business account: one row per account and month, written in the
    transaction that queues the email, so the job sends each statement once however often it runs."""

    account = models.ForeignKey(CreditAccount, verbose_name=_("business account"), related_name="statements_sent",
                                on_delete=models.CASCADE)
    month = models.DateField(_("month"), help_text=_("The first day of the month the statement covers."))
    closing_balance = MoneyField(_("closing balance"))
    email = models.ForeignKey("outbox.OutboxEmail", verbose_name=_("email"), null=True, blank=True,
                              related_name="+", on_delete=models.SET_NULL)
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("monthly statement sent")
        verbose_name_plural = _("monthly statements sent")
        ordering = ["-month", "account"]
        constraints = [models.UniqueConstraint(fields=["account", "month"], name="statement_once_per_month")]

    def __str__(self):
        return f"{self.account} {self.month:%Y-%m}"


class StripeEvent(models.Model):
    """Every webhook event received, once: its id is the idempotency key of the whole handling."""

    event_id = models.CharField(_("event"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    outcome = models.CharField(_("what we did"), max_length=255, blank=True)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["-received_at"]

    def __str__(self):
        return f"{self.type} {self.event_id}"
