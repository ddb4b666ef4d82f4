from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Orders: their lines, taxes, stock allocations, the status transition map and the timeline. Orders reserve
    stock only through inventory.services.stock_reserve. The cart and checkout are the checkout app's."""

    name = "orders"
    verbose_name = _("Orders")
