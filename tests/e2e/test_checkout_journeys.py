"""A guest's cart and checkout in a real browser, found by the labels, roles and text a person sees.

Each test makes its own data (factories, inventory.services, orders.rates) for the live server; nothing is shared.
Transactional tests flush what the migrations seeded, so every test seeds the tax rates and the standard delivery
($12.00 shipping + $2.50 handling) itself. The live server runs in this process: the acknowledgement email, sent
after the order's commit by the eager Celery task through the locmem backend, lands in django.core.mail.outbox.
"""

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from catalog.tests.factories import CategoryFactory, VariantFactory
from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory import services
from inventory.models import Stock, StockMovement
from inventory.tests.factories import LocationFactory
from orders.models import Order
from tests.e2e.helpers import cart_button, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STANDARD_DELIVERY = "Standard delivery (flat rate, anywhere in Canada)"
# Its radio also says the price and the date it arrives: "… — $14.50 — arrives by Friday, November 27".
STANDARD = re.compile("^" + re.escape(STANDARD_DELIVERY) + " — ")


@pytest.fixture
def email_links(settings, live_server):
    """Links in emails point at the live server (the setting is read by the live server's thread too)."""
    settings.SHOP_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def kitchen(db):
    return CategoryFactory(name="Kitchen", slug="kitchen")


def make_variant(category, sku, name, price, *, location, quantity):
    variant = VariantFactory(sku=sku, price=Decimal(price), product__name=name, product__category=category)
    services.stock_receive(variant=variant, location=location, quantity=quantity)
    return variant


def open_category(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Categories").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def add_from_card(page: Page, product: str) -> None:
    """The "Add to cart" button on the product's card in a category listing."""
    card = page.get_by_role("main").get_by_role("article").filter(has=page.get_by_role("heading", name=product))
    card.get_by_role("button", name="Add to cart").click()


def add_from_product_page(page: Page, product: str, quantity: int = 1) -> None:
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=product, level=1)).to_be_visible()
    main.get_by_label("Quantity").fill(str(quantity))
    main.get_by_role("button", name="Add to cart").click()


def cart_table(page: Page):
    return page.get_by_role("table", name="Items in your cart")


def cart_rows(page: Page):
    return cart_table(page).get_by_role("row")


def cart_line(page: Page, product: str):
    return cart_rows(page).filter(has=page.get_by_role("link", name=product, exact=True))


def breakdown_rows(page: Page):
    return page.get_by_role("table", name="Price breakdown").get_by_role("row")


def fill_checkout(page: Page, *, province: str, postal_code: str, street: str, city: str) -> None:
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    page.get_by_role("main").get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Full name").fill("Ana Tremblay")
    page.get_by_label("Street address").fill(street)
    page.get_by_label("City").fill(city)
    page.get_by_label("Province or territory").select_option(label=province)
    page.get_by_label("Postal code").fill(postal_code)
    page.get_by_role("button", name="Show delivery options for this address").click()
    page.get_by_role("radio", name=STANDARD).check()
    page.get_by_role("radio", name="Cheque").check()


ALBERTA = {"province": "Alberta", "postal_code": "T2P 1J9", "street": "100 8 Ave SW", "city": "Calgary"}
QUEBEC = {"province": "Quebec", "postal_code": "H2X 1Y4", "street": "1 rue Sainte-Catherine", "city": "Montréal"}

# The cart that is checked out: 3 × Stoneware Mug at $18.00 = $54.00 and 1 × Linen Apron at $31.60;
# items $85.60, + shipping $12.00 + handling $2.50 = $100.10, the base of every tax (they all apply to shipping).
#   Alberta: GST 5 % of 100.10 = 5.005 -> $5.01 (half-up; half-even would give 5.00).
#            Total 100.10 + 5.01 = $105.11.
#   Quebec:  GST 5 % = $5.01 as above; QST 9.975 % of 100.10 = 9.984975 -> $9.98.
#            Total 100.10 + 5.01 + 9.98 = $115.09.
@pytest.mark.parametrize("address, tax_rows, total", [
    (ALBERTA, ["GST 5 % $5.01"], "$105.11"),
    (QUEBEC, ["GST 5 % $5.01", "QST 9.975 % $9.98"], "$115.09"),
], ids=["alberta", "quebec"])
def test_a_guest_fills_a_cart_checks_out_and_gets_the_order_the_email_and_the_reservation(
    page: Page, canada, email_links, kitchen, warehouse, address, tax_rows, total
):
    make_variant(kitchen, "MUG-1", "Stoneware Mug", "18.00", location=warehouse, quantity=5)
    make_variant(kitchen, "KET-1", "Gooseneck Kettle", "79.00", location=warehouse, quantity=3)
    make_variant(kitchen, "APR-1", "Linen Apron", "31.60", location=warehouse, quantity=4)

    # One product from its card in the category listing, one from its own page.
    page.goto("/")
    expect(cart_button(page)).to_have_text("Cart: 0 items, $0.00")
    open_category(page, "Kitchen")
    add_from_card(page, "Stoneware Mug")
    expect(messages(page)).to_have_text("Stoneware Mug: 1 in your cart.")
    expect(cart_button(page)).to_have_text("Cart: 1 item, $18.00")
    page.get_by_role("main").get_by_role("link", name="Gooseneck Kettle").click()
    add_from_product_page(page, "Gooseneck Kettle")
    expect(messages(page)).to_have_text("Gooseneck Kettle: 1 in your cart.")
    expect(cart_button(page)).to_have_text("Cart: 2 items, $97.00")  # 18.00 + 79.00

    # In the cart: three mugs, no kettle.
    cart_button(page).click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    expect(cart_rows(page)).to_have_count(4)  # header, two lines, the items total
    page.get_by_label("Quantity of Stoneware Mug").fill("3")
    cart_line(page, "Stoneware Mug").get_by_role("button", name="Update").click()
    expect(messages(page)).to_have_text("Stoneware Mug: 3 in your cart.")
    expect(cart_button(page)).to_have_text("Cart: 4 items, $133.00")  # 54.00 + 79.00
    cart_line(page, "Gooseneck Kettle").get_by_role("button", name="Remove").click()
    expect(messages(page)).to_have_text("Gooseneck Kettle was removed from your cart.")
    expect(cart_button(page)).to_have_text("Cart: 3 items, $54.00")

    # An apron from the listing, so two products remain.
    open_category(page, "Kitchen")
    add_from_card(page, "Linen Apron")
    expect(messages(page)).to_have_text("Linen Apron: 1 in your cart.")
    expect(cart_button(page)).to_have_text("Cart: 4 items, $85.60")
    cart_button(page).click()
    expect(cart_rows(page)).to_have_count(4)  # header, two lines, the items total
    expect(cart_table(page)).to_match_aria_snapshot("""
      - rowgroup:
        - row:
          - cell "Stoneware Mug"
          - cell "$18.00"
          - cell:
            - spinbutton "Quantity of Stoneware Mug": "3"
          - cell "$54.00"
        - row:
          - cell "Linen Apron"
          - cell "$31.60"
          - cell:
            - spinbutton "Quantity of Linen Apron": "1"
          - cell "$31.60"
      - rowgroup:
        - row "Items $85.60"
    """)

    page.get_by_role("link", name="Check out").click()
    fill_checkout(page, **address)
    page.get_by_role("button", name="Review my order").click()

    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    expect(breakdown_rows(page)).to_have_text([
        "Item Quantity Unit price Amount",
        "Stoneware Mug (MUG-1) 3 $18.00 $54.00",
        "Linen Apron (APR-1) 1 $31.60 $31.60",
        "Items $85.60",
        f"Shipping ({STANDARD_DELIVERY}) $12.00",
        "Handling and packaging $2.50",
        *tax_rows,
        f"Total (CAD) {total}",
    ], use_inner_text=True)
    page.get_by_role("button", name=f"Place order — {total}").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Order C-\d+$"), level=1)).to_be_visible()
    order = Order.objects.get()  # read once the confirmation page shows, i.e. after the commit
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(messages(page)).to_have_text(
        f"Thank you! Your order {order.number} is received. A confirmation is on its way to ana@example.com.")
    expect(page.get_by_text("Status: Received", exact=True)).to_be_visible()
    expect(breakdown_rows(page).last).to_have_text(f"Total (CAD) {total}", use_inner_text=True)
    expect(cart_button(page)).to_have_text("Cart: 0 items, $0.00")
    assert order.number.startswith("C-") and str(order.total) == total.lstrip("$")

    # The acknowledgement, sent after the commit: the total and the link to the order.
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert email.subject == f"comptoir: we received your order {order.number}"
    assert f"Total (CAD): {total}" in email.body
    assert f"{email_links}{order.get_absolute_url()}" in email.body
    assert f'href="{email_links}{order.get_absolute_url()}"' in email.alternatives[0].content

    # The stock is held for the order in the ledger; the kettle that was removed is not.
    reservations = StockMovement.objects.filter(kind="online_reservation", reference=order.number)
    assert sorted(reservations.values_list("variant__sku", "reserved_delta")) == [("APR-1", 1), ("MUG-1", 3)]
    assert [(s.variant.sku, s.on_hand, s.reserved) for s in Stock.objects.order_by("variant__sku")] == [
        ("APR-1", 4, 1), ("KET-1", 3, 0), ("MUG-1", 5, 3)]


def test_the_guest_opens_the_order_from_the_email_link_and_cancels_it(
    page: Page, canada, email_links, kitchen, warehouse
):
    mug = make_variant(kitchen, "MUG-1", "Stoneware Mug", "18.00", location=warehouse, quantity=5)
    # Placed earlier in another browser: 2 × $18.00 = $36.00 + 12.00 + 2.50 = $50.50; GST 5 % = 2.525 -> $2.53;
    # total $53.03.
    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    order = order_place(cart=cart, language="en", details=CheckoutDetails(
        email="ana@example.com", phone="", ship_name="Ana Tremblay", ship_address="100 8 Ave SW", ship_city="Calgary",
        ship_province="AB", ship_postal_code="T2P 1J9", delivery_method_id=canada.pk, payment_method="cheque"))
    assert Stock.objects.get(variant=mug).reserved == 2
    [email] = mail.outbox
    link = re.search(r"^(http://\S+)$", email.body, re.MULTILINE).group(1)

    page.goto(link)  # a fresh browser: no session, only the link
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(page.get_by_text("Status: Received", exact=True)).to_be_visible()
    expect(breakdown_rows(page).last).to_have_text("Total (CAD) $53.03", use_inner_text=True)
    page.get_by_role("button", name="Cancel this order").click()

    expect(messages(page)).to_have_text(f"Your order {order.number} is cancelled.")
    expect(page.get_by_text("Status: Cancelled", exact=True)).to_be_visible()
    expect(page.get_by_role("region", name="Timeline").get_by_role("listitem")).to_have_text([
        re.compile(r"— Received$"), re.compile(r"— Cancelled \(Cancelled by the customer\)$")])
    expect(page.get_by_role("button", name="Cancel this order")).to_have_count(0)

    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    assert Stock.objects.get(variant=mug).reserved == 0
    release = StockMovement.objects.get(kind="online_release", reference=order.number)
    assert release.reserved_delta == -2


def test_a_postal_code_outside_the_province_is_refused_and_what_was_typed_is_kept(
    page: Page, canada, kitchen, warehouse
):
    mug = make_variant(kitchen, "MUG-1", "Stoneware Mug", "18.00", location=warehouse, quantity=5)
    page.goto(mug.product.get_absolute_url())
    add_from_product_page(page, "Stoneware Mug")
    expect(cart_button(page)).to_have_text("Cart: 1 item, $18.00")
    cart_button(page).click()
    page.get_by_role("link", name="Check out").click()

    fill_checkout(page, province="Quebec", postal_code="H2X 1Y4", street="1 rue Sainte-Catherine", city="Montréal")
    # The province changed after the options were shown ("Show delivery options" would refuse it at once).
    page.get_by_label("Province or territory").select_option(label="Alberta")
    page.get_by_role("button", name="Review my order").click()

    expect(page.get_by_text("H2X 1Y4 is in Quebec, not in Alberta. Check the postal code or the province.",
                             exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_label("Email")).to_have_value("ana@example.com")
    expect(page.get_by_label("Full name")).to_have_value("Ana Tremblay")
    expect(page.get_by_role("radio", name=STANDARD)).to_be_checked()
    expect(page.get_by_label("Street address")).to_have_value("1 rue Sainte-Catherine")
    expect(page.get_by_label("City")).to_have_value("Montréal")
    expect(page.get_by_label("Province or territory")).to_have_value("AB")
    expect(page.get_by_label("Postal code")).to_have_value("H2X 1Y4")
    expect(page.get_by_role("radio", name="Cheque")).to_be_checked()

    # Choosing the province that goes with the code is enough to go on.
    page.get_by_label("Province or territory").select_option(label="Quebec")
    page.get_by_role("button", name="Review my order").click()
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    expect(page.get_by_text("Montréal QC H2X 1Y4")).to_be_visible()
    assert not Order.objects.exists()


def test_a_quantity_of_zero_in_the_cart_removes_the_line(page: Page, kitchen, warehouse):
    mug = make_variant(kitchen, "MUG-1", "Stoneware Mug", "18.00", location=warehouse, quantity=5)
    make_variant(kitchen, "KET-1", "Gooseneck Kettle", "79.00", location=warehouse, quantity=3)
    page.goto(mug.product.get_absolute_url())
    add_from_product_page(page, "Stoneware Mug", quantity=2)
    open_category(page, "Kitchen")
    add_from_card(page, "Gooseneck Kettle")
    expect(cart_button(page)).to_have_text("Cart: 3 items, $115.00")  # 2 × 18.00 + 79.00
    cart_button(page).click()

    page.get_by_label("Quantity of Stoneware Mug").fill("0")
    cart_line(page, "Stoneware Mug").get_by_role("button", name="Update").click()

    expect(messages(page)).to_have_text("Stoneware Mug was removed from your cart.")
    expect(page.get_by_label("Quantity of Stoneware Mug")).to_have_count(0)
    expect(cart_table(page)).to_match_aria_snapshot("""
      - rowgroup:
        - row:
          - cell "Gooseneck Kettle"
          - cell "$79.00"
          - cell:
            - spinbutton "Quantity of Gooseneck Kettle": "1"
          - cell "$79.00"
      - rowgroup:
        - row "Items $79.00"
    """)
    expect(cart_button(page)).to_have_text("Cart: 1 item, $79.00")


def test_the_last_units_sold_in_store_during_checkout_send_the_guest_back_to_the_cart(
    page: Page, canada, kitchen, warehouse
):
    mug = make_variant(kitchen, "MUG-1", "Stoneware Mug", "18.00", location=warehouse, quantity=1)
    kensington = LocationFactory(name="Kensington store", code="yyc", ships_online=True, priority=10)
    services.stock_receive(variant=mug, location=kensington, quantity=1)  # the last 2 units online, in 2 places

    page.goto(mug.product.get_absolute_url())
    expect(page.get_by_role("main").get_by_text("Only 2 left", exact=True)).to_be_visible()
    add_from_product_page(page, "Stoneware Mug", quantity=2)
    expect(cart_button(page)).to_have_text("Cart: 2 items, $36.00")
    cart_button(page).click()
    page.get_by_role("link", name="Check out").click()
    fill_checkout(page, **ALBERTA)
    page.get_by_role("button", name="Review my order").click()
    # 36.00 + 12.00 + 2.50 = 50.50; GST 5 % = 2.525 -> $2.53; total $53.03.
    place = page.get_by_role("button", name="Place order — $53.03")
    expect(place).to_be_visible()

    # Meanwhile a clerk sells one of them at the Kensington counter.
    services.stock_sell_in_store(variant=mug, location=kensington, quantity=1, reference="TILL-42")
    place.click()

    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    expect(messages(page)).to_have_text("Only 1 left of Stoneware Mug — quantity set to 1.")
    expect(page.get_by_label("Quantity of Stoneware Mug")).to_have_value("1")
    expect(cart_button(page)).to_have_text("Cart: 1 item, $18.00")
    assert not Order.objects.exists()
    assert not StockMovement.objects.filter(kind="online_reservation").exists()
    assert sum(Stock.objects.filter(variant=mug).values_list("reserved", flat=True)) == 0
