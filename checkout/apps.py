from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckoutConfig(AppConfig):
    """The purchase: the cart, checkout, placing the order, paying by card and the order's page. It calls down into
    orders, inventory, payments, shipping and crm; none of them imports it."""

    name = "checkout"
    verbose_name = _("Checkout")

    def ready(self):
        # Sign-in happens in Django's (later allauth's) views: this is the one place to hear of it.
        from django.contrib.auth.signals import user_logged_in

        from .services.cart import cart_merge_on_login

        user_logged_in.connect(cart_merge_on_login, dispatch_uid="orders.cart_merge_on_login")
