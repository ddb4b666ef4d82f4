from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo shop (`manage.py seed_demo`): calls each app's own demo seeding; no domain app imports it."""

    name = "demo"
    verbose_name = _("Demo shop")
