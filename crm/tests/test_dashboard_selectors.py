"""The customers dashboard's figures (D4, R7) on small fixed data sets, computed by hand.

Orders count as in the scores (crm.services.scoring): revenue orders only (money received, not cancelled or
expired), on the Edmonton day they were placed, each the customer contact's of its account or else its email.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from crm import selectors_dashboard as dashboard
from crm.models import ConsentEvent, Interaction, Segment
from crm.services.scoring import customer_scores_compute, pareto_report
from crm.tests.test_scoring import customer_make, order_make
from orders.models import Order
from payments.models import Invoice, Payment
from returns.models import ReturnRequest

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)
NOVEMBER = {"start": datetime.date(2026, 11, 1), "end": TODAY}
EDMONTON = ZoneInfo("America/Edmonton")


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def placed_at(order: Order, text: str) -> Order:
    """Move the order to this Edmonton wall-clock time."""
    when = datetime.datetime.fromisoformat(text).replace(tzinfo=EDMONTON)
    Order.objects.filter(pk=order.pk).update(created_at=when)
    return order


@pytest.fixture
def november():
    """Six customers and some orders that must not count, around November 2026 (the range: 1 to 24 November).

    customer  before November                 in November                                     in the range
    ann       $100 on 09-10                   $50 on 11-05                                    returning, $50
    bob       -                               $200 on 11-03, $300 on 11-20                     new, $500
    cy        $40 with her account (another   $60 as a guest, CY@EXAMPLE.COM, on 11-10         returning, $60
              email) on 10-15
    dee       $25 on 10-31 at 23:30           $35 on 11-01 at 00:15; $999 cancelled on 11-02   returning, $35
    eve       $10 on 08-01                    $80 on 11-15, not paid                           -
    fay       -                               $120 on 11-22, $20 of it refunded                new, $100
    gus       -                               only on 11-25: after the range                   -
    hal       (erased)                        $55 on 11-12                                     -
    and a stranger with no contact: $1,000 on 11-11.
    """
    cy_account = get_user_model().objects.create_user("cy", "cy-account@example.com", "x")
    for email in ("ann", "bob", "dee", "eve", "fay", "gus"):
        customer_make(f"{email}@example.com")
    customer_make("cy@example.com", user=cy_account)
    customer_make("hal@example.com", erased_at=timezone.now())

    order_make(email="ann@example.com", total=100, on=day("2026-09-10"))
    order_make(email="ann@example.com", total=50, on=day("2026-11-05"))
    order_make(email="bob@example.com", total=200, on=day("2026-11-03"))
    order_make(email="bob@example.com", total=300, on=day("2026-11-20"))
    order_make(email="cy.work@example.com", user=cy_account, total=40, on=day("2026-10-15"))
    order_make(email="CY@EXAMPLE.COM", total=60, on=day("2026-11-10"))
    placed_at(order_make(email="dee@example.com", total=25, on=day("2026-10-31")), "2026-10-31T23:30")
    placed_at(order_make(email="dee@example.com", total=35, on=day("2026-11-01")), "2026-11-01T00:15")
    order_make(email="dee@example.com", total=999, on=day("2026-11-02"), status=Order.Status.CANCELLED)
    order_make(email="eve@example.com", total=10, on=day("2026-08-01"))
    order_make(email="eve@example.com", total=80, on=day("2026-11-15"), paid=0, status=Order.Status.RECEIVED)
    order_make(email="fay@example.com", total=120, on=day("2026-11-22"), refunded=20)
    order_make(email="gus@example.com", total=70, on=day("2026-11-25"))
    order_make(email="hal@example.com", total=55, on=day("2026-11-12"))
    order_make(email="stranger@example.com", total=1000, on=day("2026-11-11"))


def test_new_and_returning_customers_of_a_range(november, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        figures = dashboard.customers_new_and_returning(**NOVEMBER)

    # New: bob (two orders, both in the range: one customer) and fay ($120 - $20 refunded). Returning: ann, cy (her
    # account's order and her guest order are one customer), dee (her 23:30 order was still October in Edmonton).
    assert (figures.new, figures.returning, figures.customers) == (2, 3, 5)
    assert (figures.revenue_new, figures.revenue_returning) == (Decimal("600.00"), Decimal("145.00"))
    assert figures.share_new == Decimal("40.0")


def test_new_and_returning_of_a_range_and_the_previous_one_in_one_query(november, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        now, before = dashboard.customers_new_and_returning_periods(**NOVEMBER, previous_start=day("2026-10-08"))

    # The previous 24 days, 8 to 31 October: cy's $40 (her first order) and dee's $25 (23:30 on the 31st in
    # Edmonton), both new; ann's and eve's earlier orders are before 8 October. The range: as above.
    assert (before.new, before.returning, before.revenue_new, before.revenue_returning) == (
        2, 0, Decimal("65.00"), Decimal("0.00"))
    assert now == dashboard.customers_new_and_returning(**NOVEMBER)
    assert before == dashboard.customers_new_and_returning(start=day("2026-10-08"), end=day("2026-10-31"))


def test_a_range_without_orders_has_no_customers():
    figures = dashboard.customers_new_and_returning(start=day("2026-01-01"), end=day("2026-01-31"))

    assert (figures.new, figures.returning, figures.revenue_new, figures.share_new) == (
        0, 0, Decimal("0.00"), Decimal("0.0"))


def test_the_80_20_curve_of_a_range(november, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        curve = dashboard.customers_pareto_curve(**NOVEMBER)

    # In the range: bob 500, fay 100, cy 60, ann 50, dee 35 = 745. Bob alone makes 67.1 %; with fay 600, 80.5 %:
    # two customers of five (40 %) make 80 % of the revenue. Five customers: every one is a point.
    assert (curve.customers_total, curve.revenue_total) == (5, Decimal("745.00"))
    assert (curve.customers_80, curve.share_of_customers_80, curve.revenue_80, curve.share_of_revenue_80) == (
        2, Decimal("40.0"), Decimal("600.00"), Decimal("80.5"))
    assert [(p.customers, p.share_of_customers, p.share_of_revenue) for p in curve.points] == [
        (0, Decimal("0.0"), Decimal("0.0")), (1, Decimal("20.0"), Decimal("67.1")),
        (2, Decimal("40.0"), Decimal("80.5")), (3, Decimal("60.0"), Decimal("88.6")),
        (4, Decimal("80.0"), Decimal("95.3")), (5, Decimal("100.0"), Decimal("100.0"))]


def test_the_80_20_curve_is_sampled_and_agrees_with_the_80_20_report(django_assert_max_num_queries):
    # Fifty customers: the n-th brought in n × $10 (total $12,750). The top 28 make 10 × (50 + … + 23) = $10,220,
    # 80.2 %; the top 27, $9,990 (78.4 %).
    for n in range(1, 51):
        customer_make(f"c{n:02d}@example.com")
        order_make(email=f"c{n:02d}@example.com", total=10 * n, on=day("2026-11-10"))

    with django_assert_max_num_queries(1):
        curve = dashboard.customers_pareto_curve(**NOVEMBER, points=20)

    report = pareto_report(since=NOVEMBER["start"])
    assert (curve.customers_80, curve.share_of_customers_80, curve.share_of_revenue_80) == (
        report.customers_80, report.share_of_customers, report.share_of_revenue) == (
        28, Decimal("56.0"), Decimal("80.2"))
    assert curve.revenue_80 == report.revenue_80 == Decimal("10220.00")
    # Twenty evenly spaced customers (where rank × 20 / 50 steps up), the 80 % one among them, and (0, 0).
    assert [p.customers for p in curve.points] == [0, 3, 5, 8, 10, 13, 15, 18, 20, 23, 25, 28, 30, 33, 35, 38, 40,
                                                   43, 45, 48, 50]
    assert (curve.points[11].share_of_customers, curve.points[11].share_of_revenue) == (Decimal("56.0"),
                                                                                         Decimal("80.2"))
    assert (curve.points[-1].share_of_customers, curve.points[-1].share_of_revenue) == (Decimal("100.0"),
                                                                                        Decimal("100.0"))


def test_the_curve_of_a_range_without_revenue_is_a_single_point():
    curve = dashboard.customers_pareto_curve(start=day("2026-01-01"), end=day("2026-01-31"))

    assert (curve.customers_total, curve.customers_80, len(curve.points)) == (0, 0, 1)


def test_tiers_and_the_churn_list_come_from_the_nightly_scores(november, django_assert_max_num_queries):
    # ivy ordered every 20 days and has been silent since 11 July: 136 days, far more than 2.5 × 20.
    customer_make("ivy@example.com")
    for on in ("2026-06-01", "2026-06-21", "2026-07-11"):
        order_make(email="ivy@example.com", total=40, on=day(on))
    customer_scores_compute(today=TODAY)

    with django_assert_max_num_queries(1):
        tiers = dashboard.customer_tiers()
    with django_assert_max_num_queries(2):
        churn = dashboard.customers_churn(today=TODAY)

    # Revenue up to today (gus's order comes tomorrow; eve's unpaid one never counted): bob 500, ann 150, ivy 120,
    # fay 100, cy 100, dee 60, eve 10 = 1,040; 80 % = 832: bob, ann, ivy (770) and fay (870; the older contact of
    # the two at 100). cy, dee and eve have fewer than three orders: occasional.
    assert [(t.tier, t.customers, t.revenue, t.churn_risk) for t in tiers] == [
        ("top", 4, Decimal("870.00"), 1), ("regular", 0, Decimal("0.00"), 0),
        ("occasional", 3, Decimal("170.00"), 0)]
    assert churn.count == 1
    assert [(r.name, r.tier, r.orders, r.revenue, r.last_order_on, r.usual_interval_days, r.reason)
            for r in churn.rows] == [
        ("Ivy", "top", 3, Decimal("120.00"), day("2026-07-11"), 20,
         "Usually orders every 20 days; last order 136 days ago (July 11, 2026).")]


def test_segment_sizes_count_only_consenting_contacts(django_assert_max_num_queries):
    from crm.services.consent import consent_give, consent_withdraw

    alberta = Segment.objects.create(name="Alberta", purpose=ConsentEvent.Purpose.PROMOTIONS, provinces="AB")
    Segment.objects.create(name="Newsletter, everyone", purpose=ConsentEvent.Purpose.NEWSLETTER)
    month_ago = timezone.now() - datetime.timedelta(days=30)
    for email, province, purposes in (("a@example.com", "AB", ["promotions", "newsletter"]),
                                      ("b@example.com", "AB", ["promotions"]),
                                      ("c@example.com", "BC", ["promotions", "newsletter"]),
                                      ("d@example.com", "AB", []),
                                      ("e@example.com", "AB", ["promotions"])):
        contact = customer_make(email, province=province)
        for purpose in purposes:
            consent_give(contact=contact, purpose=purpose, source="test", wording="Yes", wording_version="t1",
                         occurred_at=month_ago)
    consent_withdraw(contact=contact, purpose="promotions", source="unsubscribe link")  # e changed her mind

    with django_assert_max_num_queries(3):
        sizes = dashboard.segment_sizes()

    # Alberta promotions: a and b (c lives in BC, d never agreed, e withdrew). Newsletter: a and c.
    assert [(s.segment_id == alberta.pk, s.name, s.purpose, s.size) for s in sizes] == [
        (True, "Alberta", "Promotions and offers", 2), (False, "Newsletter, everyone", "Newsletter", 2)]


def test_customer_problems_now_and_in_the_range(django_assert_max_num_queries):
    def order(status, promised=None, **fields):
        return order_make(email="p@example.com", total=30, on=day("2026-11-01"), status=status,
                          promised_on=day(promised) if promised else None, **fields)

    # Late: promised before today and not delivered.
    order(Order.Status.RECEIVED, "2026-11-18")  # late, 6 days, not shipped
    order(Order.Status.PAID, "2026-11-20")  # late, 4 days, not shipped
    order(Order.Status.SHIPPED, "2026-11-22")  # late, 2 days, on its way
    order(Order.Status.DELIVERED, "2026-11-10")  # delivered: kept or not, no longer a problem
    order(Order.Status.PREPARING, "2026-11-24")  # promised today: not late yet
    order(Order.Status.CANCELLED, "2026-11-01")

    returned = order(Order.Status.DELIVERED)
    for status in ReturnRequest.Status.values:  # requested, approved, received are open; refused, refunded not
        ReturnRequest.objects.create(order=returned, status=status, reason="Too small")

    for subject, is_open in (("Where is my order?", True), ("Do you ship to Yukon?", True), ("Thanks", False)):
        Interaction.objects.create(contact=customer_make(f"{subject[:5].lower().replace(' ', '')}@example.com"),
                                   kind=Interaction.Kind.QUESTION, subject=subject, is_open=is_open,
                                   occurred_at=timezone.now())

    unpaid = order(Order.Status.RECEIVED, paid=0)
    paid_later = order(Order.Status.PAID)
    expired = order(Order.Status.EXPIRED, paid=0)
    Invoice.objects.filter(order=expired).update(status=Invoice.Status.VOID)

    def failed(order_, when):
        payment = Payment.objects.create(order=order_, method=Payment.Method.CARD, status=Payment.Status.FAILED,
                                         amount=order_.total, failure_message="Card declined")
        Payment.objects.filter(pk=payment.pk).update(
            updated_at=datetime.datetime.fromisoformat(when).replace(tzinfo=EDMONTON))

    failed(unpaid, "2026-11-03T10:00")
    failed(unpaid, "2026-11-03T10:05")
    failed(paid_later, "2026-11-04T09:00")
    failed(expired, "2026-11-24T23:59")
    failed(unpaid, "2026-10-31T23:59")  # October in Edmonton: before the range

    with django_assert_max_num_queries(5):
        problems = dashboard.customer_problems(**NOVEMBER, today=TODAY)

    assert (problems.late_not_shipped, problems.late_in_transit, problems.late_deliveries) == (2, 1, 3)
    assert [(o.status, o.promised_on, o.days_late) for o in problems.late] == [
        ("received", day("2026-11-18"), 6), ("paid", day("2026-11-20"), 4), ("shipped", day("2026-11-22"), 2)]
    assert problems.late[0].status_label == "Received"
    assert problems.open_returns == 3
    assert problems.unanswered_questions == 2
    # Four failed attempts in the range; of their three orders, one was paid since and one expired: one still unpaid.
    assert (problems.failed_payments, problems.failed_unpaid_orders) == (4, 1)


def test_contacts_differing_only_in_letter_case_count_once_for_the_older():
    # The unique constraint is on the email as typed: "Zed@" and "zed@" may both be customer contacts. As in the
    # scores, an order to either belongs to the older one, and is counted once.
    customer_make("Zed@example.com")
    customer_make("zed@example.com")
    order_make(email="ZED@EXAMPLE.COM", total=20, on=day("2026-11-02"))
    order_make(email="zed@example.com", total=30, on=day("2026-11-03"))

    figures = dashboard.customers_new_and_returning(**NOVEMBER)
    curve = dashboard.customers_pareto_curve(**NOVEMBER)

    assert (figures.new, figures.returning, figures.revenue_new) == (1, 0, Decimal("50.00"))
    assert (curve.customers_total, curve.revenue_total) == (1, Decimal("50.00"))
