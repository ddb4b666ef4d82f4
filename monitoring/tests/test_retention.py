"""Request metrics are kept 90 days: a nightly job rolls minutes older than two days up into hours (the pages read
hours at the finest) and deletes what is older than 90 days."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from jobs import services as jobs_services
from jobs.models import JobRun
from monitoring import selectors, services
from monitoring.models import COUNTER_FIELDS, RequestMinute

# The job runs at 3:30 in Edmonton: 10:30 UTC in winter.
NIGHT = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)


def counts(row: RequestMinute) -> dict:
    return {field: getattr(row, field) for field in COUNTER_FIELDS if getattr(row, field)}


@pytest.mark.django_db
def test_the_nightly_job_deletes_rows_older_than_90_days(settings):
    now = timezone.now().replace(second=0, microsecond=0)
    for days in (400, 91, 90.01):
        RequestMinute.objects.create(minute=now - timedelta(days=days), view_name="storefront:home", requests=1)
    kept = {RequestMinute.objects.create(minute=now - timedelta(days=days, minutes=1), view_name="storefront:home",
                                         requests=1) for days in (89.99, 30, 0)}

    run = jobs_services.job_run(job="request-metrics-tidy", trigger=JobRun.Trigger.RUNNER)

    assert (run.status, run.result) == ("ok", "rolled_up: 0, deleted: 3")
    assert set(RequestMinute.objects.all()) == kept
    assert settings.SHOP_JOBS["request-metrics-tidy"]["schedule"].hour == {3}  # once a night, at 3:30


@pytest.mark.django_db
def test_the_retention_follows_the_setting(settings):
    settings.SHOP_MONITORING_KEEP_DAYS = 7
    now = timezone.now()
    RequestMinute.objects.create(minute=now - timedelta(days=8), view_name="a", requests=1)
    recent = RequestMinute.objects.create(minute=now - timedelta(hours=1), view_name="a", requests=1)

    jobs_services.job_run(job="request-metrics-tidy", trigger=JobRun.Trigger.RUNNER)

    assert list(RequestMinute.objects.all()) == [recent]


@pytest.mark.django_db
def test_minutes_older_than_two_days_become_one_row_per_hour_and_page_with_the_same_figures():
    hour = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # ended more than two days before NIGHT
    RequestMinute.objects.create(minute=hour, view_name="home", requests=3, duration_us=30_000, le_10=3)
    RequestMinute.objects.create(minute=hour + timedelta(minutes=7), view_name="home", requests=2, server_errors=1,
                                 duration_us=900_000, le_250=1, le_inf=1)
    RequestMinute.objects.create(minute=hour + timedelta(minutes=59), view_name="home", requests=1, client_errors=1,
                                 duration_us=4_000, le_5=1)
    RequestMinute.objects.create(minute=hour + timedelta(minutes=30), view_name="cart", requests=4, le_5=4)
    # 10:00 to 11:00 UTC ended less than two days before NIGHT: its minutes stay.
    recent = {RequestMinute.objects.create(minute=hour + timedelta(minutes=minutes), view_name="home", requests=1,
                                           le_5=1) for minutes in (60, 61, 91)}
    period = {"start": hour, "end": NIGHT}
    before = selectors.site_pages(**period), selectors.site_series(**period, step="hour")

    result = services.request_minutes_tidy(now=NIGHT)

    assert result == {"rolled_up": 2, "deleted": 0}
    old = RequestMinute.objects.filter(minute__lt=hour + timedelta(hours=1))
    assert {(row.minute, row.view_name): counts(row) for row in old} == {
        (hour, "home"): {"requests": 6, "server_errors": 1, "client_errors": 1, "duration_us": 934_000, "le_5": 1,
                         "le_10": 3, "le_250": 1, "le_inf": 1},
        (hour, "cart"): {"requests": 4, "le_5": 4},
    }
    assert set(RequestMinute.objects.filter(minute__gte=hour + timedelta(hours=1))) == recent
    # Every figure the pages show is unchanged.
    assert (selectors.site_pages(**period), selectors.site_series(**period, step="hour")) == before
    assert services.request_minutes_tidy(now=NIGHT) == {"rolled_up": 0, "deleted": 0}  # a second run: nothing
