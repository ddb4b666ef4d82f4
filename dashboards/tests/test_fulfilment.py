"""The Fulfilment page's figures against the hand-computed ones of conftest.fulfilment_data (1–14 April 2026)."""

import datetime
from decimal import Decimal

import pytest

from dashboards.periods import CUSTOM, DAY, Period
from dashboards.selectors.fulfilment import fulfilment_report

from .conftest import PERIOD

pytestmark = pytest.mark.django_db

APRIL = Period(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 14), preset=CUSTOM, granularity=DAY)


def _figures(report):
    return {str(f.label): (f.value, f.previous) for f in report.figures}


def test_time_to_ship_median_and_90th_percentile(fulfilment_data):
    figures = _figures(fulfilment_report(period=APRIL))

    assert figures["Orders shipped"] == (4, 2)
    assert figures["Median time to ship (hours)"] == (Decimal("27.0"), Decimal("25.0"))
    assert figures["90th percentile time to ship (hours)"] == (Decimal("80.4"), Decimal("25.8"))


def test_time_to_ship_histogram(fulfilment_data):
    rows = fulfilment_report(period=APRIL).table("time-to-ship").rows

    assert rows == [("< 24 h", 1), ("24–48 h", 2), ("48–72 h", 0), ("3–5 d", 1), ("> 5 d", 0)]


def test_share_of_promises_kept_and_late_over_time(fulfilment_data):
    report = fulfilment_report(period=APRIL)

    assert _figures(report)["Promises kept"] == (Decimal("40.0"), Decimal("50.0"))
    by_day = {row[0]: row[1:] for row in report.table("promises").rows}
    assert by_day[datetime.date(2026, 4, 6)] == (1, 1, 0, Decimal("100.0"))
    assert by_day[datetime.date(2026, 4, 8)] == (1, 1, 0, Decimal("100.0"))  # delivered 23:30 in Edmonton
    assert by_day[datetime.date(2026, 4, 9)] == (1, 0, 1, Decimal("0.0"))
    assert by_day[datetime.date(2026, 4, 10)] == (1, 0, 1, Decimal("0.0"))
    assert by_day[datetime.date(2026, 4, 11)] == (0, 0, 0, None)  # the unpaid cheque order is left out
    assert by_day[datetime.date(2026, 4, 14)] == (1, 0, 1, Decimal("0.0"))


def test_late_now(fulfilment_data):
    report = fulfilment_report(period=APRIL)

    assert _figures(report)["Late now"] == (2, None)
    rows = report.table("late").rows
    assert [(row[0], row[2], row[3]) for row in rows] == [
        (fulfilment_data["L1"].number, datetime.date(2026, 4, 10), 5),
        (fulfilment_data["L2"].number, datetime.date(2026, 4, 11), 4),
    ]


def test_backorders_by_age(fulfilment_data):
    report = fulfilment_report(period=APRIL)

    assert _figures(report)["Backordered units waiting"] == (5, None)
    assert report.table("backorders").rows == [("0–7 days", 1, 1, 2), ("8–14 days", 0, 0, 0),
                                               ("15–30 days", 0, 0, 0), ("31+ days", 1, 1, 3), ("Total", 2, 2, 5)]
    oldest = report.table("backorders-oldest").rows
    assert [(row[0], row[3], row[4]) for row in oldest] == [(fulfilment_data["L3"].number, 3, 45),
                                                            (fulfilment_data["L1"].number, 2, 5)]


def test_queue_against_capacity_for_the_next_five_working_days(fulfilment_data):
    rows = fulfilment_report(period=APRIL).table("days-ahead").rows

    day = datetime.date
    assert rows == [(day(2026, 4, 15), 3, 3, 0), (day(2026, 4, 16), 4, 3, 1), (day(2026, 4, 20), 1, 3, 0),
                    (day(2026, 4, 21), 0, 3, 0), (day(2026, 4, 22), 0, 3, 0)]


def test_fulfilment_page_within_25_queries(manager_client, fulfilment_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        response = manager_client.get("/dashboards/fulfilment/", PERIOD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "27.0 h" in page and "80.4 h" in page and "40.0 %" in page
