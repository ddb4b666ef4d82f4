"""The cart's row lock in order_place: two submits of the same cart (a double click, two tabs) queue on it, and the
second finds the cart empty. Without it both read the cart's lines and each makes an order of them."""

from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checkout.models import Cart, CartLine
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, CheckoutError, order_place
from core.tests.races import race_while_held
from inventory.models import Stock, StockMovement
from orders.models import Order
from orders.tests.test_checkout import ALBERTA, checkout, fill_cart
from outbox.models import OutboxEmail
from payments.models import Invoice

DETAILS = {**ALBERTA, "ship_postal_code": "T2P 1J9"}


def details_for(canada) -> CheckoutDetails:
    return CheckoutDetails(**DETAILS, delivery_method_id=canada.pk)


def checkout_in_progress(cart: Cart):
    """What a checkout of this cart holds while it runs: the cart's row, and its lines (deleted when the order is
    made). A submit that waits for the cart is held off at once; one that does not wait for it reads the lines,
    makes its order and is stopped at the latest when it deletes them, so both submits are in flight together."""

    def hold():
        Cart.objects.select_for_update().get(pk=cart.pk)
        list(CartLine.objects.select_for_update().filter(cart=cart))

    return hold


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_the_same_cart_submitted_twice_at_the_same_instant_makes_one_order_and_holds_the_stock_once(canada, mug):
    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    submit = partial(order_place, cart=cart, details=details_for(canada), language="en")

    outcomes = race_while_held(checkout_in_progress(cart), [submit, submit])

    assert sorted(kind for kind, _result in outcomes) == ["ok", "raised"]
    [order] = [result for kind, result in outcomes if kind == "ok"]
    [refused] = [result for kind, result in outcomes if kind == "raised"]
    assert type(refused) is CheckoutError and str(refused) == "Your cart is empty."
    assert list(Order.objects.values_list("pk", flat=True)) == [order.pk]
    assert list(order.lines.values_list("sku", "quantity")) == [("MUG-1", 2)]
    stock = Stock.objects.get(variant=mug)
    assert (stock.on_hand, stock.reserved) == (5, 2)
    assert list(StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION)
                .values_list("reference", "reserved_delta")) == [(order.number, 2)]
    assert list(Invoice.objects.values_list("order_id", flat=True)) == [order.pk]
    assert list(OutboxEmail.objects.values_list("reference", flat=True)) == [order.number]
    assert not CartLine.objects.exists()


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_a_double_click_whose_two_posts_arrive_together_makes_one_order(canada, mug):
    # The shopper's browser sends "Place order" twice with the same session: both requests still carry the
    # checkout details, so both reach order_place.
    first = Client()
    fill_cart(first, (mug, 1))
    checkout(first, canada, ALBERTA)
    review = first.get(reverse("orders:checkout_review")).content.decode()
    seen = review.split('name="seen_total" value="')[1].split('"')[0]
    second = Client()
    second.cookies.load(first.cookies)
    click = {"path": reverse("orders:checkout_place"), "data": {"seen_total": seen}}

    outcomes = race_while_held(checkout_in_progress(Cart.objects.get()),
                               [partial(first.post, **click), partial(second.post, **click)])

    assert seen == "34.13"  # 18.00 + 12.00 shipping + 2.50 handling = 32.50, GST 1.625 -> 1.63
    order = Order.objects.get()
    responses = [response for _kind, response in outcomes]
    assert [kind for kind, _response in outcomes] == ["ok", "ok"]
    assert [response.status_code for response in responses] == [302, 302]
    assert sorted(response["Location"] for response in responses) == sorted(
        [order.get_absolute_url(), reverse("orders:cart_detail")])
    [(turned_away, where)] = [(browser, response["Location"]) for browser, response in zip(
        (first, second), responses, strict=True) if response["Location"] != order.get_absolute_url()]
    assert "Your cart is empty." in turned_away.get(where).content.decode()
    assert list(order.lines.values_list("sku", "quantity")) == [("MUG-1", 1)]
    assert Stock.objects.get(variant=mug).reserved == 1


@pytest.mark.postgres  # SQLite has no row locks: select_for_update() writes no FOR UPDATE there
@pytest.mark.django_db
def test_placing_an_order_locks_the_cart_before_reading_its_lines(canada, mug):
    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=1)

    with CaptureQueriesContext(connection) as captured:
        order_place(cart=cart, details=details_for(canada), language="en")

    statements = [query["sql"] for query in captured.captured_queries
                  if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert statements[0] == (  # the cart, by id and owner (a guest's: no user), is the first thing read
        'SELECT "orders_cart"."id", "orders_cart"."user_id", "orders_cart"."coupon_codes", "orders_cart"."created_at", '
        '"orders_cart"."updated_at" '
        f'FROM "orders_cart" WHERE ("orders_cart"."id" = {cart.pk} AND "orders_cart"."user_id" IS NULL) '
        'ORDER BY "orders_cart"."id" ASC LIMIT 1 FOR UPDATE'
    )
    reads_of_lines = [i for i, sql in enumerate(statements) if 'FROM "orders_cartline"' in sql]
    assert reads_of_lines and reads_of_lines[0] == 1
