"""A clerk counts fewer units on the shelf than online orders reserve there (issue 18, item 5): the count form asks
for confirmation naming the orders that go back on backorder, newest first; once confirmed, the count is recorded
and staff see those orders flagged, their units back on backorder."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory.models import Stock, StockMovement
from orders.models import OrderLine
from tests.e2e.helpers import STAFF_PASSWORD, admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def place_order(delivery, variant, quantity, email):
    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
    details = CheckoutDetails(email=email, phone="403-555-0101", ship_name="Ana Tremblay",
                              ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
                              ship_postal_code="T2P 1J9", delivery_method_id=delivery.pk, payment_method="cheque")
    return order_place(cart=cart, details=details, language="en")


def test_a_clerk_records_a_count_below_the_reserved_units_after_confirming_which_orders_wait_again(
        page: Page, new_context, mug, canada, warehouse, staff, django_user_model):
    older = place_order(canada, mug, 2, "older@example.com")
    newer = place_order(canada, mug, 2, "newer@example.com")
    clerk = django_user_model.objects.create_user("clerk", password=STAFF_PASSWORD, is_staff=True)
    clerk.groups.add(Group.objects.get(name="Store staff"))

    # The clerk counts 1 mug where 5 are on record and 4 are reserved.
    admin_log_in(page, clerk)
    page.goto("/admin/inventory/stock/record/correction/")  # Stock levels › "Record a count correction"
    expect(page.get_by_role("heading", name="Record a count correction")).to_be_visible()
    main = page.get_by_role("main")
    main.get_by_label("SKU").fill("MUG-1")
    main.get_by_label("Location").select_option(label="Calgary Warehouse")
    main.get_by_label("Units counted on the shelf").fill("1")
    main.get_by_label("Reason").fill("3 broken in the back room")
    main.get_by_role("button", name="Record").click()

    # Nothing is recorded yet: the page says what the count will do.
    expect(page.get_by_role("heading", name="Confirm a count lower than the units reserved")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        f"3 units short: orders {newer.number} and {older.number} go back on backorder.")
    taken = page.get_by_role("table", name="Orders that go back on backorder (newest first)")
    expect(taken.get_by_role("columnheader")).to_have_text(["Order", "Units back on backorder"])
    expect(taken.get_by_role("row").filter(has=page.get_by_role("cell"))).to_have_text(
        [f"{newer.number} 2", f"{older.number} 1"], use_inner_text=True)
    assert (Stock.objects.get(variant=mug).on_hand, Stock.objects.get(variant=mug).reserved) == (5, 4)

    page.get_by_role("button", name="Record the count and put these orders back on backorder").click()

    expect(page.get_by_text(f"3 units short: orders {newer.number} and {older.number} go back on backorder. "
                            "They are flagged for staff on the orders page.")).to_be_visible()
    expect(page.get_by_text("Count correction recorded: MUG-1 at Calgary Warehouse, on hand now 1 (0 available).")
           ).to_be_visible()
    stock = Stock.objects.get(variant=mug)
    assert (stock.on_hand, stock.reserved) == (1, 1)
    assert list(StockMovement.objects.filter(reference__in=[older.number, newer.number], kind="online_release")
                .order_by("pk").values_list("reference", "reserved_delta")) == [(newer.number, -2), (older.number, -1)]
    assert [OrderLine.objects.get(order=o).backordered for o in (older, newer)] == [1, 2]

    # A manager sees both orders among those needing attention, the newer one wholly back on backorder.
    desk = new_context().new_page()
    admin_log_in(desk, staff)
    desk.goto("/admin/orders/order/?attention=yes")
    expect(desk.get_by_role("link", name=newer.number, exact=True)).to_be_visible()
    expect(desk.get_by_role("link", name=older.number, exact=True)).to_be_visible()
    desk.get_by_role("link", name=newer.number, exact=True).click()
    expect(desk.get_by_label("Needs staff attention")).to_have_value(
        "Stock count at Calgary Warehouse found fewer units than reserved: 2 × MUG-1 back on backorder.")
    lines = desk.get_by_role("table").filter(has_text="Backordered").first
    mug_line = lines.get_by_role("row").filter(has_text="Stoneware Mug")
    expect(mug_line.get_by_role("cell").nth(-2)).to_have_text("2")  # both units back on backorder
    expect(desk.get_by_text("Stock count at Calgary Warehouse found fewer units than reserved: 2 × MUG-1 back on "
                            "backorder.", exact=True)).to_be_visible()  # the timeline
