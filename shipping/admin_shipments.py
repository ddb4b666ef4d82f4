"""Preparing and shipping orders: the orders to prepare, their packing slip and invoice to print, the Ship form,
and the shipments (read-only, with "Mark delivered"). Writes go through shipping.services.shipments."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.identity import seller_identity
from orders.models import Order

from .models import Carrier, Shipment, ShipmentLine
from .services.shipments import ShipmentError, order_to_ship, orders_to_prepare, shipment_create, shipment_deliver


class ShipForm(forms.Form):
    carrier = forms.ModelChoiceField(label=_("Carrier"), queryset=Carrier.objects.filter(is_active=True))
    tracking_number = forms.CharField(label=_("Tracking number"), required=False,
                                      help_text=_("As printed on the carrier's label, without spaces."))

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[self.line_field(row)] = forms.IntegerField(
                label=f"{row.line.sku} — {row.line.name}", min_value=0, required=False, initial=row.held,
                widget=forms.NumberInput(attrs={"class": "vIntegerField"}),
            )

    @staticmethod
    def line_field(row) -> str:
        return f"line_{row.line.pk}"

    def quantities(self) -> dict[int, int]:
        return {row.line.pk: self.cleaned_data.get(self.line_field(row)) or 0 for row in self.rows}

    def line_rows(self):
        """Each line to ship with its quantity field, for the template."""
        return [(row, self[self.line_field(row)]) for row in self.rows]


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    fields = ["sku", "name", "quantity"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line")

    @admin.display(description=_("SKU"))
    def sku(self, obj):
        return obj.order_line.sku

    @admin.display(description=_("product"))
    def name(self, obj):
        return obj.order_line.name


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["shipped_at", "order_link", "carrier", "tracking", "delivered_at"]
    list_filter = ["carrier", ("delivered_at", admin.EmptyFieldListFilter), "shipped_at"]
    search_fields = ["tracking_number", "order__number", "order__email", "order__ship_name"]
    list_select_related = ["order", "carrier"]
    date_hierarchy = "shipped_at"
    fields = ["order", "carrier", "tracking", "shipped_at", "delivered_at", "created_by"]
    readonly_fields = fields
    inlines = [ShipmentLineInline]
    actions = ["mark_delivered"]

    def has_add_permission(self, request):
        return False  # shipments are made with the Ship form of an order to prepare

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # The list's "Mark delivered" action; a shipment itself is never edited.
        return obj is None and request.user.has_perm("shipping.change_shipment")

    @admin.display(description=_("order"), ordering="order__number")
    def order_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("admin:orders_order_change", args=[obj.order_id]),
                           obj.order.number)

    @admin.display(description=_("tracking number"), ordering="tracking_number")
    def tracking(self, obj):
        link = obj.tracking_link
        if not link:
            return obj.tracking_number
        return format_html('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>', link,
                           obj.tracking_number)

    @admin.action(description=_("Mark delivered"), permissions=["change"])
    def mark_delivered(self, request, queryset):
        delivered = 0
        for shipment in queryset.filter(delivered_at__isnull=True).order_by("pk"):
            shipment_deliver(shipment=shipment, user=request.user)
            delivered += 1
        self.message_user(request, ngettext("%(n)d shipment marked delivered.", "%(n)d shipments marked delivered.",
                                            delivered) % {"n": delivered}, messages.SUCCESS)

    # --- pages for preparing orders ----------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("to-prepare/", view(self.to_prepare_view), name="shipping_shipment_to_prepare"),
            path("ship/<int:order_pk>/", view(self.ship_view), name="shipping_shipment_ship"),
            path("packing-slip/<int:order_pk>/", view(self.packing_slip_view), name="shipping_shipment_packing_slip"),
            path("invoice/<int:order_pk>/", view(self.invoice_view), name="shipping_shipment_invoice"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "to_prepare_url": reverse("admin:shipping_shipment_to_prepare")}
        return super().changelist_view(request, extra_context)

    def _order(self, order_pk: int) -> Order:
        try:
            return order_to_ship(order_id=order_pk)
        except Order.DoesNotExist as error:
            raise Http404 from error

    def _context(self, request, **context):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **context}

    def to_prepare_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return TemplateResponse(request, "admin/shipping/shipment/to_prepare.html", self._context(
            request, title=_("Orders to prepare"), orders=orders_to_prepare(), today=timezone.localdate(),
        ))

    def ship_view(self, request, order_pk):
        if not request.user.has_perm("shipping.add_shipment"):
            raise PermissionDenied
        order = self._order(order_pk)
        rows = [row for row in order.to_ship if row.left]
        form = ShipForm(request.POST or None, rows=rows,
                        initial={"carrier": order.delivery_method.carrier_id})
        if request.method == "POST" and form.is_valid():
            try:
                shipment = shipment_create(order=order, carrier=form.cleaned_data["carrier"],
                                           tracking_number=form.cleaned_data["tracking_number"],
                                           quantities=form.quantities(), user=request.user)
            except ShipmentError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Order %(number)s: shipment %(shipment)s created.")
                                  % {"number": order.number, "shipment": shipment}, messages.SUCCESS)
                return redirect("admin:shipping_shipment_to_prepare")
        return TemplateResponse(request, "admin/shipping/shipment/ship_form.html", self._context(
            request, title=_("Ship order %(number)s") % {"number": order.number}, order=order, form=form,
        ))

    def _print(self, request, order_pk, template):
        if not self.has_view_permission(request):
            raise PermissionDenied
        order = self._order(order_pk)
        return TemplateResponse(request, template, {
            "order": order, "shop_name": settings.SHOP_NAME, "invoice": getattr(order, "invoice", None),
            "tax_lines": order.tax_lines.all(), "today": timezone.localdate(),
            "seller": seller_identity(), "show_qst": order.ship_province == "QC",
        })

    def packing_slip_view(self, request, order_pk):
        return self._print(request, order_pk, "shipping/packing_slip.html")

    def invoice_view(self, request, order_pk):
        return self._print(request, order_pk, "shipping/invoice_print.html")
