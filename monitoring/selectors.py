"""Reads for the "Site" dashboard and the /metrics endpoint: per-page request figures over a period, a request-rate
series for a chart, and the health of the task queue (outbox emails, periodic jobs, Celery's queue).

Periods are half-open, [start, end), in aware datetimes; a request counts in the minute it was answered in. Rows
older than two days hold whole hours (services.request_minutes_roll_up), dated at the hour's start: give periods
that start and end on the hour (days, hours), as the dashboards do. Sums are done in SQL over the rows, with the
(minute, page) index; percentiles are estimated in Python from the summed histograms.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncDay, TruncHour
from django.utils import timezone
from django.utils.translation import gettext

from jobs.models import JobRun
from jobs.schedule import jobs_scheduled
from outbox.models import OutboxEmail

from .models import COUNTER_FIELDS, HISTOGRAM_FIELDS, LATENCY_EDGES_MS, RequestMinute

_SUMS = {field: Sum(field) for field in COUNTER_FIELDS}


def latency_percentile(histogram: Sequence[int], q: float) -> float | None:
    """The q-quantile (0 < q ≤ 1) of latencies counted in `histogram` (one count per bucket of LATENCY_EDGES_MS,
    then the bucket above the last edge), in milliseconds; None when nothing was counted.

    Estimated as Prometheus's histogram_quantile does: find the bucket holding the request of rank q × count, and
    interpolate linearly between its lower and upper edge (the first bucket starts at 0 ms). A rank in the last,
    open bucket gives the last edge (5,000 ms): "at least that slow"."""
    total = sum(histogram)
    if total == 0:
        return None
    rank = q * total
    below = 0
    for i, count in enumerate(histogram):
        if count and below + count >= rank:
            if i == len(LATENCY_EDGES_MS):
                return float(LATENCY_EDGES_MS[-1])
            lower = 0.0 if i == 0 else float(LATENCY_EDGES_MS[i - 1])
            upper = float(LATENCY_EDGES_MS[i])
            return lower + (upper - lower) * (rank - below) / count
        below += count
    return float(LATENCY_EDGES_MS[-1])  # not reached: the loop ends on the last non-empty bucket


@dataclass(frozen=True)
class RequestFigures:
    """What pages answered over a period; view_name is None for the whole site."""

    view_name: str | None
    requests: int
    server_errors: int  # 5xx
    client_errors: int  # 4xx
    requests_per_minute: float  # over the period's minutes up to now
    error_rate: float  # server errors / requests, 0 to 1 (0 without requests)
    duration_seconds: float  # time spent answering them, added up
    mean_ms: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    histogram: tuple[int, ...]  # requests per latency bucket: LATENCY_EDGES_MS, then slower


def _figures(view_name: str | None, sums: dict, minutes: float) -> RequestFigures:
    requests = sums["requests"] or 0
    histogram = tuple(sums[field] or 0 for field in HISTOGRAM_FIELDS)
    server_errors = sums["server_errors"] or 0
    return RequestFigures(
        view_name=view_name,
        requests=requests,
        server_errors=server_errors,
        client_errors=sums["client_errors"] or 0,
        requests_per_minute=requests / minutes if minutes > 0 else 0.0,
        error_rate=server_errors / requests if requests else 0.0,
        duration_seconds=(sums["duration_us"] or 0) / 1_000_000,
        mean_ms=(sums["duration_us"] or 0) / requests / 1000 if requests else None,
        p50_ms=latency_percentile(histogram, 0.50),
        p95_ms=latency_percentile(histogram, 0.95),
        p99_ms=latency_percentile(histogram, 0.99),
        histogram=histogram,
    )


def _minutes(start: datetime, end: datetime, now: datetime | None = None) -> float:
    """Minutes of [start, end) that have passed: a period running to the end of today counts up to now. In UTC:
    Python subtracts two times of one time zone on the wall clock, which makes a day of the clocks changing 24
    hours long."""
    elapsed = min(end, now or timezone.now()).astimezone(UTC) - start.astimezone(UTC)
    return max(elapsed.total_seconds(), 0.0) / 60


def _in_period(start: datetime, end: datetime):
    return RequestMinute.objects.filter(minute__gte=start, minute__lt=end)


def site_pages(*, start: datetime, end: datetime, limit: int | None = None) -> list[RequestFigures]:
    """Each page that answered requests in [start, end), busiest first (then by name): one query."""
    rows = _in_period(start, end).values("view_name").annotate(**_SUMS).order_by("-requests", "view_name")
    if limit is not None:
        rows = rows[:limit]
    minutes = _minutes(start, end)
    return [_figures(row["view_name"], row, minutes) for row in rows]


def site_summary(*, start: datetime, end: datetime) -> RequestFigures:
    """Every page together over [start, end) (view_name None): one query. Call it again with the previous period for
    a comparison."""
    return _figures(None, _in_period(start, end).aggregate(**_SUMS), _minutes(start, end))


@dataclass(frozen=True)
class SeriesPoint:
    start: datetime  # the hour or the day (in TIME_ZONE), aware
    requests: int
    server_errors: int
    requests_per_minute: float  # over the point's minutes inside the period, up to now
    error_rate: float  # server errors / requests, 0 to 1


def site_series(*, start: datetime, end: datetime, step: Literal["hour", "day"] = "hour",
                view_name: str | None = None) -> list[SeriesPoint]:
    """Requests and server errors per hour or per day (days and hours of TIME_ZONE) over [start, end), every hour or
    day of the period present (zeros where nothing was answered): one query. One page only when view_name is given."""
    trunc = {"hour": TruncHour, "day": TruncDay}[step]
    rows = _in_period(start, end)
    if view_name is not None:
        rows = rows.filter(view_name=view_name)
    rows = (rows.annotate(point=trunc("minute")).values("point")
            .annotate(requests=Sum("requests"), server_errors=Sum("server_errors")).order_by("point"))
    found = {row["point"]: row for row in rows}
    now = timezone.now()
    points = []
    for point, following in _steps(start, end, step):
        row = found.get(point, {})
        requests, server_errors = row.get("requests") or 0, row.get("server_errors") or 0
        minutes = _minutes(max(point, start), min(following, end), now)
        points.append(SeriesPoint(start=point, requests=requests, server_errors=server_errors,
                                  requests_per_minute=requests / minutes if minutes > 0 else 0.0,
                                  error_rate=server_errors / requests if requests else 0.0))
    return points


def _steps(start: datetime, end: datetime, step: str):
    """(start of each hour or day touching [start, end), start of the next one), in TIME_ZONE: a day is a local day,
    23 or 25 hours long when the clocks change."""
    zone = timezone.get_current_timezone()
    local = timezone.localtime(start, zone)
    if step == "day":
        day = local.date()
        while True:
            point = datetime(day.year, day.month, day.day, tzinfo=zone)
            if point >= end:
                return
            day += timedelta(days=1)
            yield point, datetime(day.year, day.month, day.day, tzinfo=zone)
    else:
        # Hours are stepped in UTC (an hour of the clocks going back is two points), shown in TIME_ZONE.
        point = local.replace(minute=0, second=0, microsecond=0)
        while point < end:
            following = (point.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
            yield point, following
            point = following


# --- the task queue -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobHealth:
    name: str
    label: str
    every: str  # the schedule in words
    last_run_at: datetime | None
    last_status: str | None  # a JobRun.Status value; None: never ran (in the runs kept, 30 days)
    last_ok_at: datetime | None
    last_failure_at: datetime | None
    last_error: str  # the error of the last failed run, if any


@dataclass(frozen=True)
class QueueHealth:
    outbox_pending: int  # pending emails and emails being sent
    outbox_failed: int  # gave up after the last attempt: staff must look
    outbox_oldest_pending_at: datetime | None
    jobs: list[JobHealth]  # in the order of settings.SHOP_JOBS
    celery_queue_length: int | None  # None: no broker (tasks run in the web process) or the broker did not answer
    celery_broker_error: str  # why the length is unknown although a broker is configured


def queue_health() -> QueueHealth:
    """Outbox emails waiting or failed, each periodic job's last run and last failure, and how many tasks wait in
    Celery's queue: three queries whatever the number of jobs and runs, and one Redis call when a broker is set."""
    outbox = {row["status"]: row for row in OutboxEmail.objects.filter(
        status__in=[OutboxEmail.Status.PENDING, OutboxEmail.Status.SENDING, OutboxEmail.Status.FAILED],
    ).values("status").annotate(count=Count("pk"), oldest=Min("created_at")).order_by()}
    unsent = [outbox[status] for status in (OutboxEmail.Status.PENDING, OutboxEmail.Status.SENDING)
              if status in outbox]
    length, error = celery_queue_length()
    return QueueHealth(
        outbox_pending=sum(row["count"] for row in unsent),
        outbox_failed=outbox.get(OutboxEmail.Status.FAILED, {}).get("count", 0),
        outbox_oldest_pending_at=min((row["oldest"] for row in unsent), default=None),
        jobs=jobs_health(),
        celery_queue_length=length,
        celery_broker_error=error,
    )


def jobs_health() -> list[JobHealth]:
    """Each scheduled job's last run, last success and last failure (with its error): two queries, however many
    jobs, instead of jobs.selectors.jobs_overview's one per job."""
    jobs = jobs_scheduled()
    latest: dict[str, dict[str, datetime]] = {}
    for row in (JobRun.objects.filter(job__in=[job.name for job in jobs]).values("job", "status")
                .annotate(last=Max("started_at")).order_by()):
        latest.setdefault(row["job"], {})[row["status"]] = row["last"]
    failures = [(name, runs[JobRun.Status.FAILED]) for name, runs in latest.items() if JobRun.Status.FAILED in runs]
    errors = {}
    if failures:
        matching = Q()
        for name, started_at in failures:
            matching |= Q(job=name, started_at=started_at)
        errors = {(run["job"], run["started_at"]): run["error"]
                  for run in JobRun.objects.filter(matching, status=JobRun.Status.FAILED)
                  .values("job", "started_at", "error")}
    health = []
    for job in jobs:
        runs = latest.get(job.name, {})
        last_status = max(runs, key=runs.get) if runs else None
        failed_at = runs.get(JobRun.Status.FAILED)
        health.append(JobHealth(
            name=job.name, label=job.label, every=job.every,
            last_run_at=runs[last_status] if last_status else None, last_status=last_status,
            last_ok_at=runs.get(JobRun.Status.OK), last_failure_at=failed_at,
            last_error=errors.get((job.name, failed_at), "") if failed_at else "",
        ))
    return health


# kombu's Redis transport keeps a queue's messages of priority 0 under its name and others under name + separator +
# priority (its default priority steps).
_KOMBU_PRIORITY_SEPARATOR = "\x06\x16"
_KOMBU_PRIORITY_STEPS = (0, 3, 6, 9)


def celery_queue_length() -> tuple[int | None, str]:
    """(tasks waiting in Celery's default queue, "") with a Redis broker (CELERY_BROKER_URL); (None, "") without a
    broker, when tasks run in the web process; (None, why) when the broker cannot be read: not Redis, or down. Waits
    at most a second: a dashboard must not hang on a silent broker."""
    url = settings.CELERY_BROKER_URL
    if not url:
        return None, ""
    if urlsplit(url).scheme not in ("redis", "rediss"):
        return None, gettext("only a Redis broker's queue can be measured")
    import redis

    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    keys = [queue if step == 0 else f"{queue}{_KOMBU_PRIORITY_SEPARATOR}{step}" for step in _KOMBU_PRIORITY_STEPS]
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1) as broker:
            pipe = broker.pipeline(transaction=False)
            for key in keys:
                pipe.llen(key)
            return sum(pipe.execute()), ""
    except redis.RedisError as error:
        return None, f"{type(error).__name__}: {error}"


def request_counters(*, since: datetime) -> list[RequestFigures]:
    """Per page, everything counted since `since` (the /metrics counters, which restart every day): one query."""
    rows = RequestMinute.objects.filter(minute__gte=since).values("view_name").annotate(**_SUMS).order_by("view_name")
    return [_figures(row["view_name"], row, 0.0) for row in rows]  # no rate: Prometheus computes its own
