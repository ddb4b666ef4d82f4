"""The Site page (D5): request rate, response times and errors, page by page, from the monitoring middleware's
counts; and the task queue's health.

The fixed load of `site_load` (the shop's clock at 15 April 2026, noon in Edmonton), recorded as the middleware
does (Recorder.record, at given moments) and flushed:
    14 April 09:00–09:01  catalog:product_detail  8 × 200 in 20 ms (≤ 25 ms), 1 × 500 in 300 ms, 1 × 404 in 3 ms
    14 April 23:30        storefront:home         28 × 200 in 8 ms (≤ 10 ms), 2 × 500 in 60 ms (≤ 100 ms)
                          (05:30 UTC on the 15th: an Edmonton 14 April request)
    13 April 10:00        storefront:home         20 × 200 in 8 ms                        (the previous day)
    15 April 00:30        storefront:home         5 × 200: today, after the period
Period 14 April (one day: by hour), previous 13 April.
  Site: 40 requests, 3 server errors -> 7.5 %; per minute 40 / 1,440 = 0.03.
    Histogram: ≤5 ms 1, ≤10 ms 28, ≤25 ms 8, ≤100 ms 2, ≤500 ms 1.
    p50: rank 20 in the ≤10 ms bucket (1 below, 28 in it): 5 + 5 × 19/28 = 8.39 -> 8.4 ms.
    p95: rank 38 in the ≤100 ms bucket (37 below, 2 in it): 50 + 50 × 1/2 = 75.0 ms.
    p99: rank 39.6 in the ≤500 ms bucket (39 below): 250 + 250 × 0.6 = 400.0 ms.
  Previous day: 20 requests, no error -> 0.0 %; p50 5 + 5 × 10/20 = 7.5 ms.
  storefront:home: 30 requests, 2 errors -> 6.7 %, 30 / 1,440 = 0.02 per minute;
    p50 rank 15 in ≤10 ms: 5 + 5 × 15/28 = 7.68 -> 7.7; p95 rank 28.5 in ≤100 ms (28 below): 50 + 50 × 0.5/2 = 62.5;
    p99 rank 29.7: 50 + 50 × 1.7/2 = 92.5.
  catalog:product_detail: 10 requests, 1 server error and 1 client error -> 10.0 %, 0.01 per minute;
    p50 rank 5 in ≤25 ms (1 below, 8 in it): 10 + 15 × 4/8 = 17.5; p95 rank 9.5 in ≤500 ms: 250 + 250 × 0.5 = 375.0;
    p99 rank 9.9: 475.0.
  By hour: 09:00 10 requests, 1 error (10.0 %); 23:00 30 requests, 2 errors (6.7 %); every other hour 0.
"""

import csv
import io
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from dashboards.periods import CUSTOM, DAY, Period
from dashboards.selectors.site import PAGES_SHOWN, site_report
from jobs.models import JobRun
from monitoring.recorder import recorder as process_recorder
from outbox.tests.factories import OutboxEmailFactory
from staff.roles import STORE_STAFF, WAREHOUSE

from .factories import at, clock

pytestmark = pytest.mark.django_db

NOW = at("2026-04-15 12:00")
DAY_14 = {"range": "custom", "start": "2026-04-14", "end": "2026-04-14"}
PERIOD_14 = Period(start=NOW.date() - timedelta(days=1), end=NOW.date() - timedelta(days=1), preset=CUSTOM,
                   granularity=DAY)


@pytest.fixture
def recorder():
    """The process's recorder, emptied around the test (other tests' requests are counted in it, never flushed)."""
    process_recorder.clear()
    yield process_recorder
    process_recorder.clear()


def record(recorder, view_name: str, when: str, status: int, milliseconds: float, times: int = 1) -> None:
    moment = at(when).timestamp()
    for i in range(times):
        recorder.record(view_name, status, milliseconds / 1000, at=moment + i % 60)


@pytest.fixture
def site_load(recorder):
    record(recorder, "catalog:product_detail", "2026-04-14 09:00", 200, 20, times=8)
    record(recorder, "catalog:product_detail", "2026-04-14 09:01", 500, 300)
    record(recorder, "catalog:product_detail", "2026-04-14 09:01", 404, 3)
    record(recorder, "storefront:home", "2026-04-14 23:30", 200, 8, times=28)
    record(recorder, "storefront:home", "2026-04-14 23:30", 500, 60, times=2)
    record(recorder, "storefront:home", "2026-04-13 10:00", 200, 8, times=20)
    record(recorder, "storefront:home", "2026-04-15 00:30", 200, 8, times=5)
    recorder.flush()
    with clock(NOW):
        yield


def _figures(report) -> dict:
    return {str(f.label): (f.value, f.previous) for f in report.figures}


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_hundred_requests_to_a_page_show_as_a_hundred(client, manager_client, recorder, settings):
    settings.SHOP_MONITORING_FLUSH_SECONDS = 0.000_001  # each request adds its count to the database, as live
    for _ in range(100):
        assert client.get("/contact/").status_code == 200
    settings.SHOP_MONITORING_FLUSH_SECONDS = 0

    response = manager_client.get("/dashboards/site/", {"range": "7d"})
    rows = {row[0]: row for row in _csv(manager_client.get("/dashboards/site/", {"range": "7d", "export": "pages"}))}

    assert response.status_code == 200
    assert '<th scope="row">help:contact</th><td class="dash-num">100</td>' in response.content.decode()
    assert rows["help:contact"][1:2] == ["100"]
    assert rows["help:contact"][3:6] == ["0", "0", "0.0"]


def test_headline_figures_against_the_previous_day(site_load):
    figures = _figures(site_report(period=PERIOD_14))

    assert figures["Requests"] == (40, 20)
    assert figures["Requests per minute"] == (Decimal("0.03"), Decimal("0.01"))
    assert figures["Median response time (p50, ms)"] == (Decimal("8.4"), Decimal("7.5"))
    assert figures["95th percentile (p95, ms)"] == (Decimal("75.0"), Decimal("9.8"))  # 5 + 5 × 19/20
    assert figures["99th percentile (p99, ms)"] == (Decimal("400.0"), Decimal("10.0"))  # 5 + 5 × 19.8/20 = 9.95
    assert figures["Server errors (5xx)"] == (3, 0)
    assert figures["Error rate (5xx)"] == (Decimal("7.5"), Decimal("0.0"))


def test_pages_busiest_first_with_their_error_rate_and_percentiles(site_load):
    table = site_report(period=PERIOD_14).table("pages")

    assert table.rows == [
        ("storefront:home", 30, Decimal("0.02"), 2, 0, Decimal("6.7"), Decimal("7.7"), Decimal("62.5"),
         Decimal("92.5")),
        ("catalog:product_detail", 10, Decimal("0.01"), 1, 1, Decimal("10.0"), Decimal("17.5"), Decimal("375.0"),
         Decimal("475.0")),
    ]


def test_requests_and_errors_by_edmonton_hour(site_load):
    report = site_report(period=PERIOD_14)
    traffic, errors = report.table("traffic"), report.table("errors")

    assert len(traffic.rows) == 24
    assert traffic.rows[0][0] == at("2026-04-14 00:00")
    by_hour = {row[0].hour: row[1:] for row in errors.rows}
    assert by_hour[9] == (10, 1, Decimal("10.0"))
    assert by_hour[23] == (30, 2, Decimal("6.7"))
    assert sum(row[1] for row in traffic.rows) == 40
    assert {hour: row[0] for hour, row in by_hour.items() if row[0]} == {9: 10, 23: 30}
    assert traffic.rows[9][2] == Decimal("0.17")  # 10 requests in 60 minutes


def test_a_longer_period_is_drawn_by_day(site_load):
    week = Period(start=NOW.date() - timedelta(days=6), end=NOW.date(), preset="7d", granularity=DAY)

    rows = site_report(period=week).table("traffic").rows

    assert [(row[0].isoformat(), row[1]) for row in rows[-3:]] == [
        ("2026-04-13", 20), ("2026-04-14", 40), ("2026-04-15", 5)]
    assert rows[-1][2] == Decimal("0.01")  # today so far: 5 requests in the 720 minutes up to noon


def test_the_page_shows_the_figures_and_the_csv_follows_the_range(manager_client, site_load):
    response = manager_client.get("/dashboards/site/", DAY_14)
    pages = _csv(manager_client.get("/dashboards/site/", {**DAY_14, "export": "pages"}))
    traffic = _csv(manager_client.get("/dashboards/site/", {**DAY_14, "export": "traffic"}))

    page = _text(response)
    assert response.status_code == 200
    assert '<th scope="row">storefront:home</th><td class="dash-num">30</td>' in page
    assert "7.5 %" in page and "400.0" in page
    assert 'id="chart-traffic-title">Requests per minute</title>' in page
    assert 'id="chart-errors-title">Error rate (5xx)</title>' in page
    assert pages[0] == ["Page", "Requests", "Requests per minute", "Server errors (5xx)", "Client errors (4xx)",
                        "Error rate (%)", "p50 (ms)", "p95 (ms)", "p99 (ms)"]
    assert pages[1:] == [["storefront:home", "30", "0.02", "2", "0", "6.7", "7.7", "62.5", "92.5"],
                         ["catalog:product_detail", "10", "0.01", "1", "1", "10.0", "17.5", "375.0", "475.0"]]
    assert traffic[10] == ["2026-04-14T09:00:00-06:00", "10", "0.17"]


def test_only_the_busiest_pages_are_listed_and_the_csv_has_them_all(manager_client, recorder):
    for number in range(PAGES_SHOWN + 2):
        record(recorder, f"page:{number:02d}", "2026-04-14 10:00", 200, 8, times=number + 1)
    recorder.flush()

    with clock(NOW):
        response = manager_client.get("/dashboards/site/", DAY_14)
        rows = _csv(manager_client.get("/dashboards/site/", {**DAY_14, "export": "pages"}))[1:]

    page = response.content.decode()
    assert "page:51" in page and "page:02" in page and "page:01" not in page and "page:00" not in page
    assert "Only the 50 busiest pages are shown" in page
    assert [row[0] for row in rows[:2]] + [row[0] for row in rows[-2:]] == ["page:51", "page:50", "page:01", "page:00"]
    assert len(rows) == PAGES_SHOWN + 2


def test_task_queue_health(manager_client, admin_client, recorder):
    now = timezone.now()
    oldest = OutboxEmailFactory(created_at=now - timedelta(hours=3))
    OutboxEmailFactory(created_at=now - timedelta(minutes=1))
    OutboxEmailFactory(status="failed", attempts=5, created_at=now - timedelta(days=2))
    JobRun.objects.create(job="outbox-sweep", trigger="runner", status="failed", started_at=now - timedelta(hours=1),
                          finished_at=now - timedelta(hours=1), error="SMTPServerDisconnected: down")
    JobRun.objects.create(job="outbox-sweep", trigger="runner", status="ok", started_at=now - timedelta(minutes=2),
                          finished_at=now - timedelta(minutes=2))

    manager_page = _text(manager_client.get("/dashboards/site/", {"range": "today"}))
    admin_page = _text(admin_client.get("/dashboards/site/", {"range": "today"}))
    jobs = {row[0]: row for row in _csv(manager_client.get("/dashboards/site/", {"range": "today",
                                                                                 "export": "jobs"}))}

    assert ('Emails waiting to be sent</th> <td class="dash-num dash-figure">2</td>' in manager_page)
    assert ('Emails failed (no more attempts)</th> <td class="dash-num dash-figure">1</td>' in manager_page)
    assert "no broker: tasks run in the web process" in manager_page
    assert "/admin/outbox/" not in manager_page  # the outbox is the superusers' list
    assert ('<a href="/admin/outbox/outboxemail/?status__exact=failed">1</a>' in admin_page)
    assert ('<a href="/admin/outbox/outboxemail/?status__exact=pending">2</a>' in admin_page)
    sweep = jobs["Send pending emails (outbox sweep)"]
    assert sweep[1:] == ["every minute", timezone.localtime(now - timedelta(minutes=2)).isoformat(timespec="seconds"),
                         "OK", timezone.localtime(now - timedelta(minutes=2)).isoformat(timespec="seconds"),
                         timezone.localtime(now - timedelta(hours=1)).isoformat(timespec="seconds"),
                         "SMTPServerDisconnected: down"]
    assert any(row[3] == "Never ran" for row in jobs.values())
    assert "SMTPServerDisconnected: down" in manager_page
    oldest_shown = timezone.localtime(oldest.created_at)
    assert f"{oldest_shown:%m/%d/%Y}" in manager_page


@pytest.mark.parametrize("group", [STORE_STAFF, WAREHOUSE])
def test_other_staff_get_403_on_the_page_and_its_csv(client, staff_in, group):
    client.force_login(staff_in(group))

    assert client.get("/dashboards/site/").status_code == 403
    assert client.get("/dashboards/site/", {"export": "pages"}).status_code == 403


def test_anonymous_visitors_get_403(client, db):
    assert client.get("/dashboards/site/").status_code == 403


def test_the_page_in_french(manager_client, site_load):
    response = manager_client.get("/fr/dashboards/site/", DAY_14)

    assert response.status_code == 200
    assert "0,03" in response.content.decode()  # numbers in the French way


def test_site_page_within_25_queries(manager_client, site_load, django_assert_max_num_queries):
    OutboxEmailFactory(status="failed", attempts=5)
    JobRun.objects.create(job="outbox-sweep", trigger="runner", status="failed", started_at=NOW, finished_at=NOW,
                          error="down")

    with django_assert_max_num_queries(25):
        response = manager_client.get("/dashboards/site/", DAY_14)

    assert response.status_code == 200
