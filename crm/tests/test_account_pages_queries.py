"""A signed-in customer's account pages cost the same number of queries with 2 orders or 20 (issue 15: with 100,000
orders and 20,000 customers the account pages keep a constant query count; bench/crm.py measures them at that
size). The counts are exact, so a query added to a page shows up here; the order history is paged, newest first."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Address
from crm.tests.test_scoring import TODAY, days_ago, order_make
from inventory import services as stock_services
from payments.services.received import payment_record
from returns.tests.conftest import ship  # noqa: F401 — the shipped-order helper of the returns tests

pytestmark = pytest.mark.django_db

HISTORY = reverse("crm:account_orders")


@pytest.fixture
def shopper(django_user_model, mug, kettle, warehouse):
    stock_services.stock_receive(variant=mug, location=warehouse, quantity=100)
    stock_services.stock_receive(variant=kettle, location=warehouse, quantity=100)
    return django_user_model.objects.create_user("ana", "ana@example.com", "pw", first_name="Ana")


@pytest.fixture
def place(order_for, shopper, mug, kettle, ship):  # noqa: F811
    """place(count): that many more orders by the shopper, as they come: one item or two, paid by cheque, one in
    three shipped (with tracking), one in four cancelled before payment (the 2nd and the 20th: paid, not shipped)."""
    placed = []

    def _place(count):
        for _ in range(count):
            n = len(placed)
            items = [(mug, 1), (kettle, 1)] if n % 2 else [(mug, 2)]
            order = order_for("cheque", *items, user=shopper)
            if n % 4 == 2:
                from orders.services.status import order_transition

                order_transition(order=order, to=order.Status.CANCELLED)
            else:
                payment_record(order=order, amount=order.total, method="cheque", reference=f"CHQ-{n}")
                if n % 3 == 0:
                    ship(order, delivered_days_ago=None)
            placed.append(order)
        return placed

    return _place


def queries_of(client, url, django_assert_num_queries, expected) -> str:
    client.get(url)  # the header's categories are cached from then on, as on a live shop
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# Every signed-in page: the session and the user (2); the header's cart and tier come from the cache once read.
PAGES = [
    # then one page of orders and their shipments with carriers
    pytest.param(lambda orders: HISTORY, lambda orders: orders[-1].number, 4, id="order history"),
    # then the order with its invoice, credit notes, payments, refunds; its lines, taxes, timeline, shipments and
    # returns, and what the returns page needs to know (shipped and returned units, delivery date)
    pytest.param(lambda orders: reverse("orders:order_detail", args=[orders[-1].number]),
                 lambda orders: orders[-1].number, 17, id="order detail"),
    # then invoices with their orders, credit notes, payments, refunds, the business account
    pytest.param(lambda orders: reverse("payments:statement"), lambda orders: orders[-1].number, 7, id="statement"),
    # then the addresses
    pytest.param(lambda orders: reverse("accounts:address_list"), lambda orders: "Office 2", 3, id="addresses"),
    # then the profile
    pytest.param(lambda orders: reverse("accounts:profile"), lambda orders: "My profile", 3, id="profile"),
    # then the contact and its consent events (the states, then the log shown)
    pytest.param(lambda orders: reverse("crm:account_privacy"), lambda orders: "Privacy and consent", 5,
                 id="privacy"),
]


@pytest.mark.parametrize(("url_of", "shown", "queries"), PAGES)
def test_an_account_page_reads_as_many_queries_for_twenty_orders_as_for_two(
        client, shopper, place, url_of, shown, queries, django_assert_num_queries):
    Address.objects.create(user=shopper, label="Home", name="Ana Tremblay", street="100 8 Ave SW", city="Calgary",
                           province="AB", postal_code="T2P 1J9", is_default=True)
    client.force_login(shopper)
    orders = place(2)
    queries_of(client, url_of(orders), django_assert_num_queries, queries)

    orders = place(18)
    for n in range(3):
        Address.objects.create(user=shopper, label=f"Office {n}", name="Ana Tremblay", street=f"{n} 4 St SW",
                               city="Calgary", province="AB", postal_code="T2P 2Y3")
    html = queries_of(client, url_of(orders), django_assert_num_queries, queries)

    assert shown(orders) in html


def history_numbers(html: str) -> list[str]:
    return re.findall(r">(T-\d+)</a></td>", html)


def test_the_order_history_shows_25_orders_a_page_newest_first_with_the_same_queries(
        client, shopper, django_assert_num_queries):
    orders = [order_make(email="ana@example.com", user=shopper, total=10 + n, on=days_ago(60 - n))
              for n in range(27)]
    newest_first = [order.number for order in reversed(orders)]
    client.force_login(shopper)

    first = queries_of(client, HISTORY, django_assert_num_queries, 4)
    second = queries_of(client, HISTORY + "?page=2", django_assert_num_queries, 4)

    assert history_numbers(first) == newest_first[:25]
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first
    assert history_numbers(second) == newest_first[25:]
    assert 'rel="prev" href="?page=1"' in second and 'rel="next"' not in second
    assert client.get(HISTORY + "?page=3").status_code == 404
    assert client.get(HISTORY + "?page=99999999999999999999").status_code == 404
    assert history_numbers(client.get(HISTORY + "?page=first").content.decode()) == newest_first[:25]


def test_a_history_of_one_page_has_no_page_links(client, shopper):
    order = order_make(email="ana@example.com", user=shopper, total=Decimal("12.00"), on=TODAY)
    client.force_login(shopper)

    html = client.get(HISTORY).content.decode()

    assert history_numbers(html) == [order.number]
    assert 'class="pagination' not in html
