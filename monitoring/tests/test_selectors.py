"""The Site dashboard's figures, on per-minute rows written by hand: requests, rate, error rate, percentiles, the
hourly and daily series."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitoring import selectors
from monitoring.models import HISTOGRAM_FIELDS, RequestMinute
from monitoring.selectors import latency_percentile

EDMONTON = ZoneInfo("America/Edmonton")
# Monday 23 November 2026 in Edmonton (UTC-7): the day of the fixed data set, long past.
DAY = datetime(2026, 11, 23, tzinfo=EDMONTON)


def minute_row(view_name: str, minute: datetime, *, requests: int, server_errors: int = 0, client_errors: int = 0,
               duration_ms: int = 0, **buckets: int) -> RequestMinute:
    assert sum(buckets.values()) == requests
    return RequestMinute.objects.create(view_name=view_name, minute=minute, requests=requests,
                                        server_errors=server_errors, client_errors=client_errors,
                                        duration_us=duration_ms * 1000, **buckets)


def histogram(**buckets: int) -> tuple[int, ...]:
    return tuple(buckets.get(field, 0) for field in HISTOGRAM_FIELDS)


def test_a_percentile_is_interpolated_inside_the_bucket_that_holds_its_rank():
    # 100 requests: 50 in (0, 5] ms, 40 in (5, 10], 9 in (10, 25], 1 slower than 5 s.
    counts = histogram(le_5=50, le_10=40, le_25=9, le_inf=1)

    assert latency_percentile(counts, 0.50) == 5.0  # rank 50: the last request of the first bucket
    assert latency_percentile(counts, 0.80) == 5 + 5 * 30 / 40  # rank 80: 30th of the 40 in (5, 10]
    assert latency_percentile(counts, 0.95) == 10 + 15 * 5 / 9  # rank 95: 5th of the 9 in (10, 25]
    assert latency_percentile(counts, 0.99) == 25.0
    assert latency_percentile(counts, 1.0) == 5000.0  # in the open bucket: "at least the last edge"
    assert latency_percentile(histogram(), 0.5) is None
    assert latency_percentile(histogram(le_250=4), 0.5) == 100 + 150 * 2 / 4  # empty buckets below are skipped


@pytest.mark.django_db
def test_pages_over_a_day_busiest_first_with_rate_error_rate_and_percentiles(django_assert_num_queries):
    nine = DAY.replace(hour=9)
    minute_row("catalog:product_detail", nine, requests=30, duration_ms=600, le_10=10, le_25=20)
    minute_row("catalog:product_detail", nine + timedelta(minutes=1), requests=10, server_errors=2, duration_ms=900,
               le_25=5, le_100=3, le_inf=2)
    minute_row("storefront:home", nine, requests=20, client_errors=1, duration_ms=100, le_5=20)
    minute_row("storefront:home", DAY - timedelta(minutes=1), requests=7, le_5=7)  # the day before
    minute_row("storefront:home", DAY + timedelta(days=1), requests=9, le_5=9)  # the day after

    with django_assert_num_queries(1):
        pages = selectors.site_pages(start=DAY, end=DAY + timedelta(days=1))

    product, home = pages
    assert (product.view_name, product.requests, product.server_errors, product.client_errors) == (
        "catalog:product_detail", 40, 2, 0)
    assert product.requests_per_minute == 40 / 1440
    assert product.error_rate == 0.05
    assert product.mean_ms == 1500 / 40
    assert product.histogram == histogram(le_10=10, le_25=25, le_100=3, le_inf=2)
    # Ranks 20, 38 and 39.6 of 40: in (10, 25] (10 before it, 25 in it), (25, 100] (35 before, 3 in it), and the
    # open bucket.
    assert (product.p50_ms, product.p95_ms, product.p99_ms) == (10 + 15 * 10 / 25, 25 + 75 * 3 / 3, 5000.0)
    assert (home.view_name, home.requests, home.server_errors, home.client_errors, home.error_rate) == (
        "storefront:home", 20, 0, 1, 0.0)
    assert (home.p50_ms, home.p95_ms, home.p99_ms) == (2.5, 4.75, 4.95)

    assert [page.view_name for page in selectors.site_pages(start=DAY, end=DAY + timedelta(days=1), limit=1)] == [
        "catalog:product_detail"]
    summary = selectors.site_summary(start=DAY, end=DAY + timedelta(days=1))
    assert (summary.view_name, summary.requests, summary.server_errors, summary.client_errors) == (None, 60, 2, 1)
    assert summary.error_rate == 2 / 60
    assert summary.mean_ms == 1600 / 60
    previous = selectors.site_summary(start=DAY - timedelta(days=1), end=DAY)
    assert (previous.requests, previous.p50_ms) == (7, 2.5)
    assert selectors.site_summary(start=DAY + timedelta(days=2), end=DAY + timedelta(days=3)).requests == 0


@pytest.mark.django_db
def test_a_period_that_runs_past_now_counts_its_rate_over_the_minutes_gone_by():
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    minute_row("storefront:home", now - timedelta(minutes=10), requests=30, le_5=30)

    home, = selectors.site_pages(start=now - timedelta(minutes=30), end=now + timedelta(days=1))

    assert 30 / 31 < home.requests_per_minute <= 30 / 30  # 30 minutes and the seconds of the test


@pytest.mark.django_db
def test_the_hourly_series_has_every_hour_of_edmonton_with_zeros_where_nothing_was_answered(
    django_assert_num_queries
):
    minute_row("storefront:home", DAY.replace(hour=9, minute=5), requests=50, server_errors=5, le_5=50)
    minute_row("catalog:product_detail", DAY.replace(hour=9, minute=59), requests=10, le_5=10)
    minute_row("storefront:home", DAY.replace(hour=11, minute=0), requests=6, le_5=6)

    with django_assert_num_queries(1):
        series = selectors.site_series(start=DAY.replace(hour=9), end=DAY.replace(hour=12), step="hour")

    assert [(point.start, point.requests, point.server_errors) for point in series] == [
        (DAY.replace(hour=9), 60, 5), (DAY.replace(hour=10), 0, 0), (DAY.replace(hour=11), 6, 0)]
    assert [(point.requests_per_minute, point.error_rate) for point in series] == [
        (1.0, 5 / 60), (0.0, 0.0), (0.1, 0.0)]
    home = selectors.site_series(start=DAY.replace(hour=9), end=DAY.replace(hour=12), view_name="storefront:home")
    assert [point.requests for point in home] == [50, 0, 6]


@pytest.mark.django_db
def test_the_daily_series_cuts_days_at_midnight_in_edmonton():
    minute_row("storefront:home", DAY.replace(hour=23, minute=59), requests=4, le_5=4)  # 06:59 UTC the next day
    minute_row("storefront:home", DAY + timedelta(days=1), requests=2, le_5=2)

    series = selectors.site_series(start=DAY, end=DAY + timedelta(days=3), step="day")

    assert [(point.start, point.requests) for point in series] == [
        (DAY, 4), (DAY + timedelta(days=1), 2), (DAY + timedelta(days=2), 0)]
    assert series[0].requests_per_minute == 4 / 1440


@pytest.mark.django_db
def test_the_day_the_clocks_go_back_is_25_hours_long():
    fall_back = datetime(2026, 11, 1, tzinfo=EDMONTON)
    minute_row("storefront:home", fall_back.replace(hour=23), requests=25 * 60, le_5=25 * 60)

    day, = selectors.site_series(start=fall_back, end=datetime(2026, 11, 2, tzinfo=EDMONTON), step="day")

    assert (day.start, day.requests, day.requests_per_minute) == (fall_back, 1500, 1.0)
