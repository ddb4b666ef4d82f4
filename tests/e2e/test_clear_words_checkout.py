"""Clear words along the cart and the checkout, in a real browser (issue 19, point 6): what a shopper reads when an
item sold out in their cart, when the cart is too heavy for every carrier, when the postal code is of another
province, when they pick up in store, when they are signed in, and when they come back from paying by card.

The shop here is a new shop's: the carriers' rate tables (up to 30 kg), and store pickup in Calgary.
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from catalog.tests.factories import CategoryFactory, VariantFactory
from inventory import services
from orders.models import DeliveryMethod, Order
from shipping.models import BackInStockRequest
from shipping.tests.helpers import carriers_seed
from tests.e2e.helpers import cart_button, customer_log_in, messages
from tests.e2e.test_payment_journeys import GOOD_CARD, check_out_two_mugs, pay_with

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TOO_HEAVY = ("Too heavy for our carriers: split the order or pick it up in store. This order weighs 31 kg; our "
             "carriers take parcels up to 30 kg.")


@pytest.fixture
def monday_morning(settings):
    """The shop's clock for the promised dates (read by the live server's thread too)."""
    settings.SHOP_PROMISE_NOW = "2026-11-23T09:00"  # Monday, before the 14:00 cut-off in Calgary


@pytest.fixture
def heavy_shop(canada, warehouse, store):
    """The carriers, a store pickup in Calgary, a 31 kg anvil and a 400 g teapot."""
    carriers_seed()
    store.province = "AB"
    store.save()
    DeliveryMethod.objects.create(code="pickup-yyc", name="Pick up in store: Calgary", kind="pickup", price=0,
                                  handling_fee=0, pickup_location=store, days_min=1, days_max=3)
    tools = CategoryFactory(name="Tools", slug="tools")
    anvil = VariantFactory(sku="ANV-1", price=Decimal("240.00"), product__name="Blacksmith Anvil",
                           product__category=tools, weight_grams=31_000)
    teapot = VariantFactory(sku="TEA-1", price=Decimal("42.00"), product__name="Cast Iron Teapot",
                            product__category=tools, weight_grams=400)
    services.stock_receive(variant=anvil, location=warehouse, quantity=2)
    services.stock_receive(variant=teapot, location=warehouse, quantity=2)
    return anvil, teapot


def add_to_cart(page: Page, variant, quantity: int) -> None:
    page.goto(variant.product.get_absolute_url())
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name=variant.product.name, level=1)).to_be_visible()
    main.get_by_label("Quantity").fill(str(quantity))
    main.get_by_role("button", name="Add to cart").click()


def cart_line(page: Page, product: str):
    return page.get_by_role("table", name="Items in your cart").get_by_role("row").filter(
        has=page.get_by_role("link", name=product, exact=True))


def delivery(page: Page):
    """The "Delivery" part of the checkout."""
    return page.get_by_role("group", name="Delivery", exact=True)


def test_a_signed_in_shopper_with_a_sold_out_item_and_a_heavy_cart_is_told_what_to_do_up_to_the_pickup(
        page: Page, customer, heavy_shop, warehouse, monday_morning):
    anvil, teapot = heavy_shop
    customer_log_in(page, customer)
    add_to_cart(page, anvil, 1)
    add_to_cart(page, teapot, 2)
    expect(cart_button(page)).to_have_text("Cart: 3 items, $324.00")

    # The teapots sell out while they sit in her cart.
    services.stock_correct(variant=teapot, location=warehouse, counted=0, reason="sold at the counter")
    cart_button(page).click()
    teapots = cart_line(page, "Cast Iron Teapot")
    expect(teapots).to_contain_text("Sold out. Remove it to check out, or leave your email to hear when it is back.")
    expect(teapots).not_to_contain_text("Only 0 left")
    expect(teapots.get_by_label("Quantity of Cast Iron Teapot")).to_have_value("2")  # the count she asked for
    expect(teapots.get_by_label("Your email")).to_have_value("ana@example.com")
    teapots.get_by_role("button", name="Email me when it is back: Cast Iron Teapot").click()

    # Back on her cart, the promise made; then she takes the teapots out.
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()
    expect(messages(page)).to_have_text(
        "Thank you. We will email ana@example.com once, when Cast Iron Teapot is back in stock.")
    assert BackInStockRequest.objects.filter(variant=teapot, email="ana@example.com").count() == 1
    cart_line(page, "Cast Iron Teapot").get_by_role("button", name="Remove Cast Iron Teapot from the cart").click()
    expect(cart_button(page)).to_have_text("Cart: 1 item, $240.00")

    # The anvil alone is heavier than any carrier takes: the cart says so before the checkout.
    expect(page.get_by_role("main").get_by_text(TOO_HEAVY, exact=True)).to_be_visible()
    page.get_by_role("link", name="Check out").click()

    # Her name and email are there although she saved no address.
    expect(page.get_by_role("heading", name="Checkout", level=1)).to_be_visible()
    expect(page.get_by_role("main").get_by_label("Email")).to_have_value("ana@example.com")
    expect(page.get_by_label("Full name")).to_have_value("Ana Tremblay")

    # A Calgary postal code with Ontario picked: said on the postal code, and nothing priced.
    page.get_by_label("Street address").fill("100 8 Ave SW")
    page.get_by_label("City").fill("Calgary")
    page.get_by_label("Province or territory").select_option(label="Ontario")
    page.get_by_label("Postal code").fill("T2P 1J9")
    page.get_by_role("button", name="Show delivery options for this address").click()
    expect(page.get_by_label("Postal code")).to_have_accessible_description(
        "For example T2P 1J9. T2P 1J9 is in Alberta, not in Ontario. Check the postal code or the province.")
    expect(page.get_by_label("Postal code")).to_have_value("T2P 1J9")
    expect(delivery(page).get_by_role("radio", name=re.compile(" — arrives by "))).to_have_count(0)

    # Alberta it is. Still no carrier takes 31 kg: the Delivery part says why, and offers the store.
    page.get_by_label("Province or territory").select_option(label="Alberta")
    page.get_by_role("button", name="Show delivery options for this address").click()
    expect(page.get_by_label("Postal code")).to_have_accessible_description("For example T2P 1J9.")
    expect(delivery(page).get_by_text(TOO_HEAVY, exact=True)).to_be_visible()
    pickup_options = delivery(page).get_by_role("group", name="Delivery")
    expect(pickup_options.get_by_role("radio")).to_have_count(1)
    expect(pickup_options).to_have_accessible_description(
        "Store pickup: we prepare your order on Monday, November 23 and bring it to the store by the day shown. "
        "We email you when it is ready to collect.")
    pickup_options.get_by_role("radio", name="Pick up in store: Calgary — free — ready by Thursday, November 26",
                               exact=True).check()
    page.get_by_role("radio", name="Cheque").check()
    page.get_by_role("button", name="Review my order").click()

    # The review says the day again, and why.
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    deliver_to = page.get_by_role("region", name="Delivery", exact=True)
    expect(deliver_to).to_contain_text("Ready for pickup by Thursday, November 26")
    expect(deliver_to).to_contain_text("We prepare your order on Monday, November 23 and bring it to the store. We "
                                       "email you when it is ready to collect.")
    page.get_by_role("button", name=re.compile(r"^Place order — ")).click()

    order = Order.objects.get()
    expect(messages(page)).to_have_text(
        f"Thank you! Your order {order.number} is received. A confirmation is on its way to ana@example.com.")


def test_a_card_buyer_back_from_the_payment_page_reads_the_same_thanks_as_a_cheque_buyer(
        page: Page, mug, stripe_fake_live):
    order = check_out_two_mugs(page, mug, payment="Credit card")
    pay_with(page, GOOD_CARD)

    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(messages(page).filter(has_text="Your order")).to_have_text(
        f"Thank you! Your order {order.number} is received. A confirmation is on its way to ana@example.com.")
    expect(page.get_by_text("Status: Paid", exact=True)).to_be_visible()

    # Said once: the order's own link, opened again later, does not thank again.
    page.goto(order.get_absolute_url())
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()
    expect(messages(page)).to_have_count(0)
