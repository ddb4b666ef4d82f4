from django.contrib import admin

from .models import TaxRate


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ["province", "name", "rate", "on_shipping"]
    list_filter = ["province", "name"]
    list_editable = ["rate", "on_shipping"]


# Delivery methods are edited with their rates (shipping.admin_rates); orders (with their payments and refunds) on
# the staff's order page (checkout.admin). Both keep their addresses under /admin/orders/.
