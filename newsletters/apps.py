from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    """Newsletters to consenting segments, and the public sign-up with double opt-in."""

    name = "newsletters"
    verbose_name = _("Newsletters")

    def ready(self):
        from . import tasks  # noqa: F401 — registers the Celery tasks its services enqueue by name
