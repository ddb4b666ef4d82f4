"""Delivery with real carriers, in a real browser: comparing carriers at the checkout, then staff shipping the order
with a tracking number and the customer following the parcel.

Each test makes its own data for the live server: the tax rates (`canada`), then the carriers, zones, rates,
capacity and holidays a new shop starts with (shipping.tests.helpers.carriers_seed, which retires the flat
"standard" delivery).

The parcel of every test: one Gooseneck Kettle, 1.2 kg, at $79.00, to Toronto (zone "Central (ON, QC)", HST 13 %).
The seeded price of a method (shipping/rates.py) is, for the lightest weight step that carries the parcel (2 kg),
(base + (2 - 0.5) × per-kg of its level) × the zone's factor, rounded half-up to the nickel:
    Canada Post Regular Parcel   (10.95 + 1.5 × 0.85) × 1.35 = 16.50375 -> $16.50, 5 working days
    Canada Post Xpresspost       (16.45 + 1.5 × 1.40) × 1.40 = 25.97    -> $25.95, 3 working days
    Purolator Ground             (11.75 + 1.5 × 0.85) × 1.30 = 16.9325  -> $16.95, 4 working days
    Purolator Express            (21.90 + 1.5 × 1.40) × 1.30 = 31.20    -> $31.20, 2 working days
    FedEx Economy                (12.40 + 1.5 × 0.85) × 1.25 = 17.09375 -> $17.10, 4 working days
    FedEx Priority Overnight     (34.50 + 1.5 × 2.60) × 1.15 = 44.16    -> $44.15, 1 working day
The checkout shows each with its handling included ($2.50; FedEx Priority Overnight $4.00); the review shows
shipping and handling on their own lines.
"""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from catalog.tests.factories import CategoryFactory, VariantFactory
from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory import services
from inventory.models import Stock
from orders.models import DeliveryMethod, Order
from shipping.models import Shipment
from shipping.tests.helpers import carriers_seed
from tests.e2e.helpers import admin_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TORONTO = {"street": "100 King St W", "city": "Toronto", "province": "Ontario", "postal_code": "M5H 1A1"}
CANADA_POST_NUMBER = "7023210039414604"
CANADA_POST_LINK = f"https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={CANADA_POST_NUMBER}"


@pytest.fixture
def carriers(canada):
    carriers_seed()


@pytest.fixture
def email_links(settings, live_server):
    """Links in emails point at the live server (the setting is read by the live server's thread too)."""
    settings.SHOP_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def kettle(carriers, warehouse):
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    variant = VariantFactory(sku="KET-1", price=Decimal("79.00"), weight_grams=1200, product__name="Gooseneck Kettle",
                             product__category=kitchen)
    services.stock_receive(variant=variant, location=warehouse, quantity=3)
    return variant


# The shop's clock for the delivery promises of these tests (SHOP_PROMISE_NOW, read by the live server's thread
# too): Thursday 24 December 2026 at 14:30 in Calgary, half an hour past the 14:00 cut-off. The parcel is packed on
# the next working day: Friday 25 (Christmas Day) and Monday 28 (Boxing Day, observed) are seeded holidays, with the
# weekend between, so Tuesday 29 December. The carrier then counts working days from there; Friday 1 January (New
# Year's Day) and the weekend after it are skipped:
ARRIVES_BY = {
    1: "Wednesday, December 30",  # FedEx Priority Overnight
    2: "Thursday, December 31",  # Purolator Express
    3: "Monday, January 4",  # Canada Post Xpresspost
    4: "Tuesday, January 5",  # Purolator Ground, FedEx Economy
    5: "Wednesday, January 6",  # Canada Post Regular Parcel
}


@pytest.fixture
def christmas_eve_afternoon(settings):
    settings.SHOP_PROMISE_NOW = "2026-12-24T14:30:00-07:00"


def cart_button(page: Page):
    return page.get_by_role("banner").get_by_role("link", name=re.compile(r"^Cart:"))


def breakdown_rows(page: Page):
    return page.get_by_role("table", name="Price breakdown").get_by_role("row")


def fill_contact_and_address(page: Page) -> None:
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    page.get_by_role("main").get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Full name").fill("Ana Tremblay")
    page.get_by_label("Street address").fill(TORONTO["street"])
    page.get_by_label("City").fill(TORONTO["city"])
    page.get_by_label("Province or territory").select_option(label=TORONTO["province"])
    page.get_by_label("Postal code").fill(TORONTO["postal_code"])


def delivery_options(page: Page):
    """The choices in the "Delivery" part of the checkout."""
    return page.get_by_role("group", name="Delivery", exact=True).get_by_role("radio")


def test_an_ontario_shopper_compares_carriers_picks_one_and_the_totals_and_tax_follow(
        page: Page, kettle, christmas_eve_afternoon):
    # The figures of the module docstring are the ones seeded.
    central_2kg = {m.name: (r.price, r.transit_days) for m in DeliveryMethod.objects.filter(kind="ship", is_active=True)
                   for r in m.rates.filter(zone__name="Central (ON, QC)", max_weight_kg=2)}
    assert central_2kg == {
        "Canada Post Regular Parcel": (Decimal("16.50"), 5), "Canada Post Xpresspost": (Decimal("25.95"), 3),
        "Purolator Ground": (Decimal("16.95"), 4), "Purolator Express": (Decimal("31.20"), 2),
        "FedEx Economy": (Decimal("17.10"), 4), "FedEx Priority Overnight": (Decimal("44.15"), 1)}

    page.goto(kettle.product.get_absolute_url())
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Gooseneck Kettle", level=1)).to_be_visible()
    main.get_by_role("button", name="Add to cart").click()
    expect(cart_button(page)).to_have_text("Cart: 1 item, $79.00")
    cart_button(page).click()
    page.get_by_role("link", name="Check out").click()

    # Before an address there is nothing to compare.
    expect(page.get_by_text("Enter your address and press “Show delivery options for this address”",
                            exact=False)).to_be_visible()
    expect(delivery_options(page)).to_have_count(0)
    fill_contact_and_address(page)
    page.get_by_role("button", name="Show delivery options for this address").click()

    # Every carrier service that reaches Toronto, priced for 1.2 kg with handling, and its day.
    expect(delivery_options(page)).to_have_count(6)
    cheapest = f"Canada Post Regular Parcel — $19.00 — arrives by {ARRIVES_BY[5]}"  # 16.50 + 2.50
    express = f"Purolator Express — $33.70 — arrives by {ARRIVES_BY[2]}"  # 31.20 + 2.50
    overnight = f"FedEx Priority Overnight — $48.15 — arrives by {ARRIVES_BY[1]}"  # 44.15 + 4.00
    for label in (cheapest, express, overnight):
        expect(page.get_by_role("radio", name=label, exact=True)).to_be_visible()
    # What was typed is kept on the page that shows the options.
    expect(page.get_by_role("main").get_by_label("Email")).to_have_value("ana@example.com")
    expect(page.get_by_label("Postal code")).to_have_value("M5H 1A1")
    expect(page.get_by_label("Province or territory")).to_have_value("ON")

    page.get_by_role("radio", name=express, exact=True).check()
    expect(page.get_by_role("radio", name="Cheque")).to_be_checked()
    page.get_by_role("button", name="Review my order").click()

    # 79.00 + 31.20 + 2.50 = 112.70; HST 13 % = 14.651 -> $14.65; total 112.70 + 14.65 = $127.35.
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    expect(breakdown_rows(page)).to_have_text([
        "Item Quantity Unit price Amount",
        "Gooseneck Kettle (KET-1) 1 $79.00 $79.00",
        "Items $79.00",
        "Shipping (Purolator Express) $31.20",
        "Handling and packaging $2.50",
        "HST 13 % $14.65",
        "Total (CAD) $127.35",
    ], use_inner_text=True)
    expect(page.get_by_text(f"Arrives by {ARRIVES_BY[2]}", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Place order — $127.35")).to_be_visible()

    # Something cheaper after all: back to the details, the choice kept, another carrier.
    page.get_by_role("link", name="Change my details").click()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    expect(page.get_by_role("radio", name=express, exact=True)).to_be_checked()
    page.get_by_role("radio", name=cheapest, exact=True).check()
    page.get_by_role("button", name="Review my order").click()

    # 79.00 + 16.50 + 2.50 = 98.00; HST 13 % = $12.74; total $110.74.
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    expect(breakdown_rows(page)).to_have_text([
        "Item Quantity Unit price Amount",
        "Gooseneck Kettle (KET-1) 1 $79.00 $79.00",
        "Items $79.00",
        "Shipping (Canada Post Regular Parcel) $16.50",
        "Handling and packaging $2.50",
        "HST 13 % $12.74",
        "Total (CAD) $110.74",
    ], use_inner_text=True)
    expect(page.get_by_text(f"Arrives by {ARRIVES_BY[5]}", exact=True)).to_be_visible()
    expect(page.get_by_text("Payment: Cheque")).to_be_visible()
    page.get_by_role("button", name="Place order — $110.74").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Order C-\d+$"), level=1)).to_be_visible()
    expect(page.get_by_text("Status: Received", exact=True)).to_be_visible()
    expect(breakdown_rows(page).filter(has_text="Shipping")).to_have_text(
        "Shipping (Canada Post Regular Parcel) $16.50", use_inner_text=True)
    expect(breakdown_rows(page).last).to_have_text("Total (CAD) $110.74", use_inner_text=True)

    order = Order.objects.get()  # read once the order's page shows, i.e. after the commit
    assert order.delivery_method.code == "canada-post-regular"
    assert (order.subtotal, order.shipping, order.handling, order.tax_total, order.total) == (
        Decimal("79.00"), Decimal("16.50"), Decimal("2.50"), Decimal("12.74"), Decimal("110.74"))
    assert list(order.tax_lines.values_list("name", "base", "amount")) == [("HST", Decimal("98.00"), Decimal("12.74"))]
    assert (order.ships_by, order.promised_on) == (date(2026, 12, 29), date(2027, 1, 6))
    assert (order.ship_city, order.ship_province, order.ship_postal_code) == ("Toronto", "ON", "M5H 1A1")


def test_the_delivery_options_are_listed_soonest_first(page: Page, kettle, christmas_eve_afternoon):
    page.goto(kettle.product.get_absolute_url())
    page.get_by_role("main").get_by_role("button", name="Add to cart").click()
    expect(cart_button(page)).to_have_text("Cart: 1 item, $79.00")
    cart_button(page).click()
    page.get_by_role("link", name="Check out").click()
    fill_contact_and_address(page)
    page.get_by_role("button", name="Show delivery options for this address").click()
    expect(delivery_options(page)).to_have_count(6)

    # Soonest first; on the same day the cheaper first (Purolator Ground $19.45 before FedEx Economy $19.60).
    expect(page.get_by_role("group", name="Delivery", exact=True)).to_match_aria_snapshot(f"""
      - radio "FedEx Priority Overnight — $48.15 — arrives by {ARRIVES_BY[1]}"
      - radio "Purolator Express — $33.70 — arrives by {ARRIVES_BY[2]}"
      - radio "Canada Post Xpresspost — $28.45 — arrives by {ARRIVES_BY[3]}"
      - radio "Purolator Ground — $19.45 — arrives by {ARRIVES_BY[4]}"
      - radio "FedEx Economy — $19.60 — arrives by {ARRIVES_BY[4]}"
      - radio "Canada Post Regular Parcel — $19.00 — arrives by {ARRIVES_BY[5]}"
    """, timeout=1000)  # the page is loaded: its six options are there

def test_staff_ship_an_order_with_a_tracking_number_and_the_customer_gets_the_link(
    page: Page, new_context, kettle, staff, email_links
):
    from payments.services.received import payment_record

    # Ordered earlier (the checkout above walks it in the browser), by cheque, and the cheque has arrived.
    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=kettle.pk, quantity=1)
    regular = DeliveryMethod.objects.get(code="canada-post-regular")
    order = order_place(cart=cart, language="en", details=CheckoutDetails(
        email="ana@example.com", phone="", ship_name="Ana Tremblay", ship_address=TORONTO["street"],
        ship_city="Toronto", ship_province="ON", ship_postal_code="M5H 1A1", delivery_method_id=regular.pk,
        payment_method="cheque"))
    assert order.total == Decimal("110.74")
    payment_record(order=order, amount=order.total, method="cheque", user=staff)

    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID

    # Staff find the order among the ones to prepare.
    admin_log_in(page, staff)
    page.get_by_role("table", name="Warehouse").get_by_role("link", name="Shipments").click()
    page.get_by_role("link", name="Orders to prepare").click()
    expect(page.get_by_role("heading", name="Orders to prepare", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=order.number, exact=True))
    expect(row).to_contain_text("Paid")
    expect(row).to_contain_text("Canada Post Regular Parcel")
    expect(row).to_contain_text("1 × KET-1 Gooseneck Kettle — Calgary Warehouse")
    row.get_by_role("link", name="Ship…").click()

    expect(page.get_by_role("heading", name=f"Ship order {order.number}", level=1)).to_be_visible()
    expect(page.get_by_text("Ana Tremblay, 100 King St W, Toronto ON M5H 1A1 — Canada Post Regular Parcel",
                            exact=True)).to_be_visible()
    expect(page.get_by_label("KET-1 — Gooseneck Kettle")).to_have_value("1")
    page.get_by_label("Carrier").select_option(label="Canada Post")

    # A number copied with spaces and letters is refused on the form; nothing ships.
    page.get_by_label("Tracking number").fill("12 34 ABC")
    page.get_by_role("button", name="Create the shipment").click()
    expect(page.get_by_role("alert")).to_have_text("Enter the tracking number without spaces.")
    expect(page.get_by_role("heading", name=f"Ship order {order.number}", level=1)).to_be_visible()
    expect(page.get_by_label("Tracking number")).to_have_value("12 34 ABC")
    expect(page.get_by_label("Carrier")).to_have_value(str(order.delivery_method.carrier_id))
    assert not Shipment.objects.exists()
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
    assert not [m for m in mail.outbox if "on its way" in m.subject]

    # The number on the label.
    page.get_by_label("Tracking number").fill(CANADA_POST_NUMBER)
    page.get_by_role("button", name="Create the shipment").click()
    expect(page.get_by_text(f"Order {order.number}: shipment Canada Post {CANADA_POST_NUMBER} created.",
                            exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Orders to prepare", level=1)).to_be_visible()
    expect(page.get_by_text("No order is waiting to be prepared.", exact=True)).to_be_visible()

    # The shipment, and the order it moved to "Shipped".
    page.get_by_role("link", name="Shipments").first.click()
    expect(page.get_by_role("heading", name="Select shipment to change", level=1)).to_be_visible()
    shipment_row = page.get_by_role("row").filter(has=page.get_by_role("link", name=order.number, exact=True))
    expect(shipment_row.get_by_role("link", name=CANADA_POST_NUMBER, exact=True)).to_have_attribute(
        "href", CANADA_POST_LINK)
    shipment_row.get_by_role("link", name=order.number, exact=True).click()
    expect(page.get_by_role("heading", name="Change order", level=1)).to_be_visible()
    expect(page.get_by_role("group").filter(has_text="Order number:").first).to_contain_text(
        f"Order number: {order.number} Status: Shipped")
    timeline = page.get_by_role("group", name="Order timeline").get_by_role("row")
    expect(timeline.filter(has_text="Shipped")).to_contain_text(f"Canada Post {CANADA_POST_NUMBER}")

    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    [shipment] = Shipment.objects.all()
    assert (shipment.order, shipment.carrier.name, shipment.tracking_number, shipment.created_by) == (
        order, "Canada Post", CANADA_POST_NUMBER, staff)
    assert list(shipment.lines.values_list("order_line__sku", "quantity")) == [("KET-1", 1)]
    assert [(s.on_hand, s.reserved) for s in Stock.objects.filter(variant=kettle)] == [(2, 0)]

    # The shipping notice, sent after the commit: the carrier, the number and its tracking link.
    [notice] = [m for m in mail.outbox if "on its way" in m.subject]
    assert notice.to == ["ana@example.com"]
    assert notice.subject == f"comptoir: your order {order.number} is on its way"
    assert f"Carrier: Canada Post\nTracking number: {CANADA_POST_NUMBER}\n" in notice.body
    assert f"Track your parcel:\n{CANADA_POST_LINK}\n" in notice.body
    assert f"{email_links}{order.get_absolute_url()}" in notice.body
    assert f'<a href="{CANADA_POST_LINK}">Track your parcel</a>' in notice.alternatives[0].content

    # The customer, in their own browser, opens the order from the email and finds the parcel.
    customer = new_context().new_page()
    customer.goto(order.get_absolute_url())
    expect(customer.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(customer.get_by_text("Status: Shipped", exact=True)).to_be_visible()
    shipments = customer.get_by_role("region", name="Shipments")
    expect(shipments).to_contain_text(f"Canada Post, tracking number {CANADA_POST_NUMBER}")
    expect(shipments.get_by_role("listitem").filter(has_text="Gooseneck Kettle").last).to_have_text(
        "1 × Gooseneck Kettle (KET-1)")
    expect(shipments.get_by_role("link", name=CANADA_POST_NUMBER, exact=True)).to_have_attribute(
        "href", CANADA_POST_LINK)
