from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """Every email the shop sends: written as a row in the business transaction, sent after commit."""

    name = "outbox"
    verbose_name = _("Outbox")

    def ready(self):
        from . import tasks  # noqa: F401 — registers the Celery tasks its services enqueue by name
