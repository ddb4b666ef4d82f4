"""Task-queue health: outbox emails waiting and failed, each periodic job's last run and failure, Celery's queue."""

import os
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from jobs.models import JobRun
from monitoring import selectors
from outbox.tests.factories import OutboxEmailFactory

# A Redis database of its own (the outbox's worker tests use 14).
TEST_BROKER_URL = os.environ.get("MONITORING_TEST_BROKER_URL", "redis://127.0.0.1:6379/13")


def ago(**delta):
    return timezone.now() - timedelta(**delta)


@pytest.fixture
def broker(settings):
    settings.CELERY_BROKER_URL = TEST_BROKER_URL
    with redis.Redis.from_url(TEST_BROKER_URL) as connection:
        connection.flushdb()
        yield connection
        connection.flushdb()


@pytest.mark.django_db
def test_pending_and_failed_outbox_emails_and_the_oldest_waiting(django_assert_num_queries):
    oldest = OutboxEmailFactory(created_at=ago(minutes=30))
    OutboxEmailFactory(created_at=ago(minutes=2))
    OutboxEmailFactory(status="sending", created_at=ago(minutes=5), claimed_until=ago(minutes=-1))
    OutboxEmailFactory(status="failed", attempts=5, created_at=ago(days=3))
    OutboxEmailFactory(status="sent", sent_at=ago(minutes=1), created_at=ago(hours=1))

    with django_assert_num_queries(2):  # the outbox, the jobs' runs (a third reads the errors when a job failed)
        health = selectors.queue_health()

    assert (health.outbox_pending, health.outbox_failed, health.outbox_oldest_pending_at) == (
        3, 1, oldest.created_at)
    assert (health.celery_queue_length, health.celery_broker_error) == (None, "")  # tests run tasks in process


@pytest.mark.django_db
def test_each_job_shows_its_last_run_last_success_and_last_failure_with_its_error():
    def run(job, status, started_at, error=""):
        return JobRun.objects.create(job=job, trigger="runner", status=status, started_at=started_at,
                                     finished_at=started_at, error=error)

    run("outbox-sweep", "failed", ago(minutes=30), "SMTPServerDisconnected: down")
    run("outbox-sweep", "failed", ago(minutes=3), "SMTPServerDisconnected: still down")
    sweep_ok = run("outbox-sweep", "ok", ago(minutes=2))
    old_failure = run("payments-expire", "failed", ago(hours=2), "OperationalError: locked")
    expire_ok = run("payments-expire", "ok", ago(hours=1))
    scores_failed = run("customer-scores", "failed", ago(hours=5), "ValueError: bad tier")

    jobs = {job.name: job for job in selectors.queue_health().jobs}

    assert list(jobs) == list(settings.SHOP_JOBS)  # every scheduled job, in the schedule's order
    sweep = jobs["outbox-sweep"]
    assert (sweep.label, sweep.every, sweep.last_run_at, sweep.last_status, sweep.last_ok_at) == (
        "Send pending emails (outbox sweep)", "every minute", sweep_ok.started_at, "ok", sweep_ok.started_at)
    assert (sweep.last_failure_at is not None, sweep.last_error) == (True, "SMTPServerDisconnected: still down")
    expire = jobs["payments-expire"]
    assert (expire.last_status, expire.last_ok_at, expire.last_failure_at, expire.last_error) == (
        "ok", expire_ok.started_at, old_failure.started_at, "OperationalError: locked")
    scores = jobs["customer-scores"]
    assert (scores.last_run_at, scores.last_status, scores.last_ok_at, scores.last_error) == (
        scores_failed.started_at, "failed", None, "ValueError: bad tier")
    refunds = jobs["refunds-send"]
    assert (refunds.last_run_at, refunds.last_status, refunds.last_ok_at, refunds.last_failure_at,
            refunds.last_error) == (None, None, None, None, "")


@pytest.mark.django_db
def test_celery_queue_length_is_read_from_a_redis_broker_every_priority_included(broker):
    broker.rpush("celery", "task-1", "task-2")
    broker.rpush("celery\x06\x166", "task-3")  # kombu's key for priority 6
    broker.rpush("other-queue", "not ours")

    health = selectors.queue_health()

    assert (health.celery_queue_length, health.celery_broker_error) == (3, "")


def test_an_empty_queue_is_zero_and_a_broker_down_or_not_redis_is_unknown_with_the_reason(broker, settings):
    assert selectors.celery_queue_length() == (0, "")

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    length, error = selectors.celery_queue_length()
    assert length is None and error.startswith("ConnectionError: ")

    settings.CELERY_BROKER_URL = "amqp://guest@127.0.0.1:5672//"
    assert selectors.celery_queue_length() == (None, "only a Redis broker's queue can be measured")
