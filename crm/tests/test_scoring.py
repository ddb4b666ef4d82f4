import datetime
import itertools
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from crm.models import Contact, CustomerScore
from crm.services.scoring import customer_scores_compute, pareto_report
from crm.tasks import customer_scores_nightly
from orders.models import DeliveryMethod, Order, TaxRate
from orders.rates import rates_and_delivery_seed
from payments.models import Invoice

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 24)
_numbers = itertools.count(1)


def noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def order_make(*, email: str, total, on: datetime.date, user=None, status=Order.Status.DELIVERED, paid=None,
               refunded=0, **fields) -> Order:
    """An order row with only what the CRM reads (the total is all items, so it adds up) and its invoice, which has
    received `paid` (default: the total) and refunded `refunded`."""
    if not DeliveryMethod.objects.filter(code="standard").exists():
        rates_and_delivery_seed(TaxRate, DeliveryMethod)
    total = Decimal(str(total))
    paid = total if paid is None else Decimal(str(paid))
    order = Order.objects.create(
        number=f"T-{next(_numbers):06d}", user=user, status=status, email=email, ship_name="Test",
        ship_address="1 Main St", ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9",
        delivery_method=DeliveryMethod.objects.get(code="standard"), delivery_label="Standard",
        payment_method=Order.PaymentMethod.CARD, subtotal=total, shipping=Decimal("0"), handling=Decimal("0"),
        tax_total=Decimal("0"), total=total, **fields,
    )
    Order.objects.filter(pk=order.pk).update(created_at=noon(on))
    order.created_at = noon(on)
    refunded = Decimal(str(refunded))
    Invoice.objects.create(order=order, number=f"INV-{order.number}", amount=total, amount_paid=paid,
                           amount_refunded=refunded, amount_credited=refunded, issued_on=on, due_on=on,
                           status=Invoice.Status.PAID if paid >= total else Invoice.Status.OPEN)
    return order


def customer_make(email: str, **fields) -> Contact:
    return Contact.objects.create(kind=Contact.Kind.CUSTOMER, name=email.split("@")[0].title(), email=email,
                                  **fields)


def days_ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


def test_rfm_scores_rank_customers_into_quintiles():
    user = get_user_model().objects.create_user("dora", "dora-account@example.com", "x")
    # (email, order count, revenue, days since last order)
    data = [("ann@example.com", 1, 500, 100), ("bob@example.com", 2, 400, 80), ("cy@example.com", 3, 300, 60),
            ("dora@example.com", 4, 200, 40), ("eve@example.com", 5, 100, 20)]
    for email, count, revenue, last in data:
        contact = customer_make(email, user=user if email.startswith("dora") else None)
        for i in range(count):
            on = days_ago(last + 10 * i)
            if contact.user_id and i == 0:  # placed with her account under another email: still hers
                order_make(email="Other@Example.com", user=user, total=revenue / count, on=on)
            else:
                order_make(email=email.upper(), total=revenue / count, on=on)
    order_make(email="eve@example.com", total=1000, on=days_ago(1), status=Order.Status.CANCELLED)
    order_make(email="eve@example.com", total=1000, on=days_ago(2), status=Order.Status.EXPIRED)
    order_make(email="stranger@example.com", total=5000, on=days_ago(1))  # no contact: not a customer here

    assert customer_scores_compute(today=TODAY) == 5

    scores = {s.contact.email: s for s in CustomerScore.objects.select_related("contact")}
    assert {email: s.rfm for email, s in scores.items()} == {
        "ann@example.com": "115", "bob@example.com": "224", "cy@example.com": "333", "dora@example.com": "442",
        "eve@example.com": "551",
    }
    eve = scores["eve@example.com"]
    assert (eve.orders, eve.revenue, eve.last_order_on, eve.usual_interval_days) == (
        5, Decimal("100.00"), days_ago(20), 10)
    assert scores["dora@example.com"].revenue == Decimal("200.00")
    assert scores["bob@example.com"].usual_interval_days is None
    # 500 + 400 + 300 = 1200 of 1500 = 80 %: the top three; the rest order often enough to be regular.
    assert {email: s.tier for email, s in scores.items()} == {
        "ann@example.com": "top", "bob@example.com": "top", "cy@example.com": "top",
        "dora@example.com": "regular", "eve@example.com": "regular",
    }


def test_equal_values_share_a_score_and_recomputing_is_idempotent():
    for email in ("a@example.com", "b@example.com", "c@example.com"):
        customer_make(email)
        order_make(email=email, total=10, on=days_ago(5))

    assert customer_scores_compute(today=TODAY) == 3
    assert customer_scores_compute(today=TODAY) == 3

    assert CustomerScore.objects.count() == 3
    assert set(CustomerScore.objects.values_list("recency", "frequency", "monetary")) == {(1, 1, 1)}


def test_a_customer_whose_orders_were_all_cancelled_loses_the_score():
    contact = customer_make("gone@example.com")
    order = order_make(email="gone@example.com", total=10, on=days_ago(5))
    customer_scores_compute(today=TODAY)
    assert CustomerScore.objects.filter(contact=contact).exists()

    Order.objects.filter(pk=order.pk).update(status=Order.Status.CANCELLED)
    assert customer_scores_compute(today=TODAY) == 0

    assert not CustomerScore.objects.exists()


def test_pareto_report_on_ten_customers_top_two_make_eighty_percent():
    revenues = [500, 300, 100, 40, 20, 15, 10, 8, 5, 2]
    contacts = []
    for i, revenue in enumerate(revenues):
        contacts.append(customer_make(f"c{i}@example.com"))
        order_make(email=f"c{i}@example.com", total=revenue, on=days_ago(10 + i))

    report = pareto_report()

    assert report.customers_total == 10
    assert report.customers_80 == 2
    assert report.share_of_customers == Decimal("20.0")
    assert report.revenue_total == Decimal("1000.00")
    assert report.revenue_80 == Decimal("800.00")
    assert report.share_of_revenue == Decimal("80.0")
    assert [(r.contact, r.revenue, r.share, r.cumulative_share) for r in report.rows] == [
        (contacts[0], Decimal("500.00"), Decimal("50.0"), Decimal("50.0")),
        (contacts[1], Decimal("300.00"), Decimal("30.0"), Decimal("80.0")),
    ]
    customer_scores_compute(today=TODAY)
    assert set(CustomerScore.objects.filter(tier="top").values_list("contact__email", flat=True)) == {
        "c0@example.com", "c1@example.com"}


def test_pareto_report_shares_are_rounded_to_one_decimal_and_since_drops_older_orders():
    for email, revenue in (("a@example.com", 50), ("b@example.com", 30), ("c@example.com", 20)):
        customer_make(email)
        order_make(email=email, total=revenue, on=datetime.date(2026, 6, 1))
    customer_make("old@example.com")
    order_make(email="old@example.com", total=900, on=datetime.date(2025, 1, 1))

    report = pareto_report(since=datetime.date(2026, 1, 1))

    # 50 (50 %) is not yet 80 %; 50 + 30 = 80 is: two customers of three.
    assert (report.customers_total, report.customers_80) == (3, 2)
    assert report.share_of_customers == Decimal("66.7")
    assert report.share_of_revenue == Decimal("80.0")
    assert report.revenue_total == Decimal("100.00")
    assert pareto_report().customers_80 == 1  # all time: the 900 alone is 90 %


def test_a_monthly_buyer_silent_for_three_months_is_flagged_with_the_reason():
    regular = customer_make("monthly@example.com")
    last = datetime.date(2026, 8, 24)
    for k in range(6):
        order_make(email="monthly@example.com", total=100, on=last - datetime.timedelta(days=30 * k))
    occasional = customer_make("yearly@example.com")
    order_make(email="yearly@example.com", total=10, on=days_ago(400))
    order_make(email="yearly@example.com", total=10, on=days_ago(765))
    irregular = customer_make("rare@example.com")
    for days in (800, 1100, 1400):
        order_make(email="rare@example.com", total=10, on=days_ago(days))
    recent = customer_make("recent@example.com")
    for days in (40, 70, 100, 130):
        order_make(email="recent@example.com", total=10, on=days_ago(days))

    customer_scores_compute(today=TODAY)

    score = CustomerScore.objects.get(contact=regular)
    assert score.usual_interval_days == 30
    assert score.churn_risk is True
    assert score.churn_reason == "Usually orders every 30 days; last order 92 days ago (Aug 24, 2026)."
    assert score.tier == "top"
    yearly = CustomerScore.objects.get(contact=occasional)
    assert (yearly.churn_risk, yearly.churn_reason, yearly.usual_interval_days, yearly.tier) == (
        False, "", None, "occasional")
    assert CustomerScore.objects.get(contact=irregular).churn_risk is False  # every 300 days: occasional
    assert CustomerScore.objects.get(contact=recent).churn_risk is False  # 40 days, usually 30: not yet


def test_nightly_task_scores_customers_and_is_scheduled_at_two():
    customer_make("a@example.com")
    order_make(email="a@example.com", total=10, on=timezone.localdate())

    assert customer_scores_nightly.delay().get() == 1

    entry = settings.SHOP_JOBS["customer-scores"]  # run by Celery beat or manage.py run_jobs (jobs app)
    assert entry["task"] == "crm.tasks.customer_scores_nightly"
    assert entry["schedule"].hour == {2}


def test_unpaid_and_refunded_orders_do_not_count_for_scores_tiers_or_churn():
    regular = customer_make("monthly@example.com")
    last_paid = datetime.date(2026, 8, 24)
    for k in range(6):
        order_make(email="monthly@example.com", total=100, on=last_paid - datetime.timedelta(days=30 * k))
    order_make(email="monthly@example.com", total=100, on=days_ago(10), paid=0)  # cheque never came
    order_make(email="monthly@example.com", total=100, on=days_ago(5), refunded=100)  # paid, all sent back
    order_make(email="monthly@example.com", total=100, on=days_ago(3), paid=40, status=Order.Status.CANCELLED)
    partly = customer_make("partly@example.com")
    order_make(email="partly@example.com", total=900, on=days_ago(2), refunded=300)
    order_make(email="partly@example.com", total=500, on=days_ago(1), paid=50)  # a first instalment

    assert customer_scores_compute(today=TODAY) == 2

    score = CustomerScore.objects.get(contact=regular)
    assert (score.orders, score.revenue, score.last_order_on) == (6, Decimal("600.00"), last_paid)
    assert score.churn_reason == "Usually orders every 30 days; last order 92 days ago (Aug 24, 2026)."
    other = CustomerScore.objects.get(contact=partly)
    assert (other.orders, other.revenue, other.tier) == (2, Decimal("650.00"), "top")


def test_an_order_paid_later_counts_on_the_day_it_was_placed(order_for, mug):
    from payments.services.received import payment_record

    order = order_for("cheque", (mug, 1))
    placed = days_ago(40)
    Order.objects.filter(pk=order.pk).update(created_at=noon(placed))
    assert customer_scores_compute(today=TODAY) == 0  # the cheque has not arrived

    payment_record(order=order, amount=Decimal("34.13"), method="cheque", reference="881")

    assert customer_scores_compute(today=TODAY) == 1
    score = CustomerScore.objects.get()
    assert (score.contact.email, score.revenue, score.last_order_on) == ("ana@example.com", Decimal("34.13"), placed)
    assert pareto_report(since=placed).revenue_total == Decimal("34.13")
    assert pareto_report(since=placed + datetime.timedelta(days=1)).customers_total == 0


def test_an_order_placed_late_in_the_evening_counts_on_its_local_day():
    customer_make("late@example.com")
    order = order_make(email="late@example.com", total=10, on=days_ago(3))
    evening = datetime.datetime.combine(days_ago(3), datetime.time(23, 30), tzinfo=timezone.get_current_timezone())
    Order.objects.filter(pk=order.pk).update(created_at=evening)  # already the next day in UTC

    customer_scores_compute(today=TODAY)

    assert CustomerScore.objects.get().last_order_on == days_ago(3)
    assert pareto_report(since=days_ago(2)).customers_total == 0


def test_a_rerun_updates_only_what_changed_yet_every_score_says_when_it_was_computed(monkeypatch):
    steady, growing, gone = (customer_make(f"{name}@example.com") for name in ("steady", "growing", "gone"))
    order_make(email="steady@example.com", total=5, on=days_ago(30))  # the lowest scores, before and after
    order_make(email="growing@example.com", total=10, on=days_ago(20))
    lost = order_make(email="gone@example.com", total=10, on=days_ago(10))
    customer_scores_compute(today=TODAY)
    assert CustomerScore.objects.get(contact=steady).rfm == "111"

    order_make(email="growing@example.com", total=90, on=days_ago(1))
    Order.objects.filter(pk=lost.pk).update(status=Order.Status.CANCELLED)
    later = timezone.now() + datetime.timedelta(hours=24)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert customer_scores_compute(today=TODAY) == 2

    scores = {s.contact: s for s in CustomerScore.objects.select_related("contact")}
    assert set(scores) == {steady, growing}  # the customer whose only order was cancelled loses the score
    assert (scores[growing].orders, scores[growing].revenue, scores[growing].rfm) == (2, Decimal("100.00"), "333")
    assert (scores[steady].orders, scores[steady].revenue, scores[steady].rfm) == (1, Decimal("5.00"), "111")
    assert {s.computed_at for s in scores.values()} == {later}


def test_the_scores_take_the_same_number_of_queries_for_three_or_thirty_customers(django_assert_num_queries):
    def customers_make(start, stop):
        for i in range(start, stop):
            customer_make(f"c{i}@example.com")
            order_make(email=f"c{i}@example.com", total=10 + i, on=days_ago(i % 7))

    # Customers, their orders, the current scores, the changed scores (one batch up to 1,000), the time stamp,
    # inside a savepoint (two statements).
    customers_make(0, 3)
    with django_assert_num_queries(7):
        assert customer_scores_compute(today=TODAY) == 3
    customers_make(3, 30)
    with django_assert_num_queries(7):
        assert customer_scores_compute(today=TODAY) == 30
    with django_assert_num_queries(6):  # nothing changed: nothing to write but the time stamp
        assert customer_scores_compute(today=TODAY) == 30
