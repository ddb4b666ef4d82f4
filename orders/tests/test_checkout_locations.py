"""A shopper only ever buys units that can be shipped: those at an active location that ships online orders. Units
on the shelf of a store that does not ship, or at a location that was closed, are refused at the checkout even if
they were sellable when the shopper filled the cart."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import VariantFactory
from inventory import services as stock_services
from inventory.models import Stock, StockMovement
from orders.models import Order, OrderAllocation
from orders.tests.test_checkout import ALBERTA, checkout, fill_cart, place

pytestmark = pytest.mark.django_db


def test_mugs_moved_to_a_store_that_does_not_ship_are_refused_at_checkout(client, canada, mug, warehouse, store):
    fill_cart(client, (mug, 2))
    assert checkout(client, canada, ALBERTA).status_code == 302
    # Meanwhile the staff move every mug to the Calgary store, which sells at its counter only.
    stock_services.stock_transfer(variant=mug, source=warehouse, destination=store, quantity=5)

    response = place(client)

    assert (response.status_code, response["Location"]) == (302, reverse("orders:cart_detail"))
    cart_page = client.get(response["Location"]).content.decode()
    assert "Sorry, Stoneware Mug is out of stock online." in cart_page
    assert "Your cart is empty." in cart_page
    assert not Order.objects.exists()
    assert dict(Stock.objects.filter(variant=mug).values_list("location__code", "reserved")) == {"wh": 0, "yyc": 0}
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION).exists()
    product_page = client.get(mug.product.get_absolute_url()).content.decode()
    assert "Out of stock online" in product_page
    assert "Available in store: Calgary store" in product_page


def test_mugs_left_at_a_warehouse_that_was_closed_are_refused_at_checkout(client, canada, mug, warehouse):
    fill_cart(client, (mug, 2))
    assert checkout(client, canada, ALBERTA).status_code == 302
    # Meanwhile the warehouse is closed (made inactive) with its 5 mugs still counted there; it still "ships online".
    warehouse.is_active = False
    warehouse.save()

    response = place(client)

    assert (response.status_code, response["Location"]) == (302, reverse("orders:cart_detail"))
    assert "Sorry, Stoneware Mug is out of stock online." in client.get(response["Location"]).content.decode()
    assert not Order.objects.exists()
    stock = Stock.objects.get(variant=mug)
    assert (stock.on_hand, stock.reserved) == (5, 0)
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION).exists()
    assert "Out of stock online" in client.get(mug.product.get_absolute_url()).content.decode()


def test_a_backorderable_lamp_found_only_in_a_store_that_does_not_ship_is_ordered_as_backordered(
    client, canada, warehouse, store
):
    lamp = VariantFactory(sku="LAMP-1", price=Decimal("40.00"), product__name="Desk Lamp",
                          product__allow_backorder=True)
    stock_services.stock_receive(variant=lamp, location=store, quantity=4)

    fill_cart(client, (lamp, 2))
    assert "Desk Lamp: 2 in your cart — 0 ship now, 2 ship later" in client.get(
        reverse("orders:cart_detail")).content.decode()
    checkout(client, canada, ALBERTA)
    response = place(client)

    order = Order.objects.get()
    assert response["Location"] == order.get_absolute_url()
    line = order.lines.get()
    assert (line.quantity, line.backordered) == (2, 2)
    assert not OrderAllocation.objects.exists()
    stock = Stock.objects.get(variant=lamp, location=store)
    assert (stock.on_hand, stock.reserved) == (4, 0)
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION).exists()
    assert "2 ship later, when they are back in stock" in client.get(order.get_absolute_url()).content.decode()
