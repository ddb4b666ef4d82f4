"""Staff side of the money: unpaid and overdue invoices, recording a cheque or transfer, refunding a payment,
business accounts with their balance, and every Stripe event received. Writes go through payments.services."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_base import ReadOnlyAdmin
from core.money import money, money_value

from .links import payment_refund_link
from .models import ZERO, CreditAccount, Invoice, Payment, Refund, StripeEvent, balance_expression
from .services import PaymentError
from .services.invoices import account_outstanding
from .services.received import payment_record
from .services.refunds import refund_create, refunds_send_pending
from .services.reminders import invoices_remind

# A Decimal, not 0.01: the float 0.01 is a hair above one cent, so the form would refuse $0.01.
CENT = Decimal("0.01")


@admin.register(CreditAccount)
class CreditAccountAdmin(admin.ModelAdmin):
    list_display = ["company_name", "user", "credit_limit", "terms_days", "owed", "available", "is_active"]
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


class PaymentStateFilter(admin.SimpleListFilter):
    title = _("payment")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("unpaid", _("Unpaid")), ("overdue", _("Overdue")), ("due_week", _("Due within 7 days")),
                ("paid", _("Paid"))]

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
        return [path("<int:pk>/record-payment/", self.admin_site.admin_view(self.record_payment_view),
                     name="payments_invoice_record_payment"), *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}),
                         "record_payment_url": reverse("admin:payments_invoice_record_payment", args=[object_id])}
        return super().change_view(request, object_id, form_url, extra_context)

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


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyAdmin):
    list_display = ["received_at", "type", "event_id", "outcome"]
    list_filter = ["type"]
    search_fields = ["event_id", "outcome"]
