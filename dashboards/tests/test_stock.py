"""The Stock page (D3) on the fixed shop of inventory/tests/test_dashboard_selectors.py (its table of SKUs, locations
and ledger), with web orders around November 2026. Today is Tuesday 24 November 2026 in Edmonton; the period is
1–24 November (24 days), the previous one 8–31 October.

Web orders (the variant's price):
    11-05  paid       2 mugs ($36.00), 1 kettle ($79.00)
    11-10  delivered  4 mugs ($72.00)
    11-12  cancelled  5 large tents: not a sale
    11-18  card, still waiting for its payment: 1 small tent: not a sale (as the Sales page counts)
    11-24  00:10      1 large tent ($229.00)
    10-31  23:30      3 kettles ($237.00): October in Edmonton, the previous period
  This period online: 2 + 1 + 4 + 1 = 8 units, $416.00; previous: 3 units, $237.00.
  Counters (the ledger): this period 3 mugs (11-20) + 3 toques (11-23 23:30) + 1 toque (today) = 7; previous: 1 mug
  (10-20). Units sold: 15 against 4.
"""

import csv
import datetime
import io
from decimal import Decimal

import pytest

from dashboards.periods import CUSTOM, DAY, Period
from dashboards.selectors.stock import stock_report
from inventory.tests.test_dashboard_selectors import at, clock, order_with, shop  # noqa: F401 (fixtures)
from orders.models import Order
from staff.roles import STORE_STAFF, WAREHOUSE

pytestmark = pytest.mark.django_db

NOVEMBER = {"range": "custom", "start": "2026-11-01", "end": "2026-11-24"}
PERIOD = Period(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 24), preset=CUSTOM, granularity=DAY)


@pytest.fixture
def sold(shop, clock):  # noqa: F811
    v = shop
    order_with(clock, at("2026-11-05"), (v["mug"], 2), (v["kettle"], 1))
    order_with(clock, at("2026-11-10"), (v["mug"], 4), status=Order.Status.DELIVERED)
    order_with(clock, at("2026-11-12"), (v["tent_l"], 5), status=Order.Status.CANCELLED)
    order_with(clock, at("2026-11-18"), (v["tent_s"], 1), status=Order.Status.RECEIVED)
    order_with(clock, at("2026-10-31", "23:30"), (v["kettle"], 3))
    order_with(clock, at("2026-11-24", "00:10"), (v["tent_l"], 1))
    return v


def _figures(report):
    return {str(f.label): (f.value, f.previous) for f in report.figures}


def test_headline_figures_against_the_previous_period(sold):
    figures = _figures(stock_report(period=PERIOD))

    assert figures["Units sold"] == (15, 4)
    assert figures["Units sold online"] == (8, 3)
    assert figures["Units sold at the counters"] == (7, 1)
    assert figures["Online product revenue"] == (Decimal("416.00"), Decimal("237.00"))
    # Today: 216.45 at cost, the two small tents without a cost price apart; the large tent and the book are out
    # online; no reorder point is set, so nothing is low.
    assert figures["Stock value at cost, today"] == (Decimal("216.45"), None)
    assert figures["Units on hand without a cost price"] == (2, None)
    assert figures["SKUs out of stock online"] == (2, None)
    assert figures["Stock rows at or under their reorder point"] == (0, None)


def test_stock_value_per_location_to_the_cent(sold):
    table = stock_report(period=PERIOD).table("stock-value")

    # Warehouse: 6 × 9.90 + 3 × 43.45 + 3 × 0.10 = 190.05 (14 units, the 2 small tents not valued); store: 2 toques
    # × 13.20 = 26.40. The closed depot's 5 mugs do not count.
    assert table.rows == [("Calgary Warehouse", 14, Decimal("190.05"), 2), ("Calgary store", 2, Decimal("26.40"), 0),
                          ("Total", 16, Decimal("216.45"), 2)]


def test_stock_outs_and_low_stock(sold, warehouse, store):
    from inventory.models import Stock

    Stock.objects.filter(variant__sku="TOQ-1", location=store).update(reorder_point=2)
    Stock.objects.filter(variant__sku="MUG-1", location=warehouse).update(reorder_point=5)
    report = stock_report(period=PERIOD)

    assert [row[:3] for row in report.table("stock-outs-online").rows] == [("TENT-L", "Tent", "L"),
                                                                           ("BOOK-1", "Book", "")]
    assert report.table("stock-outs-locations").rows == [("Calgary Warehouse", 1), ("Calgary store", 1)]
    # Toques: 2 free at a reorder point of 2: low. Mugs: 6 free over a point of 5: fine.
    assert report.table("low-stock").rows == [("TOQ-1", "Toque", "", "Calgary store", 2, 2)]


def test_best_and_worst_sellers_of_the_period(sold):
    report = stock_report(period=PERIOD)

    # Mug: 6 online ($108.00) + 3 at the counter; toque: 4 at the counter; tent: 1 ($229.00, the received card
    # order's small tent does not count); kettle: 1 ($79.00).
    assert report.table("best-sellers-units").rows == [
        ("Mug", 6, 3, 9, Decimal("108.00")), ("Toque", 0, 4, 4, Decimal("0.00")),
        ("Tent", 1, 0, 1, Decimal("229.00")), ("Kettle", 1, 0, 1, Decimal("79.00"))]
    assert [(row[0], row[4]) for row in report.table("best-sellers-revenue").rows] == [
        ("Tent", Decimal("229.00")), ("Mug", Decimal("108.00")), ("Kettle", Decimal("79.00"))]
    # Shown online, fewest units first: the book and the pencil sold nothing; the toque is not sold online.
    assert [(row[0], row[3]) for row in report.table("worst-sellers").rows] == [
        ("Book", 0), ("Pencil", 0), ("Kettle", 1), ("Tent", 1), ("Mug", 9)]


def test_days_of_cover_at_the_last_thirty_days_pace(sold):
    rows = stock_report(period=PERIOD).table("days-of-cover").rows

    # 25 October to 23 November: large tent 0 free, 1 shipped: 0 days; toques 2 × 30 / 3 = 20.0; mugs 6 × 30 / 7 =
    # 25.7. The web orders above reserved and shipped nothing: only the ledger counts.
    assert [(row[0], row[3], row[4], row[5], row[6]) for row in rows] == [
        ("TENT-L", 0, 1, Decimal("0.03"), Decimal("0.0")), ("TOQ-1", 2, 3, Decimal("0.10"), Decimal("20.0")),
        ("MUG-1", 6, 7, Decimal("0.23"), Decimal("25.7"))]


def test_stock_page_within_25_queries(manager_client, sold, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        response = manager_client.get("/dashboards/stock/", NOVEMBER)

    page = response.content.decode()
    assert response.status_code == 200
    assert "$216.45" in page and "$416.00" in page and "+$179.00 (+75.5 %)" in page
    assert '<title id="chart-stock-value-title">Stock value at cost by location</title>' in page
    assert '<title id="chart-best-units-title">' in page
    assert "Units without a cost price (not valued)" in page


def test_stock_value_csv(manager_client, sold):
    response = manager_client.get("/dashboards/stock/", {**NOVEMBER, "export": "stock-value"})

    assert response["Content-Disposition"] == 'attachment; filename="stock-stock-value-2026-11-01-2026-11-24.csv"'
    body = response.content.decode("utf-8")
    assert list(csv.reader(io.StringIO(body[1:]))) == [
        ["Location", "Units on hand", "Value at cost (CAD)", "Units without a cost price (not valued)"],
        ["Calgary Warehouse", "14", "190.05", "2"], ["Calgary store", "2", "26.40", "0"],
        ["Total", "16", "216.45", "2"]]


def test_days_of_cover_csv_keeps_the_decimals(manager_client, sold):
    rows = list(csv.reader(io.StringIO(manager_client.get(
        "/dashboards/stock/", {**NOVEMBER, "export": "days-of-cover"}).content.decode("utf-8")[1:])))

    assert rows[0] == ["SKU", "Product", "Variant", "Free now", "Sold in 30 days", "Sold a day", "Days of cover"]
    assert rows[3] == ["MUG-1", "Mug", "", "6", "7", "0.23", "25.7"]


def test_stock_page_in_french(manager_client, sold):
    response = manager_client.get("/fr/dashboards/stock/", NOVEMBER)

    assert response.status_code == 200
    assert "216,45\u00a0$" in response.content.decode()


@pytest.mark.parametrize("group", [STORE_STAFF, WAREHOUSE])
def test_other_staff_get_403(client, staff_in, group):
    client.force_login(staff_in(group))

    assert client.get("/dashboards/stock/").status_code == 403
    assert client.get("/dashboards/stock/", {"export": "stock-value"}).status_code == 403


def test_anonymous_visitors_get_403(client):
    assert client.get("/dashboards/stock/").status_code == 403
