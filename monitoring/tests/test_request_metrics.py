"""The middleware counts every request per page and minute, in memory, and the flush adds the counts to the
database: what the Site dashboard's figures are read from."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from monitoring import selectors
from monitoring.models import COUNTER_FIELDS, RequestMinute
from monitoring.recorder import Recorder

from .conftest import MINUTE, at


def around_now():
    now = timezone.now()
    return {"start": now - timedelta(hours=1), "end": now + timedelta(hours=1)}


def row_counts(row: RequestMinute) -> dict:
    return {field: getattr(row, field) for field in COUNTER_FIELDS if getattr(row, field)}


def test_a_hundred_visits_to_a_page_are_counted_as_a_hundred(client, recorder, db):
    for _ in range(100):
        assert client.get("/contact/").status_code == 200
    client.get("/no-such-page/")

    recorder.flush()

    pages = selectors.site_pages(**around_now())
    assert [(page.view_name, page.requests, page.server_errors, page.client_errors) for page in pages] == [
        ("help:contact", 100, 0, 0), ("unresolved", 1, 0, 1)]
    assert sum(pages[0].histogram) == 100
    assert RequestMinute.objects.filter(view_name="help:contact").count() in (1, 2)  # a minute may turn meanwhile


@pytest.mark.urls("monitoring.tests.urls")
def test_server_and_client_errors_are_counted_apart(recorder, db):
    client = Client(raise_request_exception=False)
    for path, times in (("/fine/", 6), ("/broken/", 3), ("/forbidden/", 2)):
        for _ in range(times):
            client.get(path)

    recorder.flush()

    figures = {page.view_name: page for page in selectors.site_pages(**around_now())}
    assert {name: (page.requests, page.server_errors, page.client_errors) for name, page in figures.items()} == {
        "fine": (6, 0, 0), "broken": (3, 3, 0), "forbidden": (2, 0, 2)}
    assert figures["broken"].error_rate == 1.0
    summary = selectors.site_summary(**around_now())
    assert (summary.view_name, summary.requests, summary.server_errors, summary.error_rate) == (None, 11, 3, 3 / 11)


@pytest.mark.urls("monitoring.tests.urls")
def test_counting_a_request_costs_no_query(client, recorder, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        for _ in range(20):
            client.get("/fine/")

    assert sum(counts[0] for (_, page), counts in recorder.pending().items() if page == "fine") == 20
    assert not RequestMinute.objects.exists()


@pytest.mark.urls("monitoring.tests.urls")
def test_a_request_finding_the_flush_due_writes_the_counts_after_its_response(client, recorder, db, settings):
    settings.SHOP_MONITORING_FLUSH_SECONDS = 0.000_001

    client.get("/fine/")

    assert RequestMinute.objects.get(view_name="fine").requests == 1
    assert recorder.pending() == {}


@pytest.mark.urls("monitoring.tests.urls")
def test_a_page_is_still_answered_when_the_metrics_cannot_be_written_and_the_counts_wait(recorder, settings):
    # No database access in this test: pytest-django refuses it, as a database that is down would.
    settings.SHOP_MONITORING_FLUSH_SECONDS = 0.000_001

    responses = [Client().get("/fine/") for _ in range(3)]

    assert [response.status_code for response in responses] == [200, 200, 200]
    assert sum(counts[0] for counts in recorder.pending().values()) == 3


def test_latencies_fall_into_buckets_whose_upper_edge_is_included(recorder, db):
    for seconds in (0.004, 0.005, 0.0051, 0.1, 0.7, 7.0):
        recorder.record("catalog:product_detail", 200, seconds, at=at(MINUTE, 30))
    recorder.record("catalog:product_detail", 502, 0.02, at=at(MINUTE, 61))  # the next minute

    assert recorder.flush() == 2

    first, second = RequestMinute.objects.order_by("minute")
    assert (first.minute, first.view_name) == (MINUTE, "catalog:product_detail")
    assert row_counts(first) == {"requests": 6, "duration_us": 7_814_100, "le_5": 2, "le_10": 1, "le_100": 1,
                                 "le_1000": 1, "le_inf": 1}
    assert second.minute == MINUTE + timedelta(minutes=1)
    assert row_counts(second) == {"requests": 1, "server_errors": 1, "duration_us": 20_000, "le_25": 1}


def test_counts_of_two_workers_in_the_same_minute_add_up(db):
    one, two = Recorder(), Recorder()  # two gunicorn workers' recorders
    for _ in range(3):
        one.record("storefront:home", 200, 0.03, at=at(MINUTE, 5))
    two.record("storefront:home", 500, 0.2, at=at(MINUTE, 10))
    one.flush()
    two.flush()
    one.record("storefront:home", 404, 0.001, at=at(MINUTE, 50))  # the same worker's next flush, same minute
    one.flush()

    row = RequestMinute.objects.get()
    assert row_counts(row) == {"requests": 5, "server_errors": 1, "client_errors": 1, "duration_us": 291_000,
                               "le_5": 1, "le_50": 3, "le_250": 1}


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_workers_flushing_the_same_minutes_at_the_same_instant_lose_no_count():
    workers, per_worker = 8, 25
    recorders = [Recorder() for _ in range(workers)]
    for recorder in recorders:
        for i in range(per_worker):
            # Every worker has the same three pages in the same two minutes: every flush competes for every row.
            recorder.record(("a", "b", "c")[i % 3], 200, 0.001, at=at(MINUTE, 60 * (i % 2)))
    start, errors = threading.Barrier(workers), []

    def flush(recorder):
        try:
            start.wait()
            assert recorder.flush() == 6
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=flush, args=(recorder,)) for recorder in recorders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert RequestMinute.objects.count() == 6
    assert sum(RequestMinute.objects.values_list("requests", flat=True)) == workers * per_worker
    assert sum(RequestMinute.objects.values_list("le_5", flat=True)) == workers * per_worker
