
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core.admin_base import ReadOnlyAdmin
from core.csv_io import ShopImportExportMixin

from . import forms, services
from .models import ApiToken, Stock, StockMovement
from .resources import StockResource
from .selectors import stock_count_preview, stock_low

RECORD_PERMISSION = "inventory.add_stockmovement"


def _operation(kind, form_class, run, done_message):
    return {"kind": kind, "form": form_class, "run": run, "done": done_message}


def _sale(form, user):
    d = form.cleaned_data
    return services.stock_sell_in_store(variant=d["variant"], location=d["location"], quantity=d["quantity"],
                                        user=user, reason=d["reason"], reference=d["reference"],
                                        unit_price=d.get("unit_price"))


def _receipt(form, user):
    d = form.cleaned_data
    movement = services.stock_receive(variant=d["variant"], location=d["location"], quantity=d["quantity"],
                                      user=user, reason=d["reason"], reference=d["reference"])
    # Once the receipt is committed: waiting backorders first, then "email me when it is back" sign-ups.
    services.restock_after_commit(variant_ids=[d["variant"].pk], user=user)
    return movement


def _return(form, user):
    d = form.cleaned_data
    return services.stock_return(variant=d["variant"], location=d["location"], quantity=d["quantity"],
                                 user=user, reason=d["reason"], reference=d["reference"])


def _transfer(form, user):
    d = form.cleaned_data
    return services.stock_transfer(variant=d["variant"], source=d["source"], destination=d["destination"],
                                   quantity=d["quantity"], user=user, reason=d["reason"])[1]


def _correction(form, user):
    d = form.cleaned_data
    # short_confirmed: the clerk saw which orders a count lower than the reserved units puts back on backorder.
    result = services.stock_count_record(variant=d["variant"], location=d["location"], counted=d["counted"],
                                         user=user, reason=d["reason"],
                                         release_reserved=getattr(form, "short_confirmed", False))
    form.taken = result.taken
    return result.movement


def _short_text(short: int, taken) -> str:
    """ "3 units short: orders C-10012 and C-10009 go back on backorder." """
    numbers = [number for number, _units in taken]
    units = ngettext("%(n)d unit short", "%(n)d units short", short) % {"n": short}
    orders = ngettext("order %(orders)s goes back on backorder.", "orders %(orders)s go back on backorder.",
                      len(numbers)) % {"orders": get_text_list(numbers, _("and"))}
    return f"{units}: {orders}"


OPERATIONS = {
    "sale": _operation("sale", forms.InStoreSaleForm, _sale, gettext_lazy("In-store sale recorded")),
    "receipt": _operation("receipt", forms.ReceiptForm, _receipt, gettext_lazy("Receipt recorded")),
    "return": _operation("return", forms.ReturnForm, _return, gettext_lazy("Return recorded")),
    "transfer": _operation("transfer", forms.TransferForm, _transfer, gettext_lazy("Transfer recorded")),
    "correction": _operation("correction", forms.CorrectionForm, _correction,
                             gettext_lazy("Count correction recorded")),
}


class LowStockFilter(admin.SimpleListFilter):
    """Rows at or under their reorder point (inventory.selectors.stock_low)."""

    title = gettext_lazy("low stock")
    parameter_name = "low"

    def lookups(self, request, model_admin):
        return [("yes", gettext_lazy("At or under the reorder point"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(pk__in=stock_low().values("pk"))
        return queryset


@admin.register(Stock)
class StockAdmin(ShopImportExportMixin, ReadOnlyAdmin):
    """Stock levels are read here and changed only through the operation forms (inventory.services), or a CSV of
    counts (inventory.resources: each row a count movement), by those who record stock movements."""

    resource_classes = [StockResource]
    import_permissions = export_permissions = (RECORD_PERMISSION,)
    skip_admin_log = True  # the ledger records who counted what
    import_export_change_list_template = "admin/inventory/stock/change_list_import_export.html"

    list_display = ["sku", "product", "location", "on_hand", "reserved", "available_now", "reorder_point",
                    "reorder_quantity", "ledger_link"]
    list_filter = [LowStockFilter, "location", "location__kind", "location__ships_online"]
    search_fields = ["variant__sku", "variant__product__name"]
    list_select_related = ["variant__product", "location"]
    change_list_template = "admin/inventory/stock/change_list.html"
    # Only the reorder settings can be edited here (with "change stock level"); levels move through the forms.
    fields = ["variant", "location", "on_hand", "reserved", "reorder_point", "reorder_quantity"]
    readonly_fields = ["variant", "location", "on_hand", "reserved"]

    def has_change_permission(self, request, obj=None):
        return admin.ModelAdmin.has_change_permission(self, request, obj)

    def save_model(self, request, obj, form, change):
        services.stock_reorder_set(stock_id=obj.pk, reorder_point=obj.reorder_point,
                                   reorder_quantity=obj.reorder_quantity)

    @admin.display(description=gettext_lazy("SKU"), ordering="variant__sku")
    def sku(self, obj):
        return obj.variant.sku

    @admin.display(description=gettext_lazy("product"), ordering="variant__product__name")
    def product(self, obj):
        return obj.variant.product.name

    @admin.display(description=gettext_lazy("available"))
    def available_now(self, obj):
        return obj.available

    @admin.display(description=gettext_lazy("ledger"))
    def ledger_link(self, obj):
        url = reverse("admin:inventory_stockmovement_changelist") + f"?stock__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("movements"))

    def get_urls(self):
        custom = [
            path("record/<str:kind>/", self.admin_site.admin_view(self.record_view), name="inventory_stock_record"),
        ]
        return custom + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "operations": self._operation_links(request)}
        return super().changelist_view(request, extra_context)

    def _operation_links(self, request):
        if not request.user.has_perm(RECORD_PERMISSION):
            return []
        return [
            (reverse("admin:inventory_stock_record", args=[op["kind"]]), op["form"].title)
            for op in OPERATIONS.values()
        ]

    def record_view(self, request, kind):
        operation = OPERATIONS.get(kind)
        if operation is None:
            raise Http404
        if not request.user.has_perm(RECORD_PERMISSION):
            raise PermissionDenied
        form = operation["form"](request.POST or None)
        if request.method == "POST" and form.is_valid():
            if kind == "correction":
                confirmation = self._short_count_check(request, form)
                if confirmation is not None:
                    return confirmation
        if request.method == "POST" and form.is_valid():
            try:
                movement = operation["run"](form, request.user)
            except services.StockError as error:
                form.add_error(None, str(error))
            else:
                if getattr(form, "taken", ()):
                    messages.warning(request, _short_text(sum(units for _n, units in form.taken), form.taken)
                                     + " " + _("They are flagged for staff on the orders page."))
                if movement is None:
                    messages.info(request, _("The count matches the stock on record; nothing changed."))
                else:
                    messages.success(
                        request,
                        _("%(done)s: %(sku)s at %(location)s, on hand now %(on_hand)d (%(available)d available).")
                        % {
                            "done": operation["done"],
                            "sku": movement.variant.sku,
                            "location": movement.location.name,
                            "on_hand": movement.on_hand_after,
                            "available": movement.on_hand_after - movement.reserved_after,
                        },
                    )
                return redirect("admin:inventory_stock_record", kind=kind)
        context = {
            **self.admin_site.each_context(request),
            "title": operation["form"].title,
            "form": form,
            "opts": self.model._meta,
            "operations": self._operation_links(request),
        }
        return TemplateResponse(request, "admin/inventory/stock/record.html", context)

    def _short_count_check(self, request, form):
        """A count lower than the units reserved: a confirmation page naming the orders that go back on backorder,
        until the clerk confirms that very shortfall (a new reservation meanwhile asks again). None: go ahead."""
        d = form.cleaned_data
        preview = stock_count_preview(variant=d["variant"], location=d["location"], counted=d["counted"])
        if not preview.short:
            return None
        if not preview.covered:
            form.add_error(None, _("%(reserved)d units are reserved here, but waiting orders hold only %(held)d of "
                                   "them; the count cannot be recorded. Tell a manager.")
                           % {"reserved": preview.reserved, "held": sum(u for _n, u in preview.taken)})
            return None
        if request.POST.get("confirm_short") == str(preview.short):
            form.short_confirmed = True
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Confirm a count lower than the units reserved"),
            "opts": self.model._meta,
            "form": form,
            "preview": preview,
            "summary": _short_text(preview.short, preview.taken),
            "sku": d["variant"].sku,
            "location": d["location"],
        }
        return TemplateResponse(request, "admin/inventory/stock/count_confirm.html", context)


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    """The ledger: read-only, append-only."""

    list_display = ["created_at", "kind", "sku", "location", "on_hand_delta", "reserved_delta", "on_hand_after",
                    "reserved_after", "created_by", "reference", "reason"]
    list_filter = ["kind", "location", "created_at"]
    search_fields = ["variant__sku", "variant__product__name", "reference", "reason"]
    list_select_related = ["variant", "location", "created_by"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("SKU"), ordering="variant__sku")
    def sku(self, obj):
        return obj.variant.sku


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Keys for point-of-sale systems and the REST API (api/). The key is shown once, when the token is added."""

    list_display = ["name", "user", "prefix", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    autocomplete_fields = ["user"]

    def save_model(self, request, obj, form, change):
        key = None if change else obj.set_new_key()
        super().save_model(request, obj, form, change)
        if key:
            messages.warning(
                request,
                _("Copy this key into the point-of-sale system now; it will not be shown again: %(key)s")
                % {"key": key},
            )
