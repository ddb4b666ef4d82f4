"""Backorders: a product that allows them sells beyond its stock; the missing units are recorded on the order line,
and stock received later is held for the waiting orders, oldest first, without ever holding more than is on hand."""

import datetime
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db.models import F
from django.urls import reverse

from catalog.tests.factories import VariantFactory
from checkout.models import Cart, CartLine
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory import services as stock_services
from inventory.models import Stock, StockMovement
from orders.models import Order, OrderAllocation, OrderEvent, OrderLine
from orders.services.backorders import backorders_fill
from orders.services.reserve import order_stock_reserve
from orders.services.status import order_transition
from orders.tests.conftest import canada, kettle, mug  # noqa: F401 — shared fixtures
from outbox.models import OutboxEmail
from shipping.tasks import backorders_fill_all

pytestmark = pytest.mark.django_db

RESTOCK = datetime.date(2099, 3, 12)


def _details(delivery, email):
    return CheckoutDetails(email=email, phone="403-555-0101", ship_name="Ana Tremblay", ship_address="100 8 Ave SW",
                           ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9",
                           delivery_method_id=delivery.pk, payment_method="cheque")


@pytest.fixture
def lamp(warehouse):
    """A backorderable desk lamp: 2 in stock, more expected on RESTOCK."""
    variant = VariantFactory(sku="LAMP-1", price=Decimal("40.00"), product__name="Desk Lamp",
                             product__allow_backorder=True, product__restock_expected_on=RESTOCK)
    stock_services.stock_receive(variant=variant, location=warehouse, quantity=2)
    return variant


@pytest.fixture
def order_of(canada):  # noqa: F811
    """order_of((variant, qty), ..., email=...) places a cheque order through the real checkout service."""

    def place(*items, email="ana@example.com"):
        cart = Cart.objects.create()
        for variant, quantity in items:
            cart_services.cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
        return order_place(cart=cart, details=_details(canada, email), language="en")

    return place


def stock_of(variant, location):
    return Stock.objects.get(variant=variant, location=location)


def assert_never_oversold():
    assert not Stock.objects.filter(reserved__gt=F("on_hand")).exists()
    assert not Stock.objects.filter(reserved__lt=0).exists()


# The cart


def test_the_cart_takes_more_than_the_stock_of_a_backorderable_product_and_says_what_ships_later(cart, lamp):
    change = cart_services.cart_add(cart=cart, variant_id=lamp.pk, quantity=5)

    assert (change.quantity, change.level) == (5, "warning")
    assert change.message == "Desk Lamp: 5 in your cart — 2 ship now, 3 ship later (expected March 12, 2099)."
    [row] = cart_services.cart_rows(cart)
    assert (row.quantity, row.ships_now, row.ships_later, row.restock_on) == (5, 2, 3, RESTOCK)
    assert row.ships_later_note == "2 ship now, 3 ship later (expected March 12, 2099)"


def test_a_backorderable_product_out_of_stock_can_still_be_added_and_ships_when_back(cart, warehouse):
    variant = VariantFactory(product__name="Camp Stove", product__allow_backorder=True,
                             product__restock_expected_on=datetime.date(2000, 1, 1))  # a date already past

    change = cart_services.cart_set_quantity(cart=cart, variant_id=variant.pk, quantity=2)

    assert change.message == "Camp Stove: 2 in your cart — 0 ship now, 2 ship later (as soon as it is back)."
    [row] = cart_services.cart_rows(cart)
    assert (row.ships_now, row.ships_later, row.restock_on) == (0, 2, None)


def test_a_line_within_the_stock_of_a_backorderable_product_ships_now(cart, lamp):
    change = cart_services.cart_add(cart=cart, variant_id=lamp.pk, quantity=2)

    assert (change.message, change.level) == ("Desk Lamp: 2 in your cart.", "success")
    [row] = cart_services.cart_rows(cart)
    assert (row.ships_now, row.ships_later, row.restock_on, row.ships_later_note) == (2, 0, None, "")


def test_the_cart_page_says_which_lines_ship_later(client, lamp, mug):  # noqa: F811
    client.post(reverse("orders:cart_add"), {"variant": lamp.pk, "quantity": 3})
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})

    client.get(reverse("orders:cart_detail"))  # shows the messages of the two additions
    html = client.get(reverse("orders:cart_detail")).content.decode()

    assert html.count("ship later") == 1
    assert "2 ship now, 1 ship later (expected March 12, 2099)" in html


def test_products_without_backorders_are_still_clamped_and_a_sell_out_is_clamped_back(cart, mug):  # noqa: F811
    change = cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=8)

    assert change.message == "Only 5 left of Stoneware Mug — quantity set to 5."
    [row] = cart_services.cart_rows(cart)
    assert (row.ships_now, row.ships_later) == (5, 0)


# Placing an order


def test_an_order_beyond_the_stock_backorders_the_rest_and_reserves_only_what_exists(order_of, lamp, warehouse):
    order = order_of((lamp, 5))

    line = order.lines.get()
    assert (line.quantity, line.backordered) == (5, 3)
    assert list(OrderAllocation.objects.filter(line=line).values_list("quantity", flat=True)) == [2]
    stock = stock_of(lamp, warehouse)
    assert (stock.on_hand, stock.reserved) == (2, 2)
    reservation = StockMovement.objects.get(kind=StockMovement.Kind.ONLINE_RESERVATION)
    assert (reservation.reserved_delta, reservation.reference) == (2, order.number)


def test_a_product_without_backorders_still_refuses_to_oversell(order_of, canada, mug, lamp, warehouse):  # noqa: F811
    cart = Cart.objects.create()
    CartLine.objects.create(cart=cart, variant=mug, quantity=6)  # as if the mugs sold out after it was added
    CartLine.objects.create(cart=cart, variant=lamp, quantity=4)

    with pytest.raises(stock_services.InsufficientStock) as raised:
        order_place(cart=cart, details=_details(canada, "ana@example.com"), language="en")

    assert raised.value.shortages == {mug.pk: 5}
    assert not Order.objects.exists()
    assert list(Stock.objects.values_list("reserved", flat=True)) == [0, 0]


def test_stock_reserve_holds_what_exists_of_backorderable_skus_only(lamp, mug, warehouse):  # noqa: F811
    allocations = stock_services.stock_reserve(lines=[(lamp.pk, 7), (mug.pk, 5)], backorderable=frozenset({lamp.pk}))

    assert sorted((a.variant_id, a.quantity) for a in allocations) == sorted([(lamp.pk, 2), (mug.pk, 5)])
    with pytest.raises(stock_services.InsufficientStock):
        stock_services.stock_reserve(lines=[(lamp.pk, 1), (mug.pk, 1)], backorderable=frozenset({lamp.pk}))
    assert stock_services.stock_reserve(lines=[(lamp.pk, 3)], backorderable=frozenset({lamp.pk})) == []
    assert_never_oversold()


def test_holding_an_expired_order_again_records_what_is_still_backordered(order_of, lamp, warehouse):
    order = order_of((lamp, 2))
    order_transition(order=order, to=Order.Status.EXPIRED)  # its 2 lamps go back on sale
    order_of((lamp, 1), email="ben@example.com")  # one of them is sold meanwhile

    order_stock_reserve(order=order)  # paid late: hold it again

    assert order.lines.get().backordered == 1
    assert stock_of(lamp, warehouse).reserved == 2


# Stock arrives


def test_received_stock_goes_to_the_oldest_waiting_order_first_and_the_customer_is_emailed(
    order_of, lamp, warehouse, django_capture_on_commit_callbacks
):
    first = order_of((lamp, 4), email="ana@example.com")  # 2 held, 2 backordered
    second = order_of((lamp, 2), email="ben@example.com")  # 0 held, 2 backordered
    OutboxEmail.objects.all().delete()  # the acknowledgements

    stock_services.stock_receive(variant=lamp, location=warehouse, quantity=3)
    filled = backorders_fill(variant_ids=[lamp.pk])

    assert filled == [(first.number, lamp.pk, 2), (second.number, lamp.pk, 1)]
    assert first.lines.get().backordered == 0
    assert second.lines.get().backordered == 1
    assert sum(OrderAllocation.objects.filter(line__order=second).values_list("quantity", flat=True)) == 1
    stock = stock_of(lamp, warehouse)
    assert (stock.on_hand, stock.reserved) == (5, 5)
    assert_never_oversold()
    assert OrderEvent.objects.filter(order=second).last().note == "Backorder: 1 × LAMP-1 now reserved; 1 still to come."
    emails = {e.to: e for e in OutboxEmail.objects.all()}
    assert set(emails) == {"ana@example.com", "ben@example.com"}
    assert emails["ana@example.com"].subject == (
        f"comptoir: your backordered item for order {first.number} is now reserved")
    assert "Everything in your order is now in stock" in emails["ana@example.com"].text_body
    assert "1 more unit of this item is still on its way to us" in emails["ben@example.com"].text_body
    assert emails["ben@example.com"].reference == second.number


def test_a_newer_smaller_order_does_not_jump_the_queue(order_of, lamp, warehouse):
    order_of((lamp, 2))  # takes the 2 in stock
    older = order_of((lamp, 3), email="ana@example.com")
    newer = order_of((lamp, 1), email="ben@example.com")

    stock_services.stock_receive(variant=lamp, location=warehouse, quantity=2)
    filled = backorders_fill(variant_ids=[lamp.pk])

    assert filled == [(older.number, lamp.pk, 2)]
    assert (older.lines.get().backordered, newer.lines.get().backordered) == (1, 1)


def test_filling_twice_holds_nothing_more_and_cancelled_orders_are_skipped(order_of, lamp, warehouse):
    order_of((lamp, 2))
    cancelled = order_of((lamp, 2), email="ana@example.com")
    order_transition(order=cancelled, to=Order.Status.CANCELLED)
    waiting = order_of((lamp, 2), email="ben@example.com")

    stock_services.stock_receive(variant=lamp, location=warehouse, quantity=5)
    assert backorders_fill(variant_ids=[lamp.pk]) == [(waiting.number, lamp.pk, 2)]
    assert backorders_fill(variant_ids=[lamp.pk]) == []

    assert cancelled.lines.get().backordered == 2
    stock = stock_of(lamp, warehouse)
    assert (stock.on_hand, stock.reserved) == (7, 4)


def test_a_receipt_in_the_inventory_admin_fills_waiting_backorders(
    client, django_user_model, order_of, lamp, warehouse, django_capture_on_commit_callbacks
):
    order = order_of((lamp, 3))
    staff = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="inventory",
                                                         codename__in=["view_stock", "add_stockmovement"]))
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:inventory_stock_record", args=["receipt"]),
                    {"variant": "LAMP-1", "location": warehouse.pk, "quantity": 4, "reference": "PO-7"})

    assert order.lines.get().backordered == 0
    stock = stock_of(lamp, warehouse)
    assert (stock.on_hand, stock.reserved) == (6, 3)
    assert OrderEvent.objects.filter(order=order, created_by=staff).exists()
    assert OutboxEmail.objects.filter(to="ana@example.com", subject__contains="is now reserved").count() == 1


def test_a_receipt_through_the_point_of_sale_api_fills_waiting_backorders(
    client, django_user_model, order_of, lamp, warehouse, django_capture_on_commit_callbacks
):
    order = order_of((lamp, 5))
    till = django_user_model.objects.create_user("till", is_staff=True)
    till.user_permissions.set(Permission.objects.filter(content_type__app_label="inventory",
                                                        codename__in=["add_stockmovement", "view_stock"]))
    _token, key = stock_services.api_token_create(user=till, name="Till")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/stock/movements/",
            json.dumps({"kind": "receipt", "sku": "LAMP-1", "location": warehouse.code, "quantity": 2}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "delivery-note-88-line-1"},
        )

    assert response.status_code == 201
    assert order.lines.get().backordered == 1
    assert stock_of(lamp, warehouse).reserved == 4
    assert_never_oversold()


def test_the_beat_task_fills_backorders_from_stock_that_came_back_another_way(order_of, lamp, warehouse):
    order = order_of((lamp, 3))
    stock_services.stock_return(variant=lamp, location=warehouse, quantity=1)  # no receipt form involved

    assert backorders_fill_all() == {"filled": 1, "notified": 0}
    assert backorders_fill_all() == {"filled": 0, "notified": 0}

    assert order.lines.get().backordered == 0
    assert OrderLine.objects.filter(backordered__gt=0).count() == 0
    assert_never_oversold()


def test_units_freed_by_a_cancelled_order_go_to_the_order_waiting_for_them_at_once(
        order_of, lamp, warehouse, django_capture_on_commit_callbacks):
    first = order_of((lamp, 2), email="first@example.com")  # holds the 2 lamps in stock
    waiting = order_of((lamp, 2), email="waiting@example.com")  # nothing left: both backordered
    assert waiting.lines.get().backordered == 2

    with django_capture_on_commit_callbacks(execute=True):
        order_transition(order=first, to=Order.Status.CANCELLED)

    assert waiting.lines.get().backordered == 0
    assert stock_of(lamp, warehouse).reserved == 2
    assert OutboxEmail.objects.filter(to="waiting@example.com", reference=waiting.number).count() == 2
    assert_never_oversold()
