"""Returning an item in a real browser: the customer asks on the order page, staff approve, receive and refund in
the admin, and the stock ledger, the payments and the customer's statement all tell the same story.

The order: 2 × Stoneware Mug at $18.00 = $36.00, + shipping $12.00 + handling $2.50 = $50.50; GST 5 % of 50.50 =
$2.53; total $53.03, in Alberta, paid by cheque. One mug comes back: $18.00 and its share of the GST on goods
(2.53 × 36.00 / 50.50 × 18 / 36 = 0.9017… -> $0.90) = $18.90; shipping is not refunded.
"""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from inventory.models import Stock, StockMovement
from payments.models import Invoice, Payment, Refund
from payments.services.received import payment_record
from returns.models import ReturnRequest
from returns.tests.conftest import ship  # noqa: F401 — the shipped-order helper of the returns tests
from tests.e2e.helpers import admin_log_in, customer_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "One mug is enough for my desk."
RETURNED = "Returned: 1 × Stoneware Mug"


@pytest.fixture
def shipped_order(canada, mug, customer, staff, ship):  # noqa: F811
    """Ana's order for two mugs, placed from her account, paid by cheque 5521 and delivered two days ago."""
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    details = CheckoutDetails(email="ana@example.com", phone="403-555-0101", ship_name="Ana Tremblay",
                              ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
                              ship_postal_code="T2P 1J9", delivery_method_id=canada.pk, payment_method="cheque")
    order = order_place(cart=cart, details=details, language="en", user=customer)
    assert order.total == Decimal("53.03")
    payment_record(order=order, amount=order.total, method="cheque", reference="5521", user=staff)
    ship(order)
    return order


def today() -> str:
    """Today as the pages write it in English ("Nov. 23, 2026")."""
    return date_format(timezone.localdate(), "DATE_FORMAT")


def returns_on_order_page(page: Page):
    return page.get_by_role("region", name="Returns", exact=True)


def test_a_customer_returns_an_item_staff_approve_receive_restock_and_refund_and_the_ledger_and_statement_agree(
        page: Page, new_context, shipped_order, mug, warehouse, staff, customer):
    order = shipped_order
    assert [(s.on_hand, s.reserved) for s in Stock.objects.filter(variant=mug)] == [(3, 0)]  # 2 shipped
    due = date_format(Invoice.objects.get(order=order).due_on, "DATE_FORMAT")

    # Ana signs in, lands on her statement and opens the order from it.
    customer_log_in(page, customer)
    page.get_by_role("link", name=order.number, exact=True).click()
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    returns_on_order_page(page).get_by_role("link", name="Request a return").click()
    expect(page.get_by_role("heading", name=f"Return items from order {order.number}", level=1)).to_be_visible()
    units = page.get_by_label("Units of Stoneware Mug to return")

    # Three mugs when two were bought: the shop says how many may come back, and nothing is created.
    units.fill("3")
    page.get_by_label("Why are you returning these items?").fill(REASON)
    page.get_by_role("button", name="Request the return").click()
    expect(page.get_by_role("status")).to_have_text("You can return at most 2 of Stoneware Mug.")
    expect(units).to_have_value("3")
    expect(page.get_by_label("Why are you returning these items?")).to_have_value(REASON)
    assert not ReturnRequest.objects.exists()

    # One mug.
    units.fill("1")
    page.get_by_role("button", name="Request the return").click()
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "Your return request is received. We will email ana@example.com once we have looked at it.")
    request = returns_on_order_page(page).get_by_role("article")
    expect(request.get_by_role("heading")).to_have_text(f"Return requested on {today()} — Requested")
    expect(request.get_by_role("listitem")).to_have_text(["1 × Stoneware Mug"])

    # Staff open the return in the admin.
    desk = new_context().new_page()
    admin_log_in(desk, staff)
    # The app's caption and its one model are both called "Returns"; the model is the table's row.
    desk.get_by_role("table", name="Selling").get_by_role("rowheader", name="Returns").get_by_role("link").click()
    expect(desk.get_by_role("heading", name="Select return to change")).to_be_visible()
    desk.get_by_role("link", name=order.number, exact=True).click()
    expect(desk.get_by_role("heading", name="Change return")).to_be_visible()
    expect(desk.get_by_text(REASON, exact=True)).to_be_visible()

    # Approve.
    desk.get_by_role("link", name="Approve", exact=True).click()
    expect(desk.get_by_role("heading", name=f"Approve: return for order {order.number}")).to_be_visible()
    desk.get_by_role("button", name="Approve", exact=True).click()
    expect(desk.get_by_text("Return approved; the customer is asked to send the items back.",
                            exact=True)).to_be_visible()

    # The parcel arrives: the mug goes back on the shelf at the warehouse.
    desk.get_by_role("link", name="Receive the items", exact=True).click()
    expect(desk.get_by_role("heading", name=f"Receive the items: return for order {order.number}")).to_be_visible()
    desk.get_by_role("group", name="1 × Stoneware Mug").get_by_role("radio", name="Back on the shelf").check()
    desk.get_by_label("Received at").select_option(label="Calgary Warehouse")
    desk.get_by_role("button", name="Receive the items", exact=True).click()
    expect(desk.get_by_text("Items received; the stock ledger is updated.", exact=True)).to_be_visible()

    # The refund: the page works out what the mug was worth with its GST.
    desk.get_by_role("link", name="Refund", exact=True).click()
    expect(desk.get_by_role("heading", name=f"Refund: return for order {order.number}")).to_be_visible()
    expect(desk.get_by_role("main").get_by_role("term")).to_have_text(
        ["Order", "Status", "Reason", "Items", "Their taxes", "To refund"])
    expect(desk.get_by_role("main").get_by_role("definition")).to_have_text(
        [order.number, "Items received", REASON, "$18.00", "$0.90", "$18.90"])
    returned_items = desk.get_by_role("table", name="Returned items")
    expect(returned_items.get_by_role("columnheader")).to_have_text(["Item", "Units", "Outcome"])
    expect(returned_items.get_by_role("cell")).to_have_text(
        ["Stoneware Mug (MUG-1)", "1", "Back on the shelf (Calgary Warehouse)"])
    expect(desk.get_by_label("Amount to refund (CAD)")).to_have_value("18.90")
    desk.get_by_role("button", name="Refund", exact=True).click()
    expect(desk.get_by_text("Refund of $18.90 made.", exact=True)).to_be_visible()
    expect(desk.get_by_role("link", name="Refund", exact=True)).to_have_count(0)  # nothing more to do

    # The ledger: the mug is back on the shelf, under the order's number.
    assert list(StockMovement.objects.filter(kind=StockMovement.Kind.RETURN).values_list(
        "variant__sku", "location", "on_hand_delta", "reserved_delta", "reference")) == [
        ("MUG-1", warehouse.pk, 1, 0, order.number)]
    assert [(s.on_hand, s.reserved) for s in Stock.objects.filter(variant=mug)] == [(4, 0)]
    # The money: $18.90 back on the cheque, recorded as sent.
    [cheque] = Payment.objects.all()
    assert list(Refund.objects.values_list("payment", "amount", "status", "reason")) == [
        (cheque.pk, Decimal("18.90"), "succeeded", RETURNED)]
    returned = ReturnRequest.objects.get()
    assert (returned.status, returned.refund_amount, returned.decided_by) == ("refunded", Decimal("18.90"), staff)

    # Ana's order page: the return is refunded, and the invoice shows the credit and the money sent back.
    page.reload()
    expect(request.get_by_role("heading")).to_have_text(f"Return requested on {today()} — Refunded")
    expect(request).to_contain_text("Refunded: $18.90")
    expect(page.get_by_role("region", name="Invoice and payments").get_by_role("row")).to_have_text([
        "Date What Amount",
        f"{today()} Invoice INV-{order.number} $53.03",
        f"{today()} Cheque — Received (5521) -$53.03",
        f"{today()} Credit: {RETURNED} -$18.90",
        f"{today()} Refund — Refunded: {RETURNED} $18.90",
        "Balance due $0.00",
    ], use_inner_text=True)

    # Her statement agrees: the credit and the refund sent cancel out.
    page.goto("/account/statement/")
    expect(page.get_by_text(re.compile(r"^Balance: "))).to_have_text("Balance: $0.00")
    expect(page.get_by_role("table", name="Invoices, payments and refunds, oldest first").get_by_role("row")
           ).to_have_text([
               "Date Order Description Charges Credits Balance",
               f"{today()} {order.number} Invoice INV-{order.number}, due {due} $53.03 $53.03",
               f"{today()} {order.number} Payment received, Cheque 5521 $53.03 $0.00",
               f"{today()} {order.number} Credit: {RETURNED} $18.90 -$18.90",
               f"{today()} {order.number} Refund sent to you, Cheque $18.90 $0.00",
           ], use_inner_text=True)
