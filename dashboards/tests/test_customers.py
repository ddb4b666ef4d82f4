"""The Customers page (D4, R7) on the customers of crm/tests/test_dashboard_selectors.py's `november` fixture (its
table: who ordered what, when), plus Ivy, a good customer going quiet, and a few problems. Today is Tuesday 24
November 2026 in Edmonton; the period is 1–24 November (24 days), the previous one 8–31 October.

New and returning: this period bob ($500) and fay ($100) are new, ann ($50), cy ($60) and dee ($35) returning: 5
customers, 2 new (40.0 %), $600.00 and $145.00. Previous period: cy's $40 (15 October) and dee's $25 (31 October
at 23:30) were both first orders: 2 new, 0 returning (100.0 % new).
The 80/20 curve of the period: bob 500, fay 100, cy 60, ann 50, dee 35 = 745; bob and fay, 2 of 5 (40.0 %), make
$600.00, 80.5 %.
Scores (last night): top 4 ($870.00, Ivy about to be lost), regular 0, occasional 3 ($170.00).
Problems: late not shipped 1 (promised 20 November), late on its way 1 (promised 22 November), 1 open return (of
two), 1 open question (of two), 1 failed payment in the period (and one on 31 October at 23:59, before it), its
order still unpaid.
"""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from crm.models import Interaction, Segment
from crm.services.scoring import customer_scores_compute
from crm.tests.test_dashboard_selectors import TODAY, day, november  # noqa: F401 (a fixture)
from crm.tests.test_scoring import customer_make, order_make
from dashboards.periods import CUSTOM, DAY, Period
from dashboards.selectors.customers import customers_report
from orders.models import Order
from payments.models import Payment
from returns.models import ReturnRequest
from staff.roles import ACCOUNTS, MARKETING, STORE_STAFF, WAREHOUSE

from .factories import clock

pytestmark = pytest.mark.django_db

EDMONTON = ZoneInfo("America/Edmonton")
NOVEMBER = {"range": "custom", "start": "2026-11-01", "end": "2026-11-24"}
PERIOD = Period(start=datetime.date(2026, 11, 1), end=TODAY, preset=CUSTOM, granularity=DAY)


@pytest.fixture
def today():
    with clock(datetime.datetime(2026, 11, 24, 15, 0, tzinfo=EDMONTON)):
        yield TODAY


@pytest.fixture
def customers(november, today):  # noqa: F811
    customer_make("ivy@example.com")
    for on in ("2026-06-01", "2026-06-21", "2026-07-11"):
        order_make(email="ivy@example.com", total=40, on=day(on))
    customer_scores_compute(today=TODAY)
    Segment.objects.create(name="Alberta", purpose="promotions", provinces="AB")

    def problem_order(status, promised=None, **fields):  # orders of no customer contact: they count nowhere else
        return order_make(email="p@example.com", total=30, on=day("2026-11-01"), status=status,
                          promised_on=day(promised) if promised else None, **fields)

    problem_order(Order.Status.PAID, "2026-11-20")
    problem_order(Order.Status.SHIPPED, "2026-11-22")
    problem_order(Order.Status.PREPARING, "2026-11-24")  # promised today: not late yet
    returned = problem_order(Order.Status.DELIVERED)
    ReturnRequest.objects.create(order=returned, status=ReturnRequest.Status.REQUESTED, reason="Too small")
    ReturnRequest.objects.create(order=returned, status=ReturnRequest.Status.REFUNDED, reason="Broken")
    for subject, is_open in (("Where is my order?", True), ("Thanks", False)):
        Interaction.objects.create(contact=customer_make(f"{subject[:5].lower()}@example.com"),
                                   kind=Interaction.Kind.QUESTION, subject=subject, is_open=is_open,
                                   occurred_at=timezone.now())
    unpaid = problem_order(Order.Status.RECEIVED, paid=0)
    for when in ("2026-11-03T10:00", "2026-10-31T23:59"):
        payment = Payment.objects.create(order=unpaid, method=Payment.Method.CARD, status=Payment.Status.FAILED,
                                         amount=unpaid.total, failure_message="Card declined")
        Payment.objects.filter(pk=payment.pk).update(
            updated_at=datetime.datetime.fromisoformat(when).replace(tzinfo=EDMONTON))


def _figures(report):
    return {str(f.label): (f.value, f.previous) for f in report.figures}


def test_headline_figures_against_the_previous_period(customers):
    figures = _figures(customers_report(period=PERIOD))

    assert figures["Customers who ordered"] == (5, 2)
    assert figures["New customers"] == (2, 2)
    assert figures["Returning customers"] == (3, 0)
    assert figures["Share of new customers"] == (Decimal("40.0"), Decimal("100.0"))
    assert figures["Share of customers making 80 % of revenue"] == (Decimal("40.0"), None)
    assert figures["Good customers being lost"] == (1, None)
    assert figures["Late deliveries"] == (2, None)
    assert figures["Returns open"] == (1, None)
    assert figures["Failed payment attempts"] == (1, None)


def test_new_and_returning_with_their_revenue(customers):
    rows = customers_report(period=PERIOD).table("new-returning").rows

    assert rows == [("New customers", 2, 2, Decimal("600.00"), Decimal("65.00")),
                    ("Returning customers", 3, 0, Decimal("145.00"), Decimal("0.00")),
                    ("Total", 5, 2, Decimal("745.00"), Decimal("65.00"))]


def test_the_80_20_curve_its_chart_and_its_table(customers):
    section = next(s for s in customers_report(period=PERIOD).sections if s.slug == "pareto")

    assert section.table.rows == [(0, Decimal("0.0"), Decimal("0.0")), (1, Decimal("20.0"), Decimal("67.1")),
                                  (2, Decimal("40.0"), Decimal("80.5")), (3, Decimal("60.0"), Decimal("88.6")),
                                  (4, Decimal("80.0"), Decimal("95.3")), (5, Decimal("100.0"), Decimal("100.0"))]
    assert section.intro == "2 customers of 5 (40.0 %) brought in $600.00, 80.5 % of the period's revenue."
    chart = section.chart
    assert chart.kind == "line" and len(chart.points) == 6
    # The plot runs from x 84 to 708 and from y 214 (0 %) up to 14 (100 %): 40 % of customers at x 84 + 0.4 × 624,
    # 80.5 % of revenue at y 214 - 0.805 × 200.
    assert (chart.mark.x, chart.mark.y) == (333.6, 53.0)
    assert chart.mark.text == "40.0 % of customers: 80.5 % of revenue"


def test_tiers_churn_and_segments(customers):
    report = customers_report(period=PERIOD)

    assert report.table("tiers").rows == [("Top customers", 4, Decimal("870.00"), 1),
                                          ("Regular", 0, Decimal("0.00"), 0),
                                          ("Occasional", 3, Decimal("170.00"), 0)]
    assert report.table("tiers").links[0] == "/admin/crm/contact/?tier=top"
    assert report.table("churn").rows == [
        ("Ivy", "ivy@example.com", "Top customers", 3, Decimal("120.00"), day("2026-07-11"),
         "Usually orders every 20 days; last order 136 days ago (July 11, 2026).")]
    assert report.table("segments").rows == [("Alberta", "Promotions and offers", 0)]


def test_problem_counts_match_the_admin_lists_they_link_to(customers, admin_client):
    table = customers_report(period=PERIOD).table("problems")

    assert table.rows == [("Late deliveries, not shipped yet", 1), ("Late deliveries, on their way", 1),
                          ("Returns open", 1), ("Questions waiting for an answer", 1),
                          ("Failed payment attempts in the period", 1),
                          ("Orders with a failed payment in the period, still unpaid", 1)]
    for (label, count), url in zip(table.rows, table.links, strict=True):
        if url:
            response = admin_client.get(url)
            assert response.status_code == 200, (label, url)
            assert response.context["cl"].result_count == count, (label, url)
    assert [bool(url) for url in table.links] == [True, True, True, False, True, False]


def test_customers_page_within_25_queries(manager_client, customers, django_assert_max_num_queries):
    for number in range(2, 6):  # the most segments the page lists, one with a category rule (two queries)
        Segment.objects.create(name=f"Segment {number}", purpose="newsletter",
                               bought_in_id=_category().pk if number == 2 else None)

    with django_assert_max_num_queries(25):
        response = manager_client.get("/dashboards/customers/", NOVEMBER)

    page = response.content.decode()
    assert response.status_code == 200
    assert '<title id="chart-pareto-title">The 80/20 curve</title>' in page
    assert "<polyline" in page and "40.0 % of customers: 80.5 % of revenue" in page
    assert "Usually orders every 20 days" in page
    assert 'href="/admin/orders/order/?late=yes"' in page


def _category():
    from catalog.tests.factories import CategoryFactory

    return CategoryFactory()


def test_pareto_csv(manager_client, customers):
    response = manager_client.get("/dashboards/customers/", {**NOVEMBER, "export": "pareto"})

    assert response["Content-Disposition"] == 'attachment; filename="customers-pareto-2026-11-01-2026-11-24.csv"'
    assert list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]))) == [
        ["Customers, biggest first", "Share of customers (%)", "Share of revenue (%)"],
        ["0", "0.0", "0.0"], ["1", "20.0", "67.1"], ["2", "40.0", "80.5"], ["3", "60.0", "88.6"],
        ["4", "80.0", "95.3"], ["5", "100.0", "100.0"]]


def test_customers_page_in_french(manager_client, customers):
    response = manager_client.get("/fr/dashboards/customers/", NOVEMBER)

    assert response.status_code == 200
    assert "600,00\u00a0$" in response.content.decode()


@pytest.mark.parametrize("group", [STORE_STAFF, WAREHOUSE, ACCOUNTS, MARKETING])
def test_other_staff_get_403(client, staff_in, group):
    client.force_login(staff_in(group))

    assert client.get("/dashboards/customers/").status_code == 403
    assert client.get("/dashboards/customers/", {"export": "pareto"}).status_code == 403


def test_anonymous_visitors_get_403(client):
    assert client.get("/dashboards/customers/").status_code == 403
