"""The staff's Orders list (checkout.admin) reads the same number of queries for 2 orders or 20 (issue 15: with
100,000 orders the admin order list keeps a constant query count; bench/crm.py measures it at that size). Exact
counts, so a query added per row, or to the page, shows up here."""

import re

import pytest
from django.urls import reverse

from inventory import services as stock_services
from orders.models import Order
from orders.services.status import order_transition
from payments.services.received import payment_record
from payments.tests.conftest import order_for  # noqa: F401 — shared fixture

pytestmark = pytest.mark.django_db

ORDERS = reverse("admin:orders_order_changelist")


@pytest.fixture
def place(order_for, mug, kettle, warehouse):  # noqa: F811
    """place(count): that many more orders as staff find them: paid by cheque or waiting for it, a cancelled one, a
    late one, one flagged for attention; one item or two."""
    stock_services.stock_receive(variant=mug, location=warehouse, quantity=100)
    stock_services.stock_receive(variant=kettle, location=warehouse, quantity=100)
    placed = []

    def _place(count):
        for _ in range(count):
            n = len(placed)
            order = order_for("cheque", *([(mug, 1), (kettle, 1)] if n % 2 else [(mug, 2)]))
            if n % 5 == 1:
                order_transition(order=order, to=Order.Status.CANCELLED)
            elif n % 5 != 2:
                payment_record(order=order, amount=order.total, method="cheque", reference=f"CHQ-{n}")
            if n % 5 == 3:
                Order.objects.filter(pk=order.pk).update(attention="Paid $30.00; the total is $34.13.")
            if n % 5 == 4:
                Order.objects.filter(pk=order.pk).update(promised_on="2020-01-06")  # late
            placed.append(order)
        return placed

    return _place


def listed(html: str) -> list[str]:
    return re.findall(r'<th class="field-number"><a href="[^"]*">([^<]+)</a>', html)


# The session, the staff member and their permissions (their own, their groups'), the delivery methods of the
# filter, one count (of the listed orders only), the page of orders with their invoices, the first and last order
# dates and the dates of the date hierarchy: 9.
@pytest.mark.parametrize(("query", "queries"), [
    pytest.param("", 9, id="all orders"),
    pytest.param("?status=paid", 9, id="filtered by status"),
    pytest.param("?late=yes", 9, id="late"),
    pytest.param("?q=KET-1", 9, id="searched by SKU"),
])
def test_the_orders_list_reads_as_many_queries_for_twenty_orders_as_for_two(
        client, staff_in, place, query, queries, django_assert_num_queries):
    client.force_login(staff_in("Accounts"))
    place(2)
    client.get(ORDERS + query)  # warm the content types
    with django_assert_num_queries(queries):
        few = listed(client.get(ORDERS + query).content.decode())

    orders = place(18)
    with django_assert_num_queries(queries):
        many = listed(client.get(ORDERS + query).content.decode())

    assert len(many) > len(few)
    expected = {
        "": orders,
        "?status=paid": [o for o in orders if Order.objects.get(pk=o.pk).status == Order.Status.PAID],
        "?late=yes": [o for o in orders if Order.objects.get(pk=o.pk).is_late],
        "?q=KET-1": orders[1::2],
    }[query]
    assert sorted(many) == sorted(o.number for o in expected)
