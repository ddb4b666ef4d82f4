from django.contrib import admin

from core.admin_base import ChangeHookMixin

from .models import TaxRate
from .services.pricing import tax_rates_changed


@admin.register(TaxRate)
class TaxRateAdmin(ChangeHookMixin, admin.ModelAdmin):
    """An edit reaches every worker's quotes once committed (orders.services.pricing.tax_rates)."""

    list_display = ["province", "name", "rate", "on_shipping"]
    list_filter = ["province", "name"]
    list_editable = ["rate", "on_shipping"]
    changed = staticmethod(tax_rates_changed)


# Delivery methods are edited with their rates (shipping.admin_rates); orders (with their payments and refunds) on
# the staff's order page (checkout.admin). Both keep their addresses under /admin/orders/.
