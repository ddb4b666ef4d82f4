"""Staff side of the money: unpaid and overdue invoices, recording a cheque or transfer, refunding a payment,
business accounts with their balance, and every Stripe event received. Writes go through payments.services."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core.admin_base import ReadOnlyAdmin
from core.money import money, money_value

from . import documents
from .links import payment_refund_link
from .models import (
    ZERO,
    CreditAccount,
    CreditNote,
    Invoice,
    Payment,
    Refund,
    StatementSent,
    StripeEvent,
    balance_expression,
)
from .services import PaymentError
from .services.documents import credit_note_email, previous_month, statement_email
from .services.invoices import account_outstanding
from .services.received import payment_record
from .services.refunds import refund_create, refunds_send_pending
from .services.reminders import invoices_remind

# A Decimal, not 0.01: the float 0.01 is a hair above one cent, so the form would refuse $0.01.
CENT = Decimal("0.01")
HALF_CENT = Decimal("0.005")


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
    list_display = ["company_name", "user", "credit_limit", "terms_days", "owed", "available", "is_active",
                    "statement_link"]
    list_filter = ["is_active", "terms_days"]
    search_fields = ["company_name", "user__username", "user__email"]
    autocomplete_fields = ["user"]
    list_select_related = ["user"]

    def get_queryset(self, request):
        # What each account owes, in the list's one query (the same sum as account_outstanding).
        open_invoices = Q(invoices__status=Invoice.Status.OPEN)
        owed = Coalesce(Sum(balance_expression("invoices__"), filter=open_invoices), money_value(ZERO))
        return super().get_queryset(request).annotate(owed_total=owed)

    def _owed(self, obj):
        owed = getattr(obj, "owed_total", None)
        return account_outstanding(account=obj) if owed is None else owed

    @admin.display(description=_("owed"), ordering="owed_total")
    def owed(self, obj):
        return money(self._owed(obj))

    @admin.display(description=_("credit available"))
    def available(self, obj):
        return money(obj.credit_limit - self._owed(obj))

    @admin.display(description=_("statement"))
    def statement_link(self, obj):
        return format_html('<a href="{}?customer={}">{}</a>', reverse("admin:payments_invoice_statement"),
                           obj.user.get_username(), _("Statement"))


class PaymentStateFilter(admin.SimpleListFilter):
    title = _("payment")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("unpaid", _("Unpaid")), ("overdue", _("Overdue")), ("due_week", _("Due within 7 days")),
                ("paid", _("Paid")), ("owed", _("Refund owed"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        match self.value():
            case "unpaid":
                return queryset.open()
            case "overdue":
                return queryset.overdue(today)
            case "due_week":
                return queryset.open().filter(due_on__gte=today, due_on__lte=today + timedelta(days=7))
            case "paid":
                return queryset.filter(status=Invoice.Status.PAID)
            case "owed":
                # The shop owes the customer: money kept on a void invoice (a cancelled order), or paid beyond what
                # an invoice asks. Half a cent of slack: SQLite computes the balance in floating point.
                void = Q(status=Invoice.Status.VOID)
                return queryset.annotate(balance_now=balance_expression()).filter(
                    (void & Q(amount_paid__gt=F("amount_refunded") + HALF_CENT))
                    | (~void & Q(balance_now__lt=-HALF_CENT)))
        return queryset


class PaymentRecordForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount received (CAD)"), max_digits=12, decimal_places=2, min_value=CENT)
    method = forms.ChoiceField(label=_("Method"), choices=[c for c in Payment.Method.choices if c[0] != "card"])
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("Cheque number, transfer confirmation…"))
    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if received_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be received in the future."))
        return received_on


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "order_link", "customer", "method", "issued_on", "due_on", "amount", "amount_paid",
                    "balance_display", "status", "reminder_sent"]
    list_filter = [PaymentStateFilter, "status", "order__payment_method", "reminder_sent", "due_on"]
    search_fields = ["number", "order__number", "order__email", "order__ship_name", "account__company_name",
                     "order__purchase_order_number"]
    date_hierarchy = "due_on"
    list_select_related = ["order", "account"]
    readonly_fields = ["number", "order", "account", "status", "amount", "amount_paid", "amount_refunded",
                       "issued_on", "reminder_sent", "reminded_at"]
    fields = ["number", "order", "account", "status", "amount", "amount_paid", "amount_refunded", "issued_on",
              "due_on", "reminder_sent", "reminded_at"]
    actions = ["send_reminders_now"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("order"), ordering="order__number")
    def order_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]),
                           obj.order.number)

    @admin.display(description=_("customer"))
    def customer(self, obj):
        return obj.account.company_name if obj.account else obj.order.ship_name

    @admin.display(description=_("method"))
    def method(self, obj):
        return obj.order.get_payment_method_display()

    @admin.display(description=_("balance"))
    def balance_display(self, obj):
        text = money(obj.balance)
        return format_html('<strong class="errornote">{} ({})</strong>', text, _("overdue")) if obj.is_overdue else text

    @admin.action(description=_("Send the selected invoices the reminders due today"), permissions=["change"])
    def send_reminders_now(self, request, queryset):
        sent = invoices_remind(invoices=queryset)
        self.message_user(request, ngettext("%(n)d reminder sent.", "%(n)d reminders sent.", len(sent))
                          % {"n": len(sent)}, messages.SUCCESS)

    def save_model(self, request, obj, form, change):
        """A new due date starts the reminders over (the customer was given more time)."""
        if change and "due_on" in form.changed_data:
            obj.reminder_sent = Invoice.Reminder.NONE
            obj.reminded_at = None
        super().save_model(request, obj, form, change)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [path("<int:pk>/record-payment/", view(self.record_payment_view),
                     name="payments_invoice_record_payment"),
                path("statement/", view(self.statement_choose_view), name="payments_invoice_statement"),
                path("statement/<int:user_id>/", view(self.statement_view), name="payments_invoice_statement_print"),
                path("statement/<int:user_id>/email/", view(require_POST(self.statement_email_view)),
                     name="payments_invoice_statement_email"),
                *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        invoice = Invoice.objects.select_related("order").filter(pk=object_id).first()
        extra_context = {**(extra_context or {}),
                         "record_payment_url": reverse("admin:payments_invoice_record_payment", args=[object_id])}
        if invoice is not None:
            extra_context["document_url"] = reverse("payments:invoice", kwargs={"number": invoice.order.number})
        return super().change_view(request, object_id, form_url, extra_context)

    # --- statements: any customer's, for a period: open, print, PDF, email ------------------------------------

    def statement_choose_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = StatementForm(request.GET if "customer" in request.GET else None)
        if form.is_bound and form.is_valid():
            url = reverse("admin:payments_invoice_statement_print", args=[form.cleaned_data["customer"].pk])
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            return redirect(f"{url}?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}")
        if not form.is_bound:
            start, end = previous_month(timezone.localdate())
            form = StatementForm(initial={"start": start, "end": end, "customer": request.GET.get("customer", "")})
        return TemplateResponse(request, "admin/payments/statement_form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "form": form,
            "title": _("A customer's statement"),
        })

    def _statement_period(self, request):
        form = StatementPeriodForm(request.GET or request.POST)
        if form.is_valid():
            return form.cleaned_data["start"], form.cleaned_data["end"]
        return previous_month(timezone.localdate())

    def statement_view(self, request, user_id):
        if not self.has_view_permission(request):
            raise PermissionDenied
        customer = get_object_or_404(get_user_model(), pk=user_id)
        start, end = self._statement_period(request)
        context = documents.statement_context(user=customer, start=start, end=end)
        if request.GET.get("format") == "pdf":
            response = HttpResponse(documents.document_pdf(template=documents.STATEMENT, context=context),
                                    content_type="application/pdf")
            response["Content-Disposition"] = f'inline; filename="{documents.statement_filename(context["statement"])}"'
            return response
        query = f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        email_url = (reverse("admin:payments_invoice_statement_email", args=[user_id]) + query
                     if self.has_change_permission(request) and customer.email else "")
        return HttpResponse(documents.document_html(template=documents.STATEMENT, request=request, context={
            **context, "pdf_url": reverse("admin:payments_invoice_statement_print", args=[user_id]) + query
            + "&format=pdf", "email_url": email_url}))

    def statement_email_view(self, request, user_id):
        if not self.has_change_permission(request):
            raise PermissionDenied
        customer = get_object_or_404(get_user_model(), pk=user_id)
        start, end = self._statement_period(request)
        statement_email(customer=customer, start=start, end=end)
        self.message_user(request, _("Statement emailed to %(email)s.") % {"email": customer.email}, messages.SUCCESS)
        return redirect(reverse("admin:payments_invoice_statement") + f"?customer={customer.get_username()}")

    def record_payment_view(self, request, pk):
        invoice = get_object_or_404(Invoice.objects.select_related("order"), pk=pk)
        if not self.has_change_permission(request, invoice):
            raise PermissionDenied
        form = PaymentRecordForm(request.POST or None, initial={"amount": invoice.balance})
        if request.method == "POST" and form.is_valid():
            try:
                payment_record(order=invoice.order, amount=form.cleaned_data["amount"],
                               method=form.cleaned_data["method"], reference=form.cleaned_data["reference"],
                               received_on=form.cleaned_data["received_on"], user=request.user)
            except PaymentError as error:
                form.add_error("amount", str(error))
            else:
                invoice.refresh_from_db()
                self.message_user(request, _("Payment recorded. Balance on %(invoice)s: %(balance)s.")
                                  % {"invoice": invoice.number, "balance": money(invoice.balance)}, messages.SUCCESS)
                return redirect("admin:payments_invoice_change", invoice.pk)
        return TemplateResponse(request, "admin/payments/money_form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": invoice,
            "title": _("Record a payment for invoice %(invoice)s") % {"invoice": invoice.number},
            "form": form, "facts": [(_("Order"), invoice.order.number), (_("Invoice amount"), money(invoice.amount)),
                                    (_("Paid so far"), money(invoice.amount_paid)),
                                    (_("Balance"), money(invoice.balance)), (_("Due"), invoice.due_on)],
            "submit": _("Record the payment"),
        })


class StatementPeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must end on or after the day it starts."))
        return data


class StatementForm(StatementPeriodForm):
    customer = forms.CharField(label=_("Customer"), help_text=_("Their email address or user name."))

    field_order = ["customer", "start", "end"]

    def clean_customer(self):
        value = self.cleaned_data["customer"].strip()
        users = get_user_model().objects.filter(Q(username__iexact=value) | Q(email__iexact=value))
        found = list(users[:2])
        if len(found) != 1:
            raise forms.ValidationError(_("No single customer has this email address or user name."))
        return found[0]


class RefundForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount to refund (CAD)"), max_digits=12, decimal_places=2, min_value=CENT)
    reason = forms.CharField(label=_("Reason"), max_length=255, help_text=_("Shown to the customer."))


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = ["created_at", "amount", "reason", "status", "provider_id", "failure_message", "created_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ["pk", "order", "method", "status", "amount", "reference", "received_on", "created_at",
                    "refund_link"]
    list_filter = ["status", "method", "created_at"]
    search_fields = ["order__number", "order__email", "provider_id", "payment_intent", "reference"]
    list_select_related = ["order"]
    readonly_fields = ["order", "method", "status", "amount", "provider_id", "payment_intent", "checkout_url",
                       "reference", "failure_message", "received_on", "created_by", "created_at", "updated_at"]
    inlines = [RefundInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("refund"))
    def refund_link(self, obj):
        return payment_refund_link(obj)

    def get_urls(self):
        return [path("<int:pk>/refund/", self.admin_site.admin_view(self.refund_view),
                     name="payments_payment_refund"), *super().get_urls()]

    def refund_view(self, request, pk):
        payment = get_object_or_404(Payment.objects.select_related("order"), pk=pk)
        if not (self.has_change_permission(request, payment) and request.user.has_perm("payments.add_refund")):
            raise PermissionDenied
        left = payment.refundable()
        form = RefundForm(request.POST or None, initial={"amount": left})
        if request.method == "POST" and form.is_valid():
            try:
                refund = refund_create(payment=payment, amount=form.cleaned_data["amount"],
                                       reason=form.cleaned_data["reason"], user=request.user)
            except PaymentError as error:
                form.add_error("amount", str(error))
            else:
                refund.refresh_from_db()
                level = messages.SUCCESS if refund.status == Refund.Status.SUCCEEDED else messages.WARNING
                self.message_user(request, _("Refund of %(amount)s: %(status)s.")
                                  % {"amount": money(refund.amount), "status": refund.get_status_display()}, level)
                return redirect("admin:orders_order_change", payment.order_id)
        return TemplateResponse(request, "admin/payments/money_form.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta, "original": payment,
            "title": _("Refund a payment on order %(order)s") % {"order": payment.order.number},
            "form": form, "facts": [(_("Payment"), str(payment)), (_("Left to refund"), money(left))],
            "submit": _("Refund"),
        })


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ["pk", "order", "amount", "status", "reason", "attempts", "created_at", "created_by"]
    list_filter = ["status", "created_at"]
    search_fields = ["order__number", "provider_id", "reason"]
    list_select_related = ["order", "created_by"]
    actions = ["send_pending"]

    @admin.action(description=_("Send pending card refunds to Stripe now"))
    def send_pending(self, request, queryset):
        sent = refunds_send_pending()
        self.message_user(request, ngettext("%(n)d refund sent.", "%(n)d refunds sent.", sent) % {"n": sent})

    def has_change_permission(self, request, obj=None):
        return obj is None and request.user.has_perm("payments.change_refund")


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    """Credit notes are written by the refund and credit services; here they are opened, printed and emailed."""

    list_display = ["number", "created_at", "invoice", "customer", "amount", "reason", "document_link"]
    list_filter = ["created_at"]
    search_fields = ["invoice__number", "invoice__order__number", "invoice__order__email", "reason"]
    list_select_related = ["invoice__order", "invoice__account"]
    fields = ["number", "invoice", "refund", "amount", "reason", "created_at"]
    readonly_fields = fields

    @admin.display(description=_("number"), ordering="pk")
    def number(self, obj):
        return obj.number

    @admin.display(description=_("customer"))
    def customer(self, obj):
        return obj.invoice.account.company_name if obj.invoice.account else obj.invoice.order.ship_name

    @admin.display(description=_("document"))
    def document_link(self, obj):
        url = reverse("payments:credit_note", kwargs={"number": obj.invoice.order.number, "pk": obj.pk})
        return format_html('<a href="{}">{}</a> · <a href="{}?format=pdf">PDF</a>', url, _("Open"), url)

    def get_urls(self):
        return [path("<int:pk>/email/", self.admin_site.admin_view(require_POST(self.email_view)),
                     name="payments_creditnote_email"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        note = CreditNote.objects.select_related("invoice__order").filter(pk=object_id).first()
        if note is not None:
            extra_context = {**(extra_context or {}), "document_url": reverse(
                "payments:credit_note", kwargs={"number": note.invoice.order.number, "pk": note.pk}),
                "email_url": reverse("admin:payments_creditnote_email", args=[note.pk])
                if request.user.has_perm("payments.change_invoice") else ""}
        return super().change_view(request, object_id, form_url, extra_context)

    def email_view(self, request, pk):
        """Email the credit note and its PDF to the order's customer (through the outbox)."""
        if not (self.has_view_permission(request) and request.user.has_perm("payments.change_invoice")):
            raise PermissionDenied
        note = get_object_or_404(CreditNote.objects.select_related("invoice__order"), pk=pk)
        credit_note_email(note=note, user=request.user)
        self.message_user(request, _("Credit note %(number)s emailed to %(email)s.")
                          % {"number": note.number, "email": note.invoice.order.email}, messages.SUCCESS)
        return redirect("admin:payments_creditnote_change", note.pk)


@admin.register(StatementSent)
class StatementSentAdmin(ReadOnlyAdmin):
    list_display = ["month", "account", "closing_balance", "sent_at", "email"]
    list_filter = ["month"]
    search_fields = ["account__company_name"]
    list_select_related = ["account", "email"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "type", "event_id", "outcome"]
    list_filter = ["type"]
    search_fields = ["event_id", "outcome"]
