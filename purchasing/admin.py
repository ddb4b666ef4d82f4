"""Purchasing in the admin: suppliers' terms and items, the nightly reorder suggestions (an action turns them into
draft purchase orders), purchase orders (print, PDF, send, receive, cancel) and the low-stock alerts. Every write
goes through purchasing.services."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin_base import ReadOnlyAdmin
from core.money import money

from .forms import ReceiveForm
from .models import (
    LowStockAlert,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    ReorderSuggestion,
    SupplierItem,
    SupplierTerms,
)
from .services import orders as po_services

S = PurchaseOrder.Status


@admin.register(SupplierTerms)
class SupplierTermsAdmin(admin.ModelAdmin):
    list_display = ["supplier", "lead_time_days", "minimum_order", "currency", "order_email"]
    search_fields = ["supplier__name", "order_email"]


@admin.register(SupplierItem)
class SupplierItemAdmin(admin.ModelAdmin):
    list_display = ["variant", "supplier", "supplier_sku", "unit_cost", "pack_size", "is_preferred"]
    list_filter = ["supplier", "is_preferred"]
    search_fields = ["variant__sku", "variant__product__name", "supplier_sku", "supplier__name"]
    list_select_related = ["variant", "supplier"]
    autocomplete_fields = ["variant"]


@admin.register(ReorderSuggestion)
class ReorderSuggestionAdmin(ReadOnlyAdmin):
    """Tonight's suggestions (replaced each night); the figures of each are shown so the arithmetic can be read."""

    list_display = ["variant", "scope", "supplier", "quantity", "need", "available", "on_order", "reorder_point",
                    "sold", "days", "velocity", "lead_time_days", "safety_days", "pack_size", "amount",
                    "po_link"]
    list_filter = ["supplier", "online_pool", ("purchase_order", admin.EmptyFieldListFilter)]
    search_fields = ["variant__sku", "variant__product__name", "supplier__name", "supplier_sku"]
    list_select_related = ["variant", "location", "supplier", "purchase_order"]
    actions = ["make_purchase_orders"]

    @admin.display(description=gettext_lazy("for"))
    def scope(self, obj):
        return _("Online pool (to %(location)s)") % {"location": obj.location.name} if obj.online_pool \
            else obj.location.name

    @admin.display(description=gettext_lazy("amount"))
    def amount(self, obj):
        return money(obj.unit_cost * obj.quantity) if obj.unit_cost is not None else "—"

    @admin.display(description=gettext_lazy("purchase order"))
    def po_link(self, obj):
        if obj.purchase_order is None:
            return "—"
        url = reverse("admin:purchasing_purchaseorder_change", args=[obj.purchase_order_id])
        return format_html('<a href="{}">{}</a>', url, obj.purchase_order.number)

    def has_purchase_permission(self, request):
        return request.user.has_perm("purchasing.add_purchaseorder")

    @admin.action(description=gettext_lazy("Create draft purchase orders (one per supplier)"),
                  permissions=["purchase"])
    def make_purchase_orders(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        orders = po_services.purchase_orders_from_suggestions(suggestion_ids=ids, user=request.user)
        if not orders:
            self.message_user(request, _("No purchase order was created: the suggestions chosen have no supplier or "
                                         "are already on a purchase order."), messages.WARNING)
            return None
        self.message_user(request, ngettext("Draft purchase order created: %(numbers)s.",
                                            "Draft purchase orders created: %(numbers)s.", len(orders))
                          % {"numbers": ", ".join(o.number for o in orders)}, messages.SUCCESS)
        if len(orders) == 1:
            return redirect("admin:purchasing_purchaseorder_change", orders[0].pk)
        return None


class PurchaseOrderLineInline(admin.TabularInline):
    model = PurchaseOrderLine
    extra = 0
    fields = ["variant", "supplier_sku", "quantity_ordered", "quantity_received", "unit_cost"]
    readonly_fields = ["quantity_received"]
    autocomplete_fields = ["variant"]

    def _draft(self, obj):
        return obj is None or obj.status == S.DRAFT

    def has_add_permission(self, request, obj):
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._draft(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._draft(obj) and super().has_delete_permission(request, obj)


class PurchaseOrderEventInline(admin.TabularInline):
    model = PurchaseOrderEvent
    extra = 0
    fields = ["created_at", "status", "note", "created_by"]
    readonly_fields = fields
    can_delete = False
    verbose_name_plural = gettext_lazy("timeline")

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "supplier", "status", "location", "expected_on", "created_at", "sent_at"]
    list_filter = ["status", "supplier", "location"]
    search_fields = ["number", "supplier__name", "lines__variant__sku"]
    list_select_related = ["supplier", "location"]
    inlines = [PurchaseOrderLineInline, PurchaseOrderEventInline]
    change_form_template = "admin/purchasing/purchaseorder/change_form.html"

    def get_readonly_fields(self, request, obj=None):
        fixed = ["number", "status", "created_at", "sent_at", "created_by"]
        if obj is not None and obj.status != S.DRAFT:
            return [*fixed, "supplier", "location", "expected_on", "notes"]
        return fixed

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled, never deleted

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            obj.created_by = request.user
            obj.save(update_fields=["created_by"])
            po_services.purchase_order_created(order=obj, user=request.user)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/print/", view(self.print_view), name="purchasing_purchaseorder_print"),
            path("<int:pk>/pdf/", view(self.pdf_view), name="purchasing_purchaseorder_pdf"),
            path("<int:pk>/send/", view(self.send_view), name="purchasing_purchaseorder_send"),
            path("<int:pk>/receive/", view(self.receive_view), name="purchasing_purchaseorder_receive"),
            path("<int:pk>/cancel/", view(self.cancel_view), name="purchasing_purchaseorder_cancel"),
            *super().get_urls(),
        ]

    def _order(self, request, pk, *, change: bool) -> PurchaseOrder:
        order = get_object_or_404(PurchaseOrder.objects.select_related("supplier", "location"), pk=pk)
        allowed = self.has_change_permission(request, order) if change else self.has_view_permission(request, order)
        if not allowed:
            raise PermissionDenied
        return order

    def print_view(self, request, pk):
        order = self._order(request, pk, change=False)
        return HttpResponse(po_services.purchase_order_html(order=order))

    def pdf_view(self, request, pk):
        order = self._order(request, pk, change=False)
        response = HttpResponse(po_services.purchase_order_pdf(order=order), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
        return response

    def _post_only(self, request, order):
        if request.method != "POST":
            return redirect("admin:purchasing_purchaseorder_change", order.pk)
        return None

    def send_view(self, request, pk):
        order = self._order(request, pk, change=True)
        if (response := self._post_only(request, order)) is not None:
            return response
        try:
            order = po_services.purchase_order_send(order=order, user=request.user)
        except po_services.PurchasingError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("Purchase order %(number)s sent to the supplier.") % {"number": order.number},
                              messages.SUCCESS)
        return redirect("admin:purchasing_purchaseorder_change", order.pk)

    def cancel_view(self, request, pk):
        order = self._order(request, pk, change=True)
        if (response := self._post_only(request, order)) is not None:
            return response
        try:
            order = po_services.purchase_order_cancel(order=order, user=request.user)
        except po_services.PurchasingError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("Purchase order %(number)s cancelled.") % {"number": order.number},
                              messages.SUCCESS)
        return redirect("admin:purchasing_purchaseorder_change", order.pk)

    def receive_view(self, request, pk):
        order = self._order(request, pk, change=True)
        form = ReceiveForm(request.POST or None, order=order)
        if request.method == "POST" and form.is_valid():
            try:
                order = po_services.purchase_order_receive(order=order, quantities=form.quantities(),
                                                           location=form.cleaned_data["location"], user=request.user)
            except po_services.PurchasingError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Goods received on %(number)s: it is now “%(status)s”.")
                                  % {"number": order.number, "status": order.get_status_display()}, messages.SUCCESS)
                return redirect("admin:purchasing_purchaseorder_change", order.pk)
        context = {
            **self.admin_site.each_context(request), "opts": self.model._meta, "order": order, "form": form,
            "title": _("Receive goods: %(number)s") % {"number": order.number},
        }
        return TemplateResponse(request, "admin/purchasing/purchaseorder/receive.html", context)


@admin.register(LowStockAlert)
class LowStockAlertAdmin(ReadOnlyAdmin):
    list_display = ["variant", "location", "available", "reorder_point", "opened_at", "closed_at"]
    list_filter = [("closed_at", admin.EmptyFieldListFilter), "location"]
    search_fields = ["variant__sku"]
    list_select_related = ["variant", "location"]
