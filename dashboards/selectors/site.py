"""The site itself (D5): how many requests the shop answered, how fast and how many failed, page by page, and the
health of the task queue.

Read from monitoring.selectors, which sums the middleware's per-minute buckets in SQL (one query per figure set):
- The period is the page's run of Edmonton days, [first midnight, midnight after the last day): hour-aligned, as the
  rolled-up rows (whole hours after two days) need. A period running to the end of today counts its rate up to now.
- **Requests per minute**: requests over the minutes of the period that have passed.
- **Latency percentiles** are estimated from the latency histogram (linear within a bucket, as Prometheus does): as
  fine as the bucket edges (5, 10, 25, 50, 100, 250, 500 ms…), shown to a tenth of a millisecond.
- **Error rate**: server errors (5xx) over requests. Client errors (4xx: a page not found, a form refused) are
  counted apart: they are the visitor's, not the site's failures.
- Over time: hours for a period of up to two days, otherwise the page's steps (days, or weeks and months for a long
  period, added up from days).
- The task queue is a picture of now, not of the period.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from monitoring.selectors import QueueHealth, RequestFigures, queue_health, site_pages, site_series, site_summary

from .. import charts
from .. import tables as t
from ..periods import DAY, Period, day_start, shop_tz
from .common import Figure, Report, Section, bucket_label, percent

PAGES_SHOWN = 50  # busiest pages on the page; the CSV has them all
HOURS_UP_TO_DAYS = 2  # a period this short is drawn by hour
TENTH = Decimal("0.1")
HUNDREDTH = Decimal("0.01")


@dataclass
class SiteReport(Report):
    """A report with the task queue's health, shown after the period's sections (it is a picture of now)."""

    queue: QueueHealth | None = None
    jobs: Section | None = None

    def table(self, slug: str) -> t.Table | None:
        if self.jobs is not None and self.jobs.table.slug == slug:
            return self.jobs.table
        return super().table(slug)


def _ms(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(TENTH, ROUND_HALF_UP)


def _rate(value: float) -> Decimal:
    return Decimal(str(value)).quantize(HUNDREDTH, ROUND_HALF_UP)


def _error_rate(figures: RequestFigures) -> Decimal | None:
    return percent(figures.server_errors, figures.requests)


def _minutes(start: datetime.datetime, end: datetime.datetime, now: datetime.datetime) -> float:
    """Minutes of [start, end) already passed (in UTC: a day of the clocks changing is 23 or 25 hours)."""
    elapsed = min(end, now).astimezone(datetime.UTC) - start.astimezone(datetime.UTC)
    return max(elapsed.total_seconds(), 0.0) / 60


def _headline(period: Period) -> list[Figure]:
    previous = period.previous
    now = site_summary(start=period.since, end=period.until)
    before = site_summary(start=previous.since, end=previous.until)
    return [
        Figure(_("Requests"), now.requests, t.INT, before.requests),
        Figure(_("Requests per minute"), _rate(now.requests_per_minute), t.DECIMAL, _rate(before.requests_per_minute)),
        Figure(_("Median response time (p50, ms)"), _ms(now.p50_ms), t.DECIMAL, _ms(before.p50_ms)),
        Figure(_("95th percentile (p95, ms)"), _ms(now.p95_ms), t.DECIMAL, _ms(before.p95_ms)),
        Figure(_("99th percentile (p99, ms)"), _ms(now.p99_ms), t.DECIMAL, _ms(before.p99_ms)),
        Figure(_("Server errors (5xx)"), now.server_errors, t.INT, before.server_errors),
        Figure(_("Error rate (5xx)"), _error_rate(now), t.PERCENT, _error_rate(before)),
    ]


def _over_time(period: Period) -> tuple[Section, Section]:
    """Requests per minute and the error rate by hour (short periods) or by the page's steps: two charts over the
    same points, each with its table."""
    by_hour = period.days <= HOURS_UP_TO_DAYS
    points = site_series(start=period.since, end=period.until, step="hour" if by_hour else "day")
    now = timezone.now()
    tz = shop_tz()
    rows = []  # (label, start, requests, server errors, minutes)
    if by_hour:
        for i, point in enumerate(points):
            following = points[i + 1].start if i + 1 < len(points) else period.until
            local = timezone.localtime(point.start, tz)
            label = formats.time_format(local, "H:i")
            if period.days > 1:
                label = f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {label}"
            rows.append((label, local, point.requests, point.server_errors, _minutes(point.start, following, now)))
    else:
        grouped: dict[datetime.date, list] = {}
        for point in points:
            day = timezone.localtime(point.start, tz).date()
            bucket = grouped.setdefault(period.bucket_of(day), [0, 0])
            bucket[0] += point.requests
            bucket[1] += point.server_errors
        for index, day in enumerate(period.buckets):
            requests, errors = grouped.get(day, [0, 0])
            start = max(day_start(day), period.since)
            end = (day_start(period.buckets[index + 1]) if index + 1 < len(period.buckets) else period.until)
            rows.append((bucket_label(day, period.granularity), day, requests, errors, _minutes(start, end, now)))
    rates = [_rate(requests / minutes if minutes > 0 else 0) for _l, _s, requests, _e, minutes in rows]
    errors = [percent(errors, requests) or Decimal("0.0") for _l, _s, requests, errors, _m in rows]
    labels = [row[0] for row in rows]
    if by_hour:
        unit = t.Column(_("Hour starting"), t.DATETIME)
    else:
        unit = t.Column({DAY: _("Day"), "week": _("Week starting"), "month": _("Month")}[period.granularity], t.DATE)
    span = {"start": period.start.isoformat(), "end": period.end.isoformat(), "count": len(rows)}

    traffic = t.Table(slug="traffic", caption=_("Requests over time"),
                      columns=[unit, t.Column(_("Requests"), t.INT), t.Column(_("Requests per minute"), t.DECIMAL)],
                      rows=[(row[1], row[2], rate) for row, rate in zip(rows, rates, strict=True)])
    busiest = max(range(len(rates)), key=lambda i: rates[i]) if rates else None
    description = _("Requests per minute from %(start)s to %(end)s, %(count)d bars.") % span
    if busiest is not None and rates[busiest]:
        description += " " + _("Busiest: %(rate)s per minute (%(when)s).") % {
            "rate": formats.number_format(rates[busiest], use_l10n=True), "when": labels[busiest]}
    rate_chart = charts.bar_chart(chart_id="chart-traffic", title=_("Requests per minute"), description=description,
                                  categories=labels, series=[charts.Series(_("Requests per minute"), rates)],
                                  formatter=lambda value: formats.number_format(value, use_l10n=True))

    failures = t.Table(slug="errors", caption=_("Server errors over time"),
                       columns=[unit, t.Column(_("Requests"), t.INT), t.Column(_("Server errors (5xx)"), t.INT),
                                t.Column(_("Error rate (%)"), t.PERCENT)],
                       rows=[(row[1], row[2], row[3], rate) for row, rate in zip(rows, errors, strict=True)])
    worst = max(range(len(errors)), key=lambda i: errors[i]) if errors else None
    description = _("Share of requests answered with a server error from %(start)s to %(end)s, %(count)d bars.") % span
    if worst is not None and errors[worst]:
        description += " " + _("Highest: %(rate)s %% (%(when)s).") % {
            "rate": formats.number_format(errors[worst], use_l10n=True), "when": labels[worst]}
    error_chart = charts.bar_chart(chart_id="chart-errors", title=_("Error rate (5xx)"), description=description,
                                   categories=labels, series=[charts.Series(_("Error rate"), errors)],
                                   formatter=lambda value: f"{formats.number_format(value, use_l10n=True)} %")
    return (Section(slug="traffic", title=_("Request rate over time"), table=traffic, chart=rate_chart),
            Section(slug="errors", title=_("Error rate over time"), table=failures, chart=error_chart))


def _pages(period: Period, limit: int | None) -> Section:
    found = site_pages(start=period.since, end=period.until, limit=None if limit is None else limit + 1)
    shown = found if limit is None else found[:limit]
    rows = [(page.view_name, page.requests, _rate(page.requests_per_minute), page.server_errors, page.client_errors,
             _error_rate(page), _ms(page.p50_ms), _ms(page.p95_ms), _ms(page.p99_ms)) for page in shown]
    note = _("Pages by URL name; “unresolved”: no URL matched (most are 404s), “static”: static files.")
    if limit is not None and len(found) > limit:
        note += " " + _("Only the %(count)d busiest pages are shown: the CSV has every page.") % {"count": limit}
    table = t.Table(slug="pages", caption=_("Requests, errors and response times per page, busiest first"),
                    columns=[t.Column(_("Page")), t.Column(_("Requests"), t.INT),
                             t.Column(_("Requests per minute"), t.DECIMAL), t.Column(_("Server errors (5xx)"), t.INT),
                             t.Column(_("Client errors (4xx)"), t.INT), t.Column(_("Error rate (%)"), t.PERCENT),
                             t.Column(_("p50 (ms)"), t.DECIMAL), t.Column(_("p95 (ms)"), t.DECIMAL),
                             t.Column(_("p99 (ms)"), t.DECIMAL)],
                    rows=rows, note=note)
    return Section(slug="pages", title=_("Pages"), table=table)


def _jobs(queue: QueueHealth) -> Section:
    statuses = {"ok": _("OK"), "failed": _("Failed"), "running": _("Running")}
    rows = [(job.label, job.every, job.last_run_at, statuses.get(job.last_status, _("Never ran")) if job.last_status
             else _("Never ran"), job.last_ok_at, job.last_failure_at, job.last_error) for job in queue.jobs]
    table = t.Table(slug="jobs", caption=_("Periodic jobs: last run, last success, last failure"),
                    columns=[t.Column(_("Job")), t.Column(_("Runs")), t.Column(_("Last run"), t.DATETIME),
                             t.Column(_("Last result")), t.Column(_("Last success"), t.DATETIME),
                             t.Column(_("Last failure"), t.DATETIME), t.Column(_("Error of the last failure"))],
                    rows=rows, note=_("Runs are kept 30 days: “Never ran” means not in that time."))
    return Section(slug="jobs", title=_("Periodic jobs"), table=table)


def site_report(*, period: Period, every_page: bool = False) -> SiteReport:
    """The Site page: the PAGES_SHOWN busiest pages, or every page (for the pages CSV)."""
    queue = queue_health()
    traffic, failures = _over_time(period)
    return SiteReport(period=period, figures=_headline(period),
                      sections=[traffic, failures, _pages(period, None if every_page else PAGES_SHOWN)],
                      queue=queue, jobs=_jobs(queue))
