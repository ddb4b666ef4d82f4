"""Clear words where shoppers got lost in the cart and at checkout (issue 19, point 6): a cart too heavy for every
carrier, a postal code of another province, the thanks after a card payment, the store pickup's date, a signed-in
customer's name and email, and a sold-out line in the cart."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import VariantFactory
from inventory import services as stock_services
from orders.models import DeliveryMethod, Order
from orders.postal import postal_code_mismatch
from orders.tests.test_checkout import ALBERTA, fill_cart, place
from shipping.models import BackInStockRequest
from shipping.services.rates import too_heavy_text
from shipping.tests.helpers import carriers_seed

pytestmark = pytest.mark.django_db

TOO_HEAVY = "Too heavy for our carriers: split the order or pick it up in store."
ONTARIO_WITH_A_CALGARY_CODE = {**ALBERTA, "ship_city": "Toronto", "ship_province": "ON", "ship_postal_code": "T2P 1J9"}
MISMATCH = "T2P 1J9 is in Alberta, not in Ontario. Check the postal code or the province."


@pytest.fixture
def carriers(canada):
    """The carriers a new shop starts with (rate tables up to 30 kg), the flat-rate method retired."""
    carriers_seed()
    assert not DeliveryMethod.objects.filter(code="standard", is_active=True).exists()


@pytest.fixture
def pickup(store):
    store.province = "AB"
    store.save()
    return DeliveryMethod.objects.create(code="pickup-yyc", name="Pick up in store: Calgary", kind="pickup",
                                         price=0, handling_fee=0, pickup_location=store, days_min=1, days_max=3)


@pytest.fixture
def anvil(warehouse):
    """A 31 kg anvil: heavier than any carrier's last weight step (30 kg)."""
    variant = VariantFactory(sku="ANV-1", price=Decimal("240.00"), product__name="Blacksmith Anvil",
                             weight_grams=31_000)
    stock_services.stock_receive(variant=variant, location=warehouse, quantity=4)
    return variant


@pytest.fixture
def monday_morning(settings):
    settings.SHOP_PROMISE_NOW = "2026-11-23T09:00"  # Monday, before the 14:00 cut-off in Calgary


def options_shown(html: str) -> list[str]:
    """The labels of the delivery radios on the checkout page."""
    return re.findall(r'name="delivery_method"[^>]*>\s*(?:</?[^>]+>\s*)*([^<]+?)\s*<', html)


def show_options(client, address: dict):
    return client.post(reverse("orders:checkout"), {**address, "show_options": "1"})


# A cart too heavy for every carrier


def test_a_cart_heavier_than_every_carrier_takes_says_so_in_the_cart_and_at_checkout(client, carriers, pickup,
                                                                                     anvil, monday_morning):
    fill_cart(client, (anvil, 1))

    cart_page = client.get(reverse("orders:cart_detail")).content.decode()
    checkout_page = show_options(client, ALBERTA).content.decode()

    said = TOO_HEAVY + " This order weighs 31 kg; our carriers take parcels up to 30 kg."
    assert said in cart_page
    assert said in checkout_page
    assert options_shown(checkout_page) == ["Pick up in store: Calgary — free — ready by Thursday, November 26"]


def test_a_cart_the_carriers_take_says_nothing_of_weight(client, carriers, pickup, anvil, mug):
    fill_cart(client, (mug, 2))

    assert "Too heavy" not in client.get(reverse("orders:cart_detail")).content.decode()
    checkout_page = show_options(client, ALBERTA).content.decode()
    assert "Too heavy" not in checkout_page
    assert len(options_shown(checkout_page)) == 7  # six carrier services and the pickup


def test_without_a_store_pickup_a_too_heavy_cart_is_only_told_to_split(carriers, anvil):
    assert too_heavy_text(Decimal("42.55")) == ("Too heavy for our carriers: please split the order. This order "
                                                "weighs 42.6 kg; our carriers take parcels up to 30 kg.")


def test_a_flat_rate_delivery_takes_any_weight_so_nothing_is_too_heavy(canada, pickup):
    assert too_heavy_text(Decimal("500")) == ""


# The postal code checked against the province before pricing


def test_show_delivery_options_refuses_a_postal_code_of_another_province_and_prices_nothing(client, carriers,
                                                                                            pickup, mug):
    fill_cart(client, (mug, 1))

    response = show_options(client, {**ONTARIO_WITH_A_CALGARY_CODE, "email": "", "ship_name": ""})

    html = response.content.decode()
    assert response.status_code == 200
    error = re.search(r'id="error_1_id_ship_postal_code"[^>]*>\s*(?:<[^>]+>\s*)*([^<]+)', html)
    assert error is not None and error.group(1).strip() == MISMATCH
    assert [label.split(" — ")[0] for label in options_shown(html)] == ["Pick up in store: Calgary"]
    assert "This field is required." not in html  # the contact fields come after the options
    assert 'value="T2P 1J9"' in html


def test_show_delivery_options_prices_an_address_whose_postal_code_is_in_the_province(client, carriers, mug):
    fill_cart(client, (mug, 1))

    html = show_options(client, {**ONTARIO_WITH_A_CALGARY_CODE, "ship_postal_code": "m5h1a1"}).content.decode()

    assert MISMATCH not in html
    assert len(options_shown(html)) == 6
    assert all(" — arrives by " in label for label in options_shown(html))


def test_review_my_order_with_a_postal_code_of_another_province_says_which(client, canada, mug):
    fill_cart(client, (mug, 1))

    response = client.post(reverse("orders:checkout"), {**ONTARIO_WITH_A_CALGARY_CODE, "delivery_method": canada.pk})

    assert response.status_code == 200
    assert MISMATCH in response.content.decode()


@pytest.mark.parametrize("code, province, said", [
    ("T2P 1J9", "AB", ""),
    ("X1A 2P5", "NT", ""),
    ("X0A 0H0", "NU", ""),
    ("H2X 1Y4", "ON", "H2X 1Y4 is in Quebec, not in Ontario. Check the postal code or the province."),
    ("X1A 2P5", "YT", "X1A 2P5 is in the Northwest Territories or Nunavut, not in Yukon. Check the postal code or "
                      "the province."),
    ("A1C 5M2", "PE", "A1C 5M2 is in Newfoundland and Labrador, not in Prince Edward Island. Check the postal code "
                      "or the province."),
    ("", "ON", ""),
    ("T2P 1J9", "", ""),
])
def test_each_first_letter_of_a_postal_code_names_its_province(code, province, said):
    assert postal_code_mismatch(code, province) == said


def test_the_address_book_says_the_same_as_checkout(client, django_user_model):
    ana = django_user_model.objects.create_user("ana", "ana@example.com", "pw")
    client.force_login(ana)

    response = client.post(reverse("accounts:address_list"), {
        "label": "Home", "name": "Ana Tremblay", "street": "1 Yonge St", "city": "Toronto", "province": "ON",
        "postal_code": "t2p1j9"})

    assert MISMATCH in response.content.decode()


# Card buyers thanked as cheque buyers are


def test_a_card_buyer_back_from_the_payment_page_is_thanked_as_a_cheque_buyer(client, canada, mug, stripe_fake):
    fill_cart(client, (mug, 1))
    client.post(reverse("orders:checkout"), {**ALBERTA, "delivery_method": canada.pk, "payment_method": "card"})

    to_stripe = place(client)
    order = Order.objects.get()
    assert to_stripe["Location"].startswith(stripe_fake.api_base)
    back = client.get(order.get_absolute_url() + "&session_id=cs_test_1")

    thanks = f"Thank you! Your order {order.number} is received. A confirmation is on its way to ana@example.com."
    assert thanks in back.content.decode()
    assert thanks not in client.get(order.get_absolute_url()).content.decode()  # only on the way back


def test_someone_without_the_orders_link_is_not_thanked(client, canada, mug, stripe_fake, admin_client):
    fill_cart(client, (mug, 1))
    client.post(reverse("orders:checkout"), {**ALBERTA, "delivery_method": canada.pk, "payment_method": "card"})
    place(client)
    order = Order.objects.get()

    staff_view = admin_client.get(reverse("orders:order_detail", kwargs={"number": order.number}) + "?session_id=x")

    assert staff_view.status_code == 200
    assert f"Your order {order.number} is received." not in staff_view.content.decode()


# Store pickup explains its date


def test_the_pickup_option_says_when_the_order_is_prepared_and_that_an_email_follows(client, canada, pickup, mug,
                                                                                     monday_morning):
    fill_cart(client, (mug, 1))

    html = client.get(reverse("orders:checkout")).content.decode()

    assert "Pick up in store: Calgary — free — ready by Thursday, November 26" in options_shown(html)
    assert ("Store pickup: we prepare your order on Monday, November 23 and bring it to the store by the day shown. "
            "We email you when it is ready to collect.") in html


def test_the_review_of_a_pickup_says_the_same(client, canada, pickup, mug, monday_morning):
    fill_cart(client, (mug, 1))
    client.post(reverse("orders:checkout"), {"email": "a@example.com", "ship_name": "Ana",
                                             "delivery_method": pickup.pk, "payment_method": "cheque"})

    html = client.get(reverse("orders:checkout_review")).content.decode()

    assert "Ready for pickup by Thursday, November 26" in html
    assert ("We prepare your order on Monday, November 23 and bring it to the store. We email you when it is ready "
            "to collect.") in html


def test_delivered_orders_get_no_pickup_note(client, canada, mug):
    fill_cart(client, (mug, 1))

    assert "Store pickup:" not in client.get(reverse("orders:checkout")).content.decode()


# A signed-in customer's checkout starts with their name and email


def test_a_signed_in_customer_without_a_saved_address_finds_their_name_and_email_filled_in(client, canada, mug,
                                                                                            django_user_model):
    from accounts.models import Profile

    ana = django_user_model.objects.create_user("ana", "ana@example.com", "pw", first_name="Ana",
                                                last_name="Tremblay")
    Profile.objects.create(user=ana, phone="403-555-0101")
    client.force_login(ana)
    fill_cart(client, (mug, 1))

    html = client.get(reverse("orders:checkout")).content.decode()

    assert re.search(r'<input[^>]*name="email"[^>]*value="ana@example.com"', html)
    assert re.search(r'<input[^>]*name="ship_name"[^>]*value="Ana Tremblay"', html)
    assert re.search(r'<input[^>]*name="phone"[^>]*value="403-555-0101"', html)


def test_a_guest_finds_the_checkout_empty(client, canada, mug):
    fill_cart(client, (mug, 1))

    html = client.get(reverse("orders:checkout")).content.decode()

    assert not re.search(r'<input[^>]*name="ship_name"[^>]*value=', html)


# A sold-out line in the cart


@pytest.fixture
def sold_out_mug_in_cart(client, mug, warehouse):
    fill_cart(client, (mug, 2))
    stock_services.stock_correct(variant=mug, location=warehouse, counted=0, reason="broken in the stockroom")
    return mug


def test_a_sold_out_line_says_sold_out_keeps_the_count_and_offers_an_email(client, sold_out_mug_in_cart):
    mug = sold_out_mug_in_cart

    html = client.get(reverse("orders:cart_detail")).content.decode()

    assert "Only 0 left" not in html
    assert "Sold out." in html
    assert "Remove it to check out, or leave your email to hear when it is back." in html
    assert re.search(rf'<input[^>]*name="quantity"[^>]*value="2"[^>]*id="qty-{mug.pk}"', html)
    assert f'action="{reverse("shipping:back_in_stock_request")}"' in html
    assert 'name="next" value="/cart/"' in html


def test_asking_from_the_cart_to_hear_when_it_is_back_returns_to_the_cart(client, sold_out_mug_in_cart):
    mug = sold_out_mug_in_cart

    response = client.post(reverse("shipping:back_in_stock_request"),
                           {"variant": mug.pk, "email": "ana@example.com", "next": "/cart/"})

    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert BackInStockRequest.objects.filter(variant=mug, email="ana@example.com").count() == 1


def test_the_back_in_stock_form_never_sends_anyone_to_another_site(client, sold_out_mug_in_cart):
    mug = sold_out_mug_in_cart

    response = client.post(reverse("shipping:back_in_stock_request"),
                           {"variant": mug.pk, "email": "ana@example.com", "next": "//evil.example/cart/"})

    assert response["Location"] == mug.product.get_absolute_url()


def test_a_line_short_of_stock_but_not_sold_out_still_says_how_many_are_left(client, mug, warehouse):
    fill_cart(client, (mug, 3))
    stock_services.stock_correct(variant=mug, location=warehouse, counted=1, reason="count")

    html = client.get(reverse("orders:cart_detail")).content.decode()

    assert "Only 1 left" in html and "Sold out." not in html
