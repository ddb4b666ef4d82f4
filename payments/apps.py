from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from orders.services.status import order_closed

        from . import tasks  # noqa: F401 — registers the Celery tasks its services enqueue by name
        from .services.invoices import invoice_order_closed

        # A cancelled or expired order owes nothing: its invoice is voided in the order's transaction.
        order_closed.add(invoice_order_closed)
