"""What /metrics exposes, through prometheus_client (the Prometheus project's own Python client).

- This process's CPU, memory, open files and garbage collection (prometheus_client's standard collectors). With
  several gunicorn workers a scrape reaches one of them: these describe that worker.
- Requests per page, from the database rows every worker adds to (monitoring.recorder), so any worker answers with
  the whole site's figures: comptoir_http_requests_total, comptoir_http_server_errors_total,
  comptoir_http_client_errors_total and the histogram comptoir_http_request_duration_seconds, by `view` (the URL
  name). They count from 00:00 UTC today and so restart once a day, which Prometheus's rate() and increase() read as
  a counter reset, as after a restart. Flushed counts lag by up to SHOP_MONITORING_FLUSH_SECONDS.
- The task queue: outbox emails pending and failed, each periodic job's last run, success and failure times, and
  the length of Celery's queue when a Redis broker is configured.
- comptoir_database_up: 0 when the database could not be read (the figures above are then missing).

django-prometheus would add its own request middleware and database wrappers, but its releases so far require
Django < 6.1; the counts here come from our own middleware, which is cheaper than a per-request metric update.
"""

from datetime import UTC, datetime

from django.db import DatabaseError
from prometheus_client import CollectorRegistry, GCCollector, PlatformCollector, ProcessCollector
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from . import selectors
from .models import LATENCY_EDGES_MS


class SiteCollector(Collector):
    """Reads the database at each scrape: four queries (requests per page, outbox, two for the jobs)."""

    def collect(self):
        now = datetime.now(UTC)
        since = now.replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            pages = selectors.request_counters(since=since)
            health = selectors.queue_health()
        except DatabaseError:
            yield _gauge("comptoir_database_up", "1 when the database answered this scrape's queries.", 0)
            return
        yield _gauge("comptoir_database_up", "1 when the database answered this scrape's queries.", 1)
        yield from _request_metrics(pages, created=since.timestamp())
        yield from _queue_metrics(health)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _request_metrics(pages, *, created: float):
    requests = CounterMetricFamily("comptoir_http_requests", "Requests answered, per URL name, since 00:00 UTC.",
                                   labels=["view"])
    server_errors = CounterMetricFamily("comptoir_http_server_errors", "Answers with a 5xx status, since 00:00 UTC.",
                                        labels=["view"])
    client_errors = CounterMetricFamily("comptoir_http_client_errors", "Answers with a 4xx status, since 00:00 UTC.",
                                        labels=["view"])
    durations = HistogramMetricFamily("comptoir_http_request_duration_seconds",
                                      "Time to answer, through every middleware, since 00:00 UTC.", labels=["view"])
    for page in pages:
        labels = [page.view_name]
        requests.add_metric(labels, page.requests, created=created)
        server_errors.add_metric(labels, page.server_errors, created=created)
        client_errors.add_metric(labels, page.client_errors, created=created)
        cumulative, buckets = 0, []
        for edge, count in zip((*LATENCY_EDGES_MS, None), page.histogram, strict=True):
            cumulative += count
            buckets.append(("+Inf" if edge is None else repr(edge / 1000), cumulative))
        durations.add_metric(labels, buckets, sum_value=page.duration_seconds)
    yield from (requests, server_errors, client_errors, durations)


def _queue_metrics(health: selectors.QueueHealth):
    outbox = GaugeMetricFamily("comptoir_outbox_emails", "Outbox emails waiting to be sent, or failed for good.",
                               labels=["status"])
    outbox.add_metric(["pending"], health.outbox_pending)
    outbox.add_metric(["failed"], health.outbox_failed)
    yield outbox
    if health.celery_queue_length is not None:
        yield _gauge("comptoir_celery_queue_length", "Tasks waiting in Celery's default queue.",
                     health.celery_queue_length)
    last_run = GaugeMetricFamily("comptoir_job_last_run_timestamp_seconds", "When the job's last run started.",
                                 labels=["job"])
    last_ok = GaugeMetricFamily("comptoir_job_last_success_timestamp_seconds",
                                "When the job's last successful run started.", labels=["job"])
    last_failure = GaugeMetricFamily("comptoir_job_last_failure_timestamp_seconds",
                                     "When the job's last failed run started.", labels=["job"])
    failing = GaugeMetricFamily("comptoir_job_last_run_failed", "1 when the job's last run failed.", labels=["job"])
    for job in health.jobs:
        if job.last_run_at is not None:
            last_run.add_metric([job.name], job.last_run_at.timestamp())
            failing.add_metric([job.name], 1 if job.last_status == "failed" else 0)
        if job.last_ok_at is not None:
            last_ok.add_metric([job.name], job.last_ok_at.timestamp())
        if job.last_failure_at is not None:
            last_failure.add_metric([job.name], job.last_failure_at.timestamp())
    yield from (last_run, last_ok, last_failure, failing)


def registry_build() -> CollectorRegistry:
    """A registry of our own (not prometheus_client's global one): what /metrics serves, and nothing a library
    registers by importing."""
    registry = CollectorRegistry(auto_describe=False)
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    registry.register(SiteCollector())
    return registry


REGISTRY = registry_build()
