from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Orders: their lines, taxes, stock allocations, the status transition map and the timeline. Orders reserve
    stock only through inventory.services.stock_reserve. The cart and checkout are the checkout app's."""

    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from inventory.services import short_count

        from .services.shortcount import short_count_plan, short_count_release

        # A stock count lower than the units reserved: the newest orders holding them go back on backorder.
        short_count.set(plan=short_count_plan, release=short_count_release)
