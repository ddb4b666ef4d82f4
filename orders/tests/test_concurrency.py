"""Real threads checking out the last units at the same instant on Postgres: never an oversold unit, never half an
order. Each shopper has their own cart; only the stock rows are shared."""

from collections import Counter
from functools import partial

import pytest
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from checkout.models import Cart, CartLine
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory import services as stock_services
from inventory.models import Stock, StockMovement
from inventory.tests.factories import WarehouseFactory
from inventory.tests.test_concurrency import assert_ledger_matches_stock, race
from orders.models import Order, OrderAllocation, OrderEvent, OrderLine, OrderTaxLine
from orders.tests.test_checkout import ALBERTA, checkout, fill_cart, place
from outbox.models import OutboxEmail

pytestmark = [
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]


def details_for(canada, n: int) -> CheckoutDetails:
    return CheckoutDetails(
        email=f"shopper{n}@example.com", phone="", ship_name=f"Shopper {n}", ship_address=ALBERTA["ship_address"],
        ship_city=ALBERTA["ship_city"], ship_province="AB", ship_postal_code="T2P 1J9",
        delivery_method_id=canada.pk, payment_method="cheque",
    )


def cart_contents(cart: Cart) -> dict[int, int]:
    return dict(CartLine.objects.filter(cart=cart).values_list("variant_id", "quantity"))


def test_two_dozen_shoppers_placing_orders_for_the_last_three_kettles_at_once_sell_exactly_three(
    canada, warehouse, kettle, mug
):
    # Given 3 kettles, 2 at the warehouse and 1 at a second warehouse that ships later (higher priority number),
    second = WarehouseFactory(name="Edmonton Warehouse", priority=5)
    stock_services.stock_transfer(variant=kettle, source=warehouse, destination=second, quantity=1)
    # and 24 shoppers, each with their own cart: every 4th wants 2 kettles, every other one also takes a mug
    # (5 mugs: plenty for the 3 orders at most that can succeed).
    wanted = {}
    carts = []
    for n in range(24):
        cart = Cart.objects.create()
        cart_services.cart_add(cart=cart, variant_id=kettle.pk, quantity=2 if n % 4 == 0 else 1)
        if n % 2:
            cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=1)
        carts.append(cart)
        wanted[cart.pk] = cart_contents(cart)
    assert sum(1 for w in wanted.values() if w[kettle.pk] == 2) == 6

    # When all of them place their order at the same instant
    outcomes = race([
        partial(order_place, cart=cart, details=details_for(canada, n), language="en")
        for n, cart in enumerate(carts)
    ])

    # Then nothing broke, and the orders that went through took exactly the 3 kettles, no more
    assert [o for o in outcomes if o[0] == "error"] == []
    won = [(cart, result) for cart, (kind, result) in zip(carts, outcomes, strict=True) if kind == "ok"]
    lost = [(cart, error) for cart, (kind, error) in zip(carts, outcomes, strict=True) if kind == "sold out"]
    assert len(won) + len(lost) == 24
    assert sum(wanted[cart.pk][kettle.pk] for cart, _order in won) == 3
    assert 2 <= len(won) <= 3
    # every shopper turned away was short of kettles only, and was told fewer were left than they wanted
    for cart, error in lost:
        assert set(error.shortages) == {kettle.pk}
        assert error.shortages[kettle.pk] < wanted[cart.pk][kettle.pk]

    # Stock: every kettle is held, at the warehouse first; mugs only for the orders that went through
    assert dict(Stock.objects.filter(variant=kettle).values_list("location_id", "reserved")) == {
        warehouse.pk: 2, second.pk: 1}
    for stock in Stock.objects.all():
        assert 0 <= stock.reserved <= stock.on_hand
    mugs_sold = sum(wanted[cart.pk].get(mug.pk, 0) for cart, _order in won)
    assert Stock.objects.get(variant=mug).reserved == mugs_sold
    assert_ledger_matches_stock()

    # Orders: one complete order per winner, nothing at all for the others
    orders = {order.pk: order for _cart, order in won}
    assert set(Order.objects.values_list("pk", flat=True)) == set(orders)
    assert not Order.objects.filter(number__startswith="tmp-").exists()
    for cart, order in won:
        assert dict(OrderLine.objects.filter(order=order).values_list("variant_id", "quantity")) == wanted[cart.pk]
        assert dict(
            OrderAllocation.objects.filter(line__order=order).values("line__variant_id")
            .annotate(units=Sum("quantity")).values_list("line__variant_id", "units")
        ) == wanted[cart.pk]
    assert OrderLine.objects.count() == sum(len(wanted[cart.pk]) for cart, _order in won)
    assert OrderAllocation.objects.filter(line__variant=kettle).aggregate(units=Sum("quantity"))["units"] == 3
    assert OrderTaxLine.objects.count() == len(won)  # Alberta: GST only
    assert OrderEvent.objects.count() == len(won)
    assert Counter(OutboxEmail.objects.values_list("reference", flat=True)) == Counter(
        order.number for order in orders.values())
    # The ledger holds one reservation per allocation, each referring to its order
    reservations = StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION)
    assert reservations.count() == OrderAllocation.objects.count()
    assert set(reservations.values_list("reference", flat=True)) == {order.number for order in orders.values()}

    # Carts: emptied for the winners, exactly as they were for everyone turned away
    for cart, _order in won:
        assert cart_contents(cart) == {}
    for cart, _error in lost:
        assert cart_contents(cart) == wanted[cart.pk]


def test_shoppers_racing_through_the_checkout_pages_for_the_last_kettle_make_one_order(canada, warehouse, kettle):
    stock_services.stock_sell_in_store(variant=kettle, location=warehouse, quantity=2)  # one kettle left
    browsers = [Client() for _ in range(6)]
    for browser in browsers:  # each puts the last kettle in their cart and fills in the checkout form
        fill_cart(browser, (kettle, 1))
        assert checkout(browser, canada, ALBERTA).status_code == 302

    outcomes = race([partial(place, browser) for browser in browsers])  # review, then "Place order", all at once

    assert [kind for kind, _response in outcomes] == ["ok"] * 6, outcomes
    order = Order.objects.get()
    locations = [response["Location"] for _kind, response in outcomes]
    assert [response.status_code for _kind, response in outcomes] == [302] * 6
    assert sorted(locations) == sorted([order.get_absolute_url()] + [reverse("orders:cart_detail")] * 5)
    for browser, location in zip(browsers, locations, strict=True):
        if location == order.get_absolute_url():
            continue
        page = browser.get(location).content.decode()
        assert "Sorry, Gooseneck Kettle is out of stock online." in page
        assert "Your cart is empty." in page  # the sold-out line was taken out of the cart
    assert list(order.lines.values_list("sku", "quantity")) == [("KET-1", 1)]
    stock = Stock.objects.get(variant=kettle)
    assert (stock.on_hand, stock.reserved) == (1, 1)
    assert OrderAllocation.objects.get().quantity == 1
    assert_ledger_matches_stock()
