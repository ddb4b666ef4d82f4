"""Money is exact on every database: the demo shop's own baskets, placed through the checkout pages, on SQLite (what
`make run` uses) as on Postgres.

SQLite has no decimal type: before money was stored in integer cents, its floating-point sums made the CHECK
constraint "the total adds up" refuse about one order in three (111.00 + 41.15 + 4.00 + 20.30 is not 176.45 in
binary floating point), and the shopper got a server error.
"""

import re
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Sum
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import ProductVariant
from core.money import money_value
from orders.models import DeliveryMethod, Order, OrderLine
from payments.models import Invoice

pytestmark = pytest.mark.django_db

# A real address in each province and territory (the checkout checks the postal code against the province).
ADDRESSES = {
    "AB": ("Calgary", "T2P 1J9"), "BC": ("Vancouver", "V6B 1A1"), "MB": ("Winnipeg", "R3C 0A1"),
    "NB": ("Moncton", "E1C 4M3"), "NL": ("St. John's", "A1C 5M2"), "NS": ("Halifax", "B3H 1A1"),
    "NT": ("Yellowknife", "X1A 2N1"), "NU": ("Iqaluit", "X0A 0H0"), "ON": ("Toronto", "M5V 2T6"),
    "PE": ("Charlottetown", "C1A 4P3"), "QC": ("Montréal", "H2X 1Y4"), "SK": ("Regina", "S4P 3Y2"),
    "YT": ("Whitehorse", "Y1A 1A1"),
}
EXAMPLES = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def demo_shop(db):
    """The shop `make run` serves: what the migrations seed (tax rates, carriers and their rates: transactional
    tests flush it, so seeded again here, idempotently), then the demo products, stock and stores."""
    from orders.models import TaxRate
    from orders.rates import rates_and_delivery_seed
    from shipping.tests.helpers import carriers_seed

    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    carriers_seed()
    call_command("seed_demo", "--no-images", verbosity=0)


@contextmanager
def rolled_back():
    """One example in a savepoint, undone at the end: every example starts from the same demo shop."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def address(province: str) -> dict:
    city, postal_code = ADDRESSES[province]
    return {"email": "nadia@example.com", "phone": "", "ship_name": "Nadia Roy", "ship_address": "10 Main St",
            "ship_city": city, "ship_province": province, "ship_postal_code": postal_code,
            "payment_method": "cheque"}


def variant(name: str) -> ProductVariant:
    return ProductVariant.objects.filter(product__name_en=name, is_active=True).order_by("position").first()


def offered_methods(client: Client, details: dict) -> dict[str, int]:
    """The delivery options the checkout page lists for this address: label -> id."""
    page = client.post(reverse("orders:checkout"), {**details, "show_options": "1"}).content.decode()
    radios = re.findall(r'name="delivery_method" value="(\d+)"[^>]*>\s*<label[^>]*>\s*([^<]+?)\s*<', page)
    return {label.split(" — ")[0]: int(pk) for pk, label in radios}


def place_order(client: Client, details: dict, method_id: int):
    """Details, review, "Place order": what a shopper does. Returns the response to "Place order"."""
    response = client.post(reverse("orders:checkout"), {**details, "delivery_method": method_id})
    assert response.status_code == 302, "the checkout details were refused"
    review = client.get(reverse("orders:checkout_review")).content.decode()
    seen = review.split('name="seen_total" value="')[1].split('"')[0]
    return client.post(reverse("orders:checkout_place"), {"seen_total": seen}), Decimal(seen)


def assert_adds_up(order: Order) -> None:
    """The order's figures add up in Python and in SQL, and its invoice asks for exactly the total."""
    lines = list(order.lines.all())
    assert order.subtotal == sum((line.line_total for line in lines), Decimal("0"))
    assert all(line.line_total == line.unit_price * line.quantity for line in lines)
    assert order.tax_total == sum((tax.amount for tax in order.tax_lines.all()), Decimal("0"))
    assert order.total == order.subtotal + order.shipping + order.handling - order.discount + order.tax_total
    in_sql = OrderLine.objects.filter(order=order).aggregate(
        items=Sum("line_total"), priced=Sum(F("unit_price") * F("quantity")))
    assert in_sql == {"items": order.subtotal, "priced": order.subtotal}
    adds_up = F("subtotal") + F("shipping") + F("handling") - F("discount") + F("tax_total")
    assert Order.objects.filter(pk=order.pk, total=adds_up, subtotal=money_value(order.subtotal)).exists()
    assert Invoice.objects.get(order=order).amount == order.total


def test_the_basket_that_failed_on_sqlite_kettle_and_field_guide_overnight_to_toronto(client, demo_shop):
    client.post(reverse("orders:cart_add"), {"variant": variant("Gooseneck Kettle").pk, "quantity": 1})
    client.post(reverse("orders:cart_add"), {"variant": variant("Rocky Mountain Field Guide").pk, "quantity": 1})
    details = address("ON")

    response, seen = place_order(client, details, offered_methods(client, details)["FedEx Priority Overnight"])

    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    # 79.00 + 32.00 of items; FedEx's Toronto rate for 2.1 kg plus $4.00 handling; HST 13 % of 156.15 = 20.2995.
    assert (order.subtotal, order.shipping, order.handling, order.tax_total, order.total) == (
        Decimal("111.00"), Decimal("41.15"), Decimal("4.00"), Decimal("20.30"), Decimal("176.45"))
    assert seen == order.total
    assert_adds_up(order)
    assert "$176.45" in client.get(response["Location"]).content.decode()


def test_the_basket_that_failed_on_sqlite_two_toques_and_a_skillet_picked_up_in_calgary(client, demo_shop):
    client.post(reverse("orders:cart_add"), {"variant": variant("Prairie Wool Toque").pk, "quantity": 2})
    client.post(reverse("orders:cart_add"), {"variant": variant("Cast Iron Skillet").pk, "quantity": 1})
    details = address("AB")
    pickup = DeliveryMethod.objects.get(kind=DeliveryMethod.Kind.PICKUP, pickup_location__city="Calgary")

    response, _seen = place_order(client, details, pickup.pk)

    order = Order.objects.get()
    assert response.status_code == 302
    # 2 × 24.00 + 59.95; free pickup; GST 5 % of 107.95 = 5.3975.
    assert (order.subtotal, order.shipping, order.handling, order.tax_total, order.total) == (
        Decimal("107.95"), Decimal("0.00"), Decimal("0.00"), Decimal("5.40"), Decimal("113.35"))
    assert_adds_up(order)


@pytest.fixture
def online_variants(demo_shop) -> list[int]:
    """What a shopper can put in the cart: active SKUs sold online with at least 3 units available online or on
    backorder (so any quantity the examples draw is accepted as asked)."""
    from inventory.selectors import availability_by_variant

    candidates = (ProductVariant.objects.filter(is_active=True, product__sold_online=True, product__is_active=True)
                  .select_related("product").order_by("pk"))
    available = availability_by_variant([v.pk for v in candidates])
    return [v.pk for v in candidates if available[v.pk].online >= 3 or v.product.allow_backorder]


@EXAMPLES
@given(data=st.data(), province=st.sampled_from(sorted(ADDRESSES)))
def test_any_basket_to_any_province_by_any_delivery_is_placed_and_adds_up(online_variants, province, data):
    basket = data.draw(st.dictionaries(st.sampled_from(online_variants), st.integers(1, 3), min_size=1, max_size=4),
                       label="basket")
    with rolled_back():
        client = Client()
        for variant_id, quantity in basket.items():
            client.post(reverse("orders:cart_add"), {"variant": variant_id, "quantity": quantity})
        details = address(province)
        methods = offered_methods(client, details)  # Nunavut: no carrier, only the stores' pickup
        label = data.draw(st.sampled_from(sorted(methods)), label="delivery")

        response, seen = place_order(client, details, methods[label])

        assert response.status_code == 302
        order = Order.objects.get()
        assert order.total == seen
        assert order.delivery_label.split(" — ")[0] in label
        assert_adds_up(order)
