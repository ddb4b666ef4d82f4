"""The CRM counts only real money (issue 12, item 7): the 80/20 report, RFM scores and tiers use what each order's
invoice received, net of refunds. Orders are placed through the real checkout service and paid the ways the shop is
paid: a cheque recorded by staff, a card through Stripe's webhooks; refunds go through Stripe or are recorded."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from crm.models import CustomerScore
from crm.services.scoring import customer_scores_compute
from crm.tests.test_scoring import customer_make, order_make
from payments.models import Invoice
from payments.services.card import card_payment_start
from payments.services.received import payment_record
from payments.services.refunds import refund_create
from payments.tests.helpers import pay_and_confirm

pytestmark = pytest.mark.django_db

REPORT = "admin:crm_contact_pareto"


def customer(username: str):
    return get_user_model().objects.create_user(username=username, email=f"{username}@example.com", password="pw")


def cheque_received(order, amount=None):
    return payment_record(order=order, amount=amount or order.total, method="cheque", reference="123")


def card_paid(client, stripe_fake, order):
    payment = card_payment_start(order=order, success_url="http://shop.test/done",
                                 cancel_url="http://shop.test/cancelled")
    pay_and_confirm(client, stripe_fake, payment)
    return payment


def report_page(admin_client):
    response = admin_client.get(reverse(REPORT))
    assert response.status_code == 200
    return response.context["report"], response.content.decode()


def test_an_unpaid_order_is_not_counted_in_the_80_20_report(admin_client, order_for, mug, kettle, stripe_fake):
    paid = order_for("cheque", (mug, 1), user=customer("ana"))
    cheque_received(paid)
    order_for("card", (kettle, 1), user=customer("bob"))  # sent to Stripe's page, never paid
    waiting = order_for("cheque", (kettle, 1), user=customer("cy"))  # the cheque is in the mail

    report, page = report_page(admin_client)

    assert (paid.total, waiting.total) == (Decimal("34.13"), Decimal("98.18"))
    assert (report.customers_total, report.revenue_total) == (1, Decimal("34.13"))
    assert "<tr><th>Customers</th><td>1</td></tr>" in page
    assert "<tr><th>Revenue</th><td>$34.13</td></tr>" in page
    assert "ana@example.com" in page
    assert "bob@example.com" not in page and "cy@example.com" not in page
    assert "Unpaid, cancelled and expired orders are not counted" in page

    cheque_received(waiting, Decimal("50.00"))  # part of it arrives: that part counts

    report, page = report_page(admin_client)
    assert (report.customers_total, report.revenue_total) == (2, Decimal("84.13"))
    assert [(row.contact.email, row.revenue) for row in report.rows] == [("cy@example.com", Decimal("50.00")),
                                                                        ("ana@example.com", Decimal("34.13"))]
    assert "<tr><th>Revenue</th><td>$84.13</td></tr>" in page


def test_a_paid_then_fully_refunded_order_is_not_counted(admin_client, client, order_for, mug, kettle, stripe_fake,
                                                          django_capture_on_commit_callbacks):
    refunded = order_for("card", (kettle, 1), user=customer("ana"))
    payment = card_paid(client, stripe_fake, refunded)
    cheque_received(order_for("cheque", (mug, 1), user=customer("bob")))
    assert Invoice.objects.get(order=refunded).amount_paid == Decimal("98.18")

    with django_capture_on_commit_callbacks(execute=True):
        refund_create(payment=payment, amount=payment.amount, reason="Arrived broken")

    invoice = Invoice.objects.get(order=refunded)
    assert (invoice.amount_paid, invoice.amount_refunded) == (Decimal("98.18"), Decimal("98.18"))
    report, page = report_page(admin_client)
    assert (report.customers_total, report.revenue_total) == (1, Decimal("34.13"))
    assert [row.contact.email for row in report.rows] == ["bob@example.com"]
    assert "ana@example.com" not in page
    assert customer_scores_compute() == 1
    assert list(CustomerScore.objects.values_list("contact__email", "orders", "revenue")) == [
        ("bob@example.com", 1, Decimal("34.13"))]


def test_a_partly_refunded_order_counts_for_what_was_kept(admin_client, client, order_for, mug, kettle, stripe_fake,
                                                          django_capture_on_commit_callbacks):
    order = order_for("card", (kettle, 1), user=customer("ana"))
    payment = card_paid(client, stripe_fake, order)
    with django_capture_on_commit_callbacks(execute=True):
        refund_create(payment=payment, amount=Decimal("20.00"), reason="Dented lid")
    by_cheque = order_for("cheque", (mug, 1), user=customer("bob"))
    cheque_received(by_cheque)
    refund_create(payment=by_cheque.payments.get(), amount=Decimal("4.13"), reason="Late delivery")

    report, page = report_page(admin_client)

    assert (report.customers_total, report.revenue_total) == (2, Decimal("108.18"))
    # 78.18 of 108.18 is 72.3 %: both make the top.
    assert [(row.contact.email, row.revenue, row.share) for row in report.rows] == [
        ("ana@example.com", Decimal("78.18"), Decimal("72.3")), ("bob@example.com", Decimal("30.00"), Decimal("27.7"))]
    assert "<tr><th>Revenue</th><td>$108.18</td></tr>" in page
    assert "<td>ana@example.com</td><td>1</td><td>$78.18</td>" in page
    customer_scores_compute()
    scores = dict(CustomerScore.objects.values_list("contact__email", "revenue"))
    assert scores == {"ana@example.com": Decimal("78.18"), "bob@example.com": Decimal("30.00")}
    contact_page = admin_client.get(reverse("admin:crm_contact_change", args=[order.user.contact.pk]))
    assert "$78.18" in contact_page.content.decode()


def test_a_cancelled_order_with_its_money_not_yet_refunded_is_not_counted(admin_client, order_for, mug, admin_user):
    from orders.services.status import order_transition

    order = order_for("cheque", (mug, 1), user=customer("ana"))
    cheque_received(order)
    order_transition(order=order, to="cancelled", user=admin_user, note="Changed her mind")

    report, page = report_page(admin_client)

    assert Invoice.objects.get(order=order).amount_paid == Decimal("34.13")  # owed back, not revenue
    assert report.customers_total == 0
    assert "No paid orders in this period." in page


def test_the_80_20_report_runs_the_same_number_of_queries_for_three_or_thirty_customers(
        admin_client, django_assert_num_queries):
    today = timezone.localdate()

    def customers_make(start, stop):
        for i in range(start, stop):
            customer_make(f"c{i}@example.com")
            order_make(email=f"c{i}@example.com", total=10 + i, on=today)
            order_make(email=f"c{i}@example.com", total=10, on=today, paid=0)  # unpaid: filtered in the query

    customers_make(0, 3)
    admin_client.get(reverse(REPORT))  # warm the session and content types
    with django_assert_num_queries(5):
        few = admin_client.get(reverse(REPORT))
    customers_make(3, 30)
    with django_assert_num_queries(5):
        many = admin_client.get(reverse(REPORT))

    assert (few.context["report"].customers_total, many.context["report"].customers_total) == (3, 30)
