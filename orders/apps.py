from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Cart, checkout and orders (issue 3). Orders reserve stock only through inventory.services.stock_reserve."""

    name = "orders"
    verbose_name = _("Orders")
