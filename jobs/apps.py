from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """The periodic jobs (settings.SHOP_JOBS): who runs them, the record of every run, and "Run now" for staff."""

    name = "jobs"
    verbose_name = _("Periodic jobs")
