from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShippingConfig(AppConfig):
    name = "shipping"
    verbose_name = _("Shipping")

    def ready(self):
        from inventory.services import restocked

        from .services.backinstock import restock_process

        # Units back on sale (inventory.services.restock_after_commit): serve backorders, then tell the sign-ups.
        restocked.add(restock_process)
