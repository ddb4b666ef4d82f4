from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Cart, checkout and orders (issue 3). Orders reserve stock only through inventory.services.stock_reserve."""

    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # Sign-in happens in Django's (later allauth's) views: this is the one place to hear of it.
        from django.contrib.auth.signals import user_logged_in

        from .services.cart import cart_merge_on_login

        user_logged_in.connect(cart_merge_on_login, dispatch_uid="orders.cart_merge_on_login")
