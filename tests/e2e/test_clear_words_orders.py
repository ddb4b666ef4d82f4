"""Issue 19, clear words where shoppers got lost, in a real browser, along the path a shopper takes: the product
cards say what each product is; the order's timeline shows a return as "Return requested" (not another
"Delivered") with times that name their zone; "My orders" says where the return stands; a broken order link
explains itself; and the stores page says "Opens today at 10:00 a.m." with one full stop."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from orders.models import Order
from orders.services.status import order_transition
from pages import selectors as store_selectors
from pages import services as store_services
from pages.tests.factories import StoreFactory
from payments.services.received import payment_record
from returns.tests.conftest import ship  # noqa: F401 — the shipped-order helper of the returns tests
from tests.e2e.helpers import customer_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EDMONTON = ZoneInfo("America/Edmonton")
MUG = ("Thrown by hand in Calgary and glazed in deep blue, it holds 350 ml and keeps coffee warm on slow mornings "
       "at the desk. Dishwasher safe.")


@pytest.fixture
def delivered_order(canada, mug, customer, staff, ship):  # noqa: F811
    """Ana's order for two mugs (a long description), placed from her account, paid by cheque and delivered."""
    product = mug.product
    product.description = MUG
    product.is_featured = True
    product.save()
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    details = CheckoutDetails(email="ana@example.com", phone="403-555-0101", ship_name="Ana Tremblay",
                              ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
                              ship_postal_code="T2P 1J9", delivery_method_id=canada.pk, payment_method="cheque")
    order = order_place(cart=cart, details=details, language="en", user=customer)
    payment_record(order=order, amount=order.total, method="cheque", reference="5521", user=staff)
    ship(order)
    return order_transition(order=order, to=Order.Status.DELIVERED)


def timeline(page: Page):
    return page.get_by_role("region", name="Timeline").get_by_role("listitem")


def test_a_shopper_reads_cards_returns_an_item_follows_the_timeline_and_recovers_from_a_broken_link(
        page: Page, delivered_order, customer):
    order = delivered_order
    zone = timezone.localtime().tzname()  # MST or MDT, as the shop's clock reads today
    assert zone in ("MST", "MDT")

    # The home page's card says what the mug is: its description's start, cut at a word.
    page.goto("/")
    card = page.get_by_role("article").filter(has=page.get_by_role("link", name="Stoneware Mug", exact=True)).first
    expect(card).to_contain_text("Thrown by hand in Calgary and glazed in deep blue, it holds 350 ml and keeps coffee "
                                 "warm on slow…")

    # Ana signs in, opens her orders and the delivered one, and asks to return a mug.
    customer_log_in(page, customer)
    page.get_by_role("banner").get_by_role("link", name="My orders").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=order.number, exact=True))
    expect(row.get_by_role("cell").nth(2)).to_have_text("Delivered")
    row.get_by_role("link", name=order.number, exact=True).click()
    page.get_by_role("region", name="Returns", exact=True).get_by_role("link", name="Request a return").click()
    page.get_by_label("Units of Stoneware Mug to return").fill("1")
    page.get_by_label("Why are you returning these items?").fill("One mug is enough.")
    page.get_by_role("button", name="Request the return").click()
    expect(page.get_by_role("heading", name=f"Order {order.number}", level=1)).to_be_visible()

    # The timeline: the request is its own line, in the shop's zone, and "Delivered" is the delivery only.
    steps = timeline(page)
    expect(steps.last).to_have_text(re.compile(rf"^\S.* {zone} — Return requested: 1 × Stoneware Mug$"))
    expect(steps.filter(has_text=re.compile(r"— Delivered"))).to_have_count(1)
    expect(steps.filter(has_text="Delivered (")).to_have_count(0)
    for text in steps.all_inner_texts():
        assert re.match(rf"^[A-Z][a-z]+\.? \d{{1,2}}, \d{{4}}, \d{{1,2}}(:\d\d)? [ap]\.m\. {zone} — ", text), text

    # "My orders" says where the return stands.
    page.get_by_role("banner").get_by_role("link", name="My orders").click()
    expect(row.get_by_role("cell").nth(2)).to_have_text("Delivered · Return requested")

    # A link copied with a digit too many: the page talks about orders and leads back to hers.
    page.goto(order.get_absolute_url().replace(order.number, order.number + "9"))
    expect(page.get_by_role("heading", name="We can’t find this order", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("the link in the email we sent you")
    expect(page.get_by_role("main")).not_to_contain_text("product")
    page.get_by_role("link", name="See my orders").click()
    expect(page.get_by_role("heading", name="My orders", level=1)).to_be_visible()


def test_a_signed_out_shopper_with_a_broken_link_signs_in_and_lands_on_their_orders(
        page: Page, delivered_order, customer):
    from tests.e2e.helpers import CUSTOMER_PASSWORD

    response = page.goto(f"/orders/{delivered_order.number}/?t=expired")
    assert response.status == 404
    expect(page.get_by_role("heading", name="We can’t find this order", level=1)).to_be_visible()
    page.get_by_role("link", name="Sign in to see your orders").click()
    page.get_by_role("main").get_by_label("Email").fill(customer.email)
    page.get_by_label("Password").fill(CUSTOMER_PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    expect(page.get_by_role("heading", name="My orders", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=delivered_order.number, exact=True)).to_be_visible()


def test_the_stores_page_says_when_a_closed_store_opens_with_one_full_stop(page: Page, monkeypatch):
    # The live server runs in this process: Tuesday 24 November 2026, 8:15 in Edmonton, before opening.
    monkeypatch.setattr(store_selectors, "now", lambda: datetime(2026, 11, 24, 8, 15, tzinfo=EDMONTON))
    store_services.store_hours_default(location=StoreFactory(name="Calgary — Kensington store"))

    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Our stores").click()
    expect(page.get_by_text("Closed now. Opens today at 10:00 a.m.", exact=True)).to_be_visible()
    assert not re.search(r"[ap]\.m\.\.", page.get_by_role("main").inner_text())

    page.get_by_role("navigation", name="Language").get_by_role("link", name="français").click()
    expect(page.get_by_text("Fermé en ce moment. Ouvre aujourd’hui à 10 h 00.", exact=True)).to_be_visible()
