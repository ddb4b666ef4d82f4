from django.db import models
from django.utils.translation import gettext_lazy as _

# Upper edges of the latency histogram, in milliseconds; a last bucket holds everything slower. Percentiles are
# estimated from these buckets (selectors.latency_percentile), so they are only as fine as the edges around them.
LATENCY_EDGES_MS = (5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000)
HISTOGRAM_FIELDS = tuple(f"le_{edge}" for edge in LATENCY_EDGES_MS) + ("le_inf",)
# What a bucket adds up, in this order: the recorder keeps one list of these per (minute, page) in memory, and the
# flush adds it to the row (services.request_minutes_add).
COUNTER_FIELDS = ("requests", "server_errors", "client_errors", "duration_us", *HISTOGRAM_FIELDS)


class RequestMinute(models.Model):
    """The requests one page (URL name) answered during one minute, added up by every web process; after two days,
    during one hour (the nightly job rolls the minutes up, services.request_minutes_roll_up).

    One row per minute and page whatever the traffic: each process counts in memory and adds its counts to the
    row every few seconds (monitoring.recorder). Histogram buckets are not cumulative: le_100 counts requests that
    took more than 50 ms and at most 100 ms."""

    minute = models.DateTimeField(_("minute"), help_text=_("The start of the minute (of the hour, once rolled up)."))
    view_name = models.CharField(_("page"), max_length=200,
                                 help_text=_("The URL name, or static, unresolved (no URL matched)."))
    requests = models.PositiveIntegerField(_("requests"), default=0)
    server_errors = models.PositiveIntegerField(_("server errors (5xx)"), default=0)
    client_errors = models.PositiveIntegerField(_("client errors (4xx)"), default=0)
    duration_us = models.PositiveBigIntegerField(_("total time (µs)"), default=0)
    le_5 = models.PositiveIntegerField(default=0)
    le_10 = models.PositiveIntegerField(default=0)
    le_25 = models.PositiveIntegerField(default=0)
    le_50 = models.PositiveIntegerField(default=0)
    le_100 = models.PositiveIntegerField(default=0)
    le_250 = models.PositiveIntegerField(default=0)
    le_500 = models.PositiveIntegerField(default=0)
    le_1000 = models.PositiveIntegerField(default=0)
    le_2500 = models.PositiveIntegerField(default=0)
    le_5000 = models.PositiveIntegerField(default=0)
    le_inf = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("requests in a minute")
        verbose_name_plural = _("requests per minute")
        constraints = [
            # The key the flush's upsert adds to; its index also serves every read, which ranges over minutes.
            models.UniqueConstraint(fields=["minute", "view_name"], name="requestminute_minute_view"),
        ]

    def __str__(self) -> str:
        return f"{self.view_name} {self.minute:%Y-%m-%d %H:%M}"
