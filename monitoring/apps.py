from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """The site itself: request rate, latency and errors per page (aggregated per minute, never a row per request),
    the health of the task queue, and the Prometheus /metrics endpoint."""

    name = "monitoring"
    verbose_name = _("Site monitoring")
