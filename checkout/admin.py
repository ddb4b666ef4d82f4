"""The staff's order page (/admin/orders/order/): the order with its lines, taxes, payments, refunds and timeline,
and the actions that move it. It composes orders and payments, so it lives above both."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.money import money
from orders.models import Order, OrderEvent, OrderLine, OrderTaxLine
from orders.services.status import TransitionNotAllowed, order_transition
from payments.links import payment_refund_link
from payments.models import Payment, Refund
from payments.services import PaymentError
from payments.services.cancellation import cancellation_plan, order_cancel
from shipping.services.shipments import pickups_waiting


class FrozenInline(admin.TabularInline):
    """What an order recorded when it was placed or moved: shown, never edited."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class OrderLineInline(FrozenInline):
    model = OrderLine
    fields = ["sku", "name", "unit_price", "quantity", "line_total", "backordered"]


class OrderTaxLineInline(FrozenInline):
    model = OrderTaxLine
    fields = ["name", "rate", "base", "amount"]


class PaymentInline(FrozenInline):
    model = Payment
    fields = ["created_at", "method", "status", "amount", "reference", "failure_message", "refund_link"]

    @admin.display(description=_("refund"))
    def refund_link(self, obj):
        return payment_refund_link(obj)


class RefundInline(FrozenInline):
    model = Refund
    fields = ["created_at", "amount", "reason", "status", "created_by"]


class OrderEventInline(FrozenInline):
    model = OrderEvent
    fields = ["created_at", "status", "note", "created_by"]


def _move_action(target, description):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for order in queryset.order_by("pk"):
            try:
                with transaction.atomic():
                    order_transition(order=order, to=target, user=request.user)
                moved += 1
            except TransitionNotAllowed as error:
                refused.append(f"{order.number}: {error}")
        if moved:
            modeladmin.message_user(request, ngettext("%(n)d order updated.", "%(n)d orders updated.", moved)
                                    % {"n": moved}, messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, line, messages.ERROR)

    action.__name__ = f"mark_{target}"
    return action


S = Order.Status


class LateFilter(admin.SimpleListFilter):
    """Orders whose promised delivery date has passed and that have not shipped."""

    title = _("late")
    parameter_name = "late"

    def lookups(self, request, model_admin):
        return [("yes", _("Promised date passed, not shipped"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.late()
        return queryset


class PickupFilter(admin.SimpleListFilter):
    """Store-pickup orders paid (or on account) and not handed over yet (shipping.services.shipments)."""

    title = _("store pickup")
    parameter_name = "pickup"

    def lookups(self, request, model_admin):
        return [("waiting", _("Waiting to be prepared or picked up"))]

    def queryset(self, request, queryset):
        if self.value() == "waiting":
            return queryset.filter(pk__in=pickups_waiting().values("pk"))
        return queryset


class AttentionFilter(admin.SimpleListFilter):
    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(attention="")
        if self.value() == "no":
            return queryset.filter(attention="")
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "ship_name", "email", "ship_province", "status", "payment_method",
                    "total", "balance", "promised", "flagged"]
    list_filter = [LateFilter, PickupFilter, AttentionFilter, "status", "payment_method", "created_at", "ship_province",
                   "delivery_method"]
    search_fields = ["number", "email", "ship_name", "lines__sku", "purchase_order_number"]
    list_select_related = ["invoice"]
    # One COUNT of the filtered orders, not a second one of every order ever placed: "Show all" instead of "(100,000
    # total)" next to the count of a filtered list.
    show_full_result_count = False
    date_hierarchy = "created_at"
    readonly_fields = ["number", "status", "user", "language", "created_at", "updated_at", "delivery_method",
                       "delivery_label", "payment_method", "subtotal", "shipping", "handling", "discount",
                       "tax_total", "total", "purchase_order_number", "invoice_link"]
    fields = ["attention", "number", "status", "created_at", "updated_at", "user", "language", "email", "phone",
              "ship_name", "ship_address", "ship_city", "ship_province", "ship_postal_code", "delivery_method",
              "delivery_label", "payment_method", "purchase_order_number", "invoice_link", "subtotal", "shipping",
              "handling", "discount", "tax_total", "total"]
    inlines = [OrderLineInline, OrderTaxLineInline, PaymentInline, RefundInline, OrderEventInline]
    actions = [
        _move_action(S.PREPARING, _("Mark as being prepared")),
        _move_action(S.DELIVERED, _("Mark as delivered")),
        "cancel_orders",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # Cancelling: a confirmation page says what will happen (stock back, refund or money owed, the customer's
    # email); nothing changes until it is confirmed (payments.services.cancellation).

    @admin.action(description=_("Cancel… (asks for confirmation: stock back, refund, customer emailed)"),
                  permissions=["change"])
    def cancel_orders(self, request, queryset):
        orders = list(queryset.order_by("pk"))
        if request.POST.get("confirm") == "yes":
            self._cancel_all(request, orders)
            return None
        return self._cancel_page(request, orders, from_action=True)

    def get_urls(self):
        return [path("<int:pk>/cancel/", self.admin_site.admin_view(self.cancel_view), name="orders_order_cancel"),
                *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}),
                         "cancel_url": reverse("admin:orders_order_cancel", args=[object_id])}
        return super().change_view(request, object_id, form_url, extra_context)

    def cancel_view(self, request, pk):
        order = get_object_or_404(Order, pk=pk)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        if request.method == "POST":
            self._cancel_all(request, [order])
            return redirect("admin:orders_order_change", order.pk)
        return self._cancel_page(request, [order], from_action=False)

    def _may_refund(self, request, plans) -> bool:
        return request.user.has_perm("payments.add_refund") or not any(p.card_refunds for p in plans)

    def _cancel_page(self, request, orders, *, from_action):
        plans = [cancellation_plan(order=order) for order in orders]
        if not self._may_refund(request, plans):
            raise PermissionDenied
        return TemplateResponse(request, "admin/orders/order/cancel_confirm.html", {
            **self.admin_site.each_context(request), "opts": self.model._meta,
            "title": ngettext("Cancel order %(numbers)s?", "Cancel orders %(numbers)s?", len(orders))
            % {"numbers": ", ".join(o.number for o in orders)},
            "plans": plans, "from_action": from_action, "any_allowed": any(p.allowed for p in plans),
            "selected": [o.pk for o in orders], "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })

    def _cancel_all(self, request, orders):
        if not self._may_refund(request, [cancellation_plan(order=o) for o in orders]):
            raise PermissionDenied
        for order in orders:
            try:
                done = order_cancel(order=order, user=request.user, reason=request.POST.get("reason", ""))
            except (TransitionNotAllowed, PaymentError) as error:
                self.message_user(request, f"{order.number}: {error}", messages.ERROR)
                continue
            parts = [_("Order %(number)s is cancelled and its stock released; the customer is emailed.")
                     % {"number": order.number}]
            if done.refunds:
                parts.append(_("Card refund of %(amount)s started.")
                             % {"amount": money(sum(r.amount for r in done.refunds))})
            if done.owed:
                parts.append(_("%(amount)s received by cheque or transfer is owed back: listed under Invoices › "
                               "Refund owed.") % {"amount": money(done.owed)})
            self.message_user(request, " ".join(parts), messages.SUCCESS)

    @admin.display(description=_("balance"))
    def balance(self, obj):
        invoice = getattr(obj, "invoice", None)
        return money(invoice.balance) if invoice else "—"

    @admin.display(description=_("promised by"), ordering="promised_on")
    def promised(self, obj):
        if obj.promised_on is None:
            return "—"
        if obj.is_late:
            return format_html('<strong class="errornote">{} ({})</strong>', obj.promised_on, _("late"))
        return obj.promised_on

    @admin.display(description=_("attention"), boolean=True)
    def flagged(self, obj):
        return bool(obj.attention)

    @admin.display(description=_("invoice"))
    def invoice_link(self, obj):
        invoice = getattr(obj, "invoice", None)
        if invoice is None:
            return "—"
        return format_html('<a href="{}">{}</a> — {} {}', reverse("admin:payments_invoice_change", args=[invoice.pk]),
                           invoice.number, _("balance"), money(invoice.balance))
