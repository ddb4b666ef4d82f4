"""Carriers, zones, rate tables, the team's capacity and holidays: all the figures behind prices and promised
dates are edited here, and delivery methods with their rates (their page stays under Orders › Delivery methods)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.admin_base import ChangeHookMixin
from orders.models import DeliveryMethod

from .models import Carrier, FulfilmentCapacity, Holiday, Rate, Zone
from .services.table import shipping_changed


class ShippingChangeMixin(ChangeHookMixin):
    """Any edit of the shipping set-up made here reaches every worker (prices, promised dates, the product pages
    showing them) once committed: see shipping.services.table."""

    changed = staticmethod(shipping_changed)


@admin.register(Carrier)
class CarrierAdmin(ShippingChangeMixin, TranslationAdmin):
    """The name in English and French (shipping.translation): shoppers read it in their language."""

    list_display = ["name", "code", "tracking_url", "tracking_pattern", "is_active", "position"]
    list_editable = ["is_active", "position"]
    prepopulated_fields = {"code": ["name_en"]}


@admin.register(Zone)
class ZoneAdmin(ShippingChangeMixin, admin.ModelAdmin):
    list_display = ["name", "provinces", "postal_prefixes"]
    search_fields = ["name", "provinces", "postal_prefixes"]


class RateInline(admin.TabularInline):
    """On each delivery method: its price per zone and weight step, and transit days."""

    model = Rate
    extra = 1
    fields = ["zone", "max_weight_kg", "price", "transit_days"]
    autocomplete_fields = ["zone"]


@admin.register(DeliveryMethod)
class DeliveryMethodAdmin(ShippingChangeMixin, admin.ModelAdmin):
    list_display = ["name", "carrier", "level", "kind", "price", "handling_fee", "days_min", "days_max", "is_active",
                    "position"]
    list_filter = ["kind", "carrier", "level", "is_active"]
    list_editable = ["handling_fee", "is_active", "position"]
    inlines = [RateInline]


@admin.register(FulfilmentCapacity)
class FulfilmentCapacityAdmin(ShippingChangeMixin, admin.ModelAdmin):
    list_display = ["__str__", "staff_hours_per_day", "minutes_per_order", "orders_per_day", "working_days",
                    "cutoff"]

    @admin.display(description=_("orders packed per day"))
    def orders_per_day(self, obj):
        return obj.orders_per_day

    def has_add_permission(self, request):
        return False  # one row, opened straight from the list (below)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        capacity, _created = FulfilmentCapacity.objects.get_or_create(pk=1)
        return redirect("admin:shipping_fulfilmentcapacity_change", capacity.pk)


@admin.register(Holiday)
class HolidayAdmin(ShippingChangeMixin, admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
