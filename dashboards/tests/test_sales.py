"""The Sales page's figures against the hand-computed ones of conftest.sales_data (1–14 April 2026)."""

import datetime
from decimal import Decimal

import pytest

from dashboards.periods import CUSTOM, DAY, Period
from dashboards.selectors.sales import ageing, sales_report

from .conftest import PERIOD

pytestmark = pytest.mark.django_db

APRIL = Period(start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 14), preset=CUSTOM, granularity=DAY)


def _figures(report):
    return {str(f.label): (f.value, f.previous) for f in report.figures}


def test_headline_figures_and_the_previous_period(sales_data):
    figures = _figures(sales_report(period=APRIL))

    assert figures["Orders"] == (4, 2)
    assert figures["Revenue before taxes"] == (Decimal("398.00"), Decimal("100.01"))
    assert figures["Average order value"] == (Decimal("99.50"), Decimal("50.01"))
    assert figures["Units sold online"] == (8, 2)
    assert figures["Refunded"] == (Decimal("17.34"), Decimal("7.00"))


def test_revenue_by_edmonton_day(sales_data):
    table = sales_report(period=APRIL).table("orders-revenue")

    by_day = {row[0]: row[1:] for row in table.rows}
    assert len(table.rows) == 14
    assert by_day[datetime.date(2026, 4, 1)] == (1, Decimal("112.50"), Decimal("112.50"))
    assert by_day[datetime.date(2026, 4, 3)] == (1, Decimal("50.50"), Decimal("50.50"))  # 23:30 in Edmonton
    assert by_day[datetime.date(2026, 4, 4)] == (0, Decimal("0.00"), Decimal("0.00"))
    assert by_day[datetime.date(2026, 4, 14)] == (1, Decimal("35.00"), Decimal("35.00"))
    assert sum(row[2] for row in table.rows) == Decimal("398.00")


def test_revenue_by_week_and_month(sales_data):
    weeks = sales_report(period=Period(start=APRIL.start, end=APRIL.end, granularity="week")).table("orders-revenue")
    months = sales_report(period=Period(start=datetime.date(2026, 3, 18), end=APRIL.end, granularity="month")
                          ).table("orders-revenue")

    assert [(row[0], row[1], row[2]) for row in weeks.rows] == [
        (datetime.date(2026, 3, 30), 2, Decimal("163.00")),  # Monday 30 March: 1 and 3 April
        (datetime.date(2026, 4, 6), 1, Decimal("200.00")),
        (datetime.date(2026, 4, 13), 1, Decimal("35.00")),
    ]
    assert [(row[0], row[1], row[2]) for row in months.rows] == [
        (datetime.date(2026, 3, 1), 2, Decimal("100.01")),
        (datetime.date(2026, 4, 1), 4, Decimal("398.00")),
    ]


def test_channels_web_and_counter_units_and_revenue(sales_data):
    """The counter: 3 units at the catalogue's $50.00 + 2 at the till's $45.00 in April; 1 at $50.00 in March."""
    rows = sales_report(period=APRIL).table("channels").rows

    assert rows == [("Web shop", 8, 2, Decimal("398.00"), Decimal("100.01")),
                    ("Counter: Calgary store", 5, 1, Decimal("240.00"), Decimal("50.00")),
                    ("All channels", 13, 3, Decimal("638.00"), Decimal("150.01"))]


def test_payment_methods(sales_data):
    rows = sales_report(period=APRIL).table("payment-methods").rows

    assert rows == [("Credit card", 2, Decimal("147.50")), ("Cheque", 1, Decimal("50.50")),
                    ("On account (purchase order)", 1, Decimal("200.00"))]


def test_ageing_buckets_to_the_cent(sales_data, now):
    rows = ageing(today=datetime.date(2026, 4, 15))

    assert rows == [
        ("Not yet due", 1, Decimal("100.00")),
        ("1–30 days overdue", 2, Decimal("110.00")),
        ("31–60 days overdue", 1, Decimal("70.00")),
        ("61–90 days overdue", 1, Decimal("80.00")),
        ("90+ days overdue", 1, Decimal("160.00")),
        ("Total unpaid", 6, Decimal("520.00")),
    ]


def test_refunds_by_payment_method(sales_data):
    rows = sales_report(period=APRIL).table("refunds").rows

    assert rows == [("Credit card", 1, Decimal("12.34")), ("Cheque", 1, Decimal("5.00")),
                    ("Bank transfer", 0, Decimal("0.00")), ("Cash", 0, Decimal("0.00")),
                    ("Total", 2, Decimal("17.34"))]


def test_sales_page_shows_the_figures_within_25_queries(manager_client, sales_data, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        response = manager_client.get("/dashboards/sales/", PERIOD)

    page = response.content.decode()
    assert response.status_code == 200
    assert "$398.00" in page and "$100.01" in page and "+$297.99 (+298.0 %)" in page
    assert "$99.50" in page and "$520.00" in page
    assert 'role="img"' in page and "<title id=\"chart-revenue-title\">" in page
    assert "before sales taxes" in page


def test_sales_page_in_french(manager_client, sales_data):
    response = manager_client.get("/fr/dashboards/sales/", PERIOD)

    assert response.status_code == 200
    assert "398,00\u00a0$" in response.content.decode()
