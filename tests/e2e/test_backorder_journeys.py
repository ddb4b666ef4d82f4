"""Ordering more than is in stock, in a real browser: what ships now and what ships later is said on the product
page, in the cart and on the review page; when staff record a receipt in the admin the waiting order takes its
units, the customer is emailed and the order page no longer speaks of a later shipment.

The order: 7 × Stoneware Mug at $18.00 = $126.00 (5 in stock, 2 backordered), + shipping $12.00 + handling $2.50 =
$140.50; GST 5 % = 7.025 -> $7.03 (half-up); total $147.53, in Alberta, by cheque.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from catalog import page_cache
from inventory.models import Stock
from orders.models import Order
from outbox.models import OutboxEmail
from tests.e2e.helpers import admin_log_in, cart_button, fill_calgary_checkout, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHIPS_LATER = re.compile(r"ships? later", re.IGNORECASE)


def test_a_shopper_orders_beyond_stock_sees_what_ships_later_and_staff_receiving_stock_fills_the_order(
        page: Page, new_context, mug, warehouse, staff):
    restock_on = timezone.localdate() + timedelta(days=10)
    product = mug.product
    product.allow_backorder = True
    product.restock_expected_on = restock_on
    product.save(update_fields=["allow_backorder", "restock_expected_on"])
    page_cache.catalog_changed()  # what the admin's save does for a catalogue edit
    expected = f"expected {date_format(restock_on, 'DATE_FORMAT')}"  # "expected Dec. 3, 2026"
    note = f"5 ship now, 2 ship later ({expected})"

    # The product page says only 5 are on the shelf and that more can be ordered.
    page.goto(product.get_absolute_url())
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Stoneware Mug", level=1)).to_be_visible()
    expect(main.get_by_text(f"Only 5 left — more ship later ({expected})", exact=True)).to_be_visible()
    main.get_by_label("Quantity").fill("7")
    main.get_by_role("button", name="Add to cart").click()
    expect(messages(page)).to_have_text(f"Stoneware Mug: 7 in your cart — {note}.")
    expect(cart_button(page)).to_have_text("Cart: 7 items, $126.00")

    # The cart says the same.
    cart_button(page).click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    cart = page.get_by_role("table", name="Items in your cart")
    expect(cart.get_by_label("Quantity of Stoneware Mug")).to_have_value("7")
    expect(cart.get_by_text(note, exact=True)).to_be_visible()

    # Checkout: the review page too.
    page.get_by_role("link", name="Check out").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    fill_calgary_checkout(page, email="ana@example.com", name="Ana Tremblay", payment="Cheque")
    page.get_by_role("button", name="Review my order").click()
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    breakdown = page.get_by_role("table", name="Price breakdown")
    expect(breakdown.get_by_role("row").nth(1)).to_have_text(
        f"Stoneware Mug (MUG-1) {note} 7 $18.00 $126.00", use_inner_text=True)
    page.get_by_role("button", name="Place order — $147.53").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Order C-\d+$"), level=1)).to_be_visible()
    order = Order.objects.get()
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Price breakdown").get_by_role("row").nth(1)).to_have_text(
        "Stoneware Mug (MUG-1) 2 ship later, when they are back in stock 7 $18.00 $126.00", use_inner_text=True)
    [line] = order.lines.all()
    assert (line.sku, line.quantity, line.backordered) == ("MUG-1", 7, 2)
    assert [(s.on_hand, s.reserved) for s in Stock.objects.filter(variant=mug)] == [(5, 5)]
    assert str(order.total) == "147.53"

    # Staff receive 3 mugs at the warehouse from the stock levels page.
    staff_page = new_context().new_page()
    admin_log_in(staff_page, staff)
    staff_page.get_by_role("link", name="Stock levels").click()
    expect(staff_page.get_by_role("heading", name="Select stock level to change")).to_be_visible()
    staff_page.get_by_role("link", name="Record a receipt from a supplier").click()
    expect(staff_page.get_by_role("heading", name="Record a receipt from a supplier")).to_be_visible()
    staff_page.get_by_label("SKU").fill("MUG-1")
    staff_page.get_by_label("Location").select_option(label="Calgary Warehouse")
    staff_page.get_by_label("Quantity").fill("3")
    staff_page.get_by_role("button", name="Record").click()
    # The message is written when the receipt is recorded, before the backorder takes its 2 units.
    expect(staff_page.get_by_text(
        "Receipt recorded: MUG-1 at Calgary Warehouse, on hand now 8 (3 available).", exact=True)).to_be_visible()

    line.refresh_from_db()
    assert line.backordered == 0
    assert [(s.on_hand, s.reserved) for s in Stock.objects.filter(variant=mug)] == [(8, 7)]
    subject = f"comptoir: your backordered item for order {order.number} is now reserved"
    [queued] = OutboxEmail.objects.filter(subject=subject)
    assert (queued.to, queued.reference) == ("ana@example.com", order.number)
    assert [m.to for m in mail.outbox if m.subject == subject] == [["ana@example.com"]]

    # The customer's order page no longer says that anything ships later.
    page.goto(order.get_absolute_url())
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Price breakdown").get_by_role("row").nth(1)).to_have_text(
        "Stoneware Mug (MUG-1) 7 $18.00 $126.00", use_inner_text=True)
    expect(page.get_by_role("main").get_by_text(SHIPS_LATER)).to_have_count(0)
