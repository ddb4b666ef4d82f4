"""Hypothesis posts junk to the cart and checkout: never a server error, never a change made from invalid input,
never an amount charged that the database did not set.

The fixtures (tax rates, SKUs, stock) are built once per test; every example runs in a savepoint that is rolled back
when it ends, so each one starts from the same database. That is why the function-scoped-fixture health check can be
suppressed: nothing an example does outlives it.
"""

import re
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation

import pytest
from django.core.validators import validate_email
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from catalog.tests.factories import VariantFactory
from checkout.models import CartLine
from inventory import services as stock_services
from inventory.models import Stock
from orders.models import DeliveryMethod, Order, Province
from orders.postal import POSTAL_CODE, POSTAL_PREFIXES
from orders.tests.test_checkout import ALBERTA, checkout, fill_cart, place

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
ANSWERS = {200, 302, 400, 403, 404, 405}  # anything but a server error
MISSING = object()  # the field is left out of the POST altogether
ALBERTA_TOTAL = Decimal("34.13")  # 1 mug: 18.00 + 12.00 shipping + 2.50 handling + 5 % GST on 32.50 (1.625 -> 1.63)

SPECIAL = [
    "", " ", "0", "-0", "-1", "1", "2", "999", "1000", "1.0", "1.", "1.5", " 3 ", "1e3", "0x1F", "1_0", "+4",
    "１", "٣", "²", "NaN", "sNaN", "-sNaN7", "Infinity", "-Infinity", "9" * 40, str(2**31), str(2**63),
    str(-(2**63) - 1),
    "\x00", "1\x00", "\u202e1", "<script>alert(1)</script>", "' OR '1'='1", "%00", "null", "None", "[]", "{}",
    "../../etc/passwd", "é" * 300,
]
junk = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),
    st.integers().map(str),
    st.integers(min_value=10**15, max_value=10**40).map(str),
    st.floats().map(str),
)


@contextmanager
def rolled_back():
    """Run one example in a savepoint and undo everything it wrote."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def form_data(**fields) -> dict:
    return {name: value for name, value in fields.items() if value is not MISSING}


def whole_number(raw) -> int | None:
    """The number a form's IntegerField reads from the raw value (int() once a trailing '.000' is dropped)."""
    if raw is MISSING:
        return None
    try:
        return int(re.sub(r"\.0*\s*$", "", str(raw)))
    except ValueError:
        return None


def cart_lines(client) -> dict[int, int]:
    cart_id = client.session.get("cart_id")
    return dict(CartLine.objects.filter(cart_id=cart_id).values_list("variant_id", "quantity")) if cart_id else {}


def long_email(length: int) -> str:
    """A valid address (Django's EmailValidator accepts it) of exactly `length` characters."""
    labels, room = [], length - len("a" * 64 + "@" + ".com")
    while room > 0:
        room -= 1 if labels else 0  # the dot before every label but the first
        size = min(63, room) if room - min(63, room) != 1 else 62
        labels.append("b" * size)
        room -= size
    return f"{'a' * 64}@{'.'.join(labels)}.com"


@pytest.fixture
def store_only(warehouse):
    """In stock at the warehouse, but never sold online."""
    variant = VariantFactory(sku="STORE-ONLY", price=Decimal("0.01"), product__sold_online=False)
    stock_services.stock_receive(variant=variant, location=warehouse, quantity=9)
    return variant


@pytest.fixture
def retired(warehouse):
    variant = VariantFactory(sku="RETIRED", price=Decimal("0.01"), is_active=False)
    stock_services.stock_receive(variant=variant, location=warehouse, quantity=9)
    return variant


@pytest.fixture
def skus(mug, kettle, store_only, retired):
    """Names the strategies use for real SKUs -> (variant id, units that can be sold online)."""
    return {"mug": (mug.pk, 5), "kettle": (kettle.pk, 3), "store-only": (store_only.pk, 0), "retired": (retired.pk, 0)}


def half(usual, unusual):
    """Draws from `usual` about half the time (st.one_of would weigh each branch of a nested one_of equally)."""
    return st.booleans().flatmap(lambda pick: usual if pick else unusual)


# About half the values are ones the shop accepts, so the checks of what lands in the cart are exercised too.
variants = half(st.sampled_from(["mug", "kettle", "store-only", "retired"]), st.one_of(junk, st.just(MISSING)))
quantities = half(st.integers(min_value=-5, max_value=1005).map(str), st.one_of(junk, st.just(MISSING)))
nexts = st.one_of(
    st.just(MISSING), junk, junk.map("/{}".format), junk.map("https://{}".format),
    st.sampled_from(["/cart/", "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)",
                     "/cart/\r\nX: y", "orders:cart_detail", "cart_detail", "checkout_place", "/products/../admin/",
                     " /cart/", "\x00/cart/"]),
)


def variant_value(name, skus):
    return str(skus[name][0]) if name in skus else name


def sellable(raw, skus) -> tuple[int, int] | None:
    """(variant id, units available online) when the raw value names a SKU sold online, else None."""
    number = whole_number(raw)
    found = [(pk, units) for pk, units in skus.values() if pk == number and units > 0]
    return found[0] if found else None


@FUZZ
@given(variant=variants, quantity=quantities, next_=nexts)
@example(variant="mug", quantity="2", next_=MISSING)
@example(variant="kettle", quantity="999", next_="/cart/")
@example(variant="store-only", quantity="1", next_=MISSING)
def test_junk_added_to_the_cart_never_errors_and_only_a_valid_quantity_of_a_product_sold_online_gets_in(
    skus, variant, quantity, next_
):
    with rolled_back():
        client = Client()
        raw_variant = variant_value(variant, skus)

        response = client.post(reverse("orders:cart_add"), form_data(variant=raw_variant, quantity=quantity,
                                                                     next=next_, price="0.01"))

        assert response.status_code in ANSWERS
        assert response.status_code == 302
        assert not response["Location"].startswith(("http", "//", "/\\", "javascript"))
        target, number = sellable(raw_variant, skus), whole_number(quantity)
        if target is None or number is None or not 1 <= number <= 999:
            event("refused")
            assert cart_lines(client) == {}  # refused: nothing in the cart
        else:
            event("added")
            variant_id, units = target
            assert cart_lines(client) == {variant_id: min(number, units)}


@FUZZ
@given(variant=variants, quantity=quantities)
@example(variant="mug", quantity="0")
@example(variant="mug", quantity="7")
@example(variant="kettle", quantity="1")
@example(variant="store-only", quantity="1")
def test_junk_sent_to_update_a_cart_line_never_errors_and_invalid_input_leaves_the_cart_as_it_was(
    skus, mug, variant, quantity
):
    with rolled_back():
        client = Client()
        fill_cart(client, (mug, 2))
        raw_variant = variant_value(variant, skus)

        response = client.post(reverse("orders:cart_update"), form_data(variant=raw_variant, quantity=quantity))

        assert response.status_code in ANSWERS
        assert response.status_code == 302
        number, variant_id = whole_number(quantity), whole_number(raw_variant)
        expected = {mug.pk: 2}
        if number is not None and 0 <= number <= 999 and variant_id is not None and variant_id >= 1:
            target = sellable(raw_variant, skus)
            if number == 0:
                expected.pop(variant_id, None)
            elif target is not None:
                expected[target[0]] = min(number, target[1])
        event("changed" if expected != {mug.pk: 2} else "unchanged")
        assert cart_lines(client) == expected


@FUZZ
@given(variant=variants)
@example(variant="kettle")
def test_junk_sent_to_remove_a_cart_line_never_errors_and_removes_only_that_line(skus, mug, kettle, variant):
    with rolled_back():
        client = Client()
        fill_cart(client, (mug, 2), (kettle, 1))
        raw_variant = variant_value(variant, skus)

        response = client.post(reverse("orders:cart_remove"), form_data(variant=raw_variant))

        assert response.status_code in ANSWERS
        expected = {mug.pk: 2, kettle.pk: 1}
        expected.pop(whole_number(raw_variant), None)
        assert cart_lines(client) == expected


CHECKOUT_FIELDS = ["email", "phone", "ship_name", "ship_address", "ship_city", "ship_province", "ship_postal_code",
                   "delivery_method", "payment_method"]
field_values = st.one_of(
    junk, st.just(MISSING), st.emails(), st.integers(min_value=250, max_value=330).map(long_email),
    st.sampled_from(Province.values), st.sampled_from(
        ["T2P 1J9", "t2p1j9", "H2X 1Y4", "X0A 0H0", "D2P 1J9", "T2P 1J", "cheque", "CHEQUE", "standard", "pickup"]),
)


def as_pk(raw) -> int | None:
    """The primary key a ModelChoiceField looks up for the raw value (int() of it), or None."""
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def surely_invalid(broken: dict, delivery_ids: dict) -> bool:
    """Changes that no reading of the form can accept (the oracle is deliberately narrower than the form)."""
    delivery = as_pk(broken.get("delivery_method", str(delivery_ids["standard"])))
    ships = delivery == delivery_ids["standard"]
    province = broken.get("ship_province", "AB")
    return (
        ("payment_method" in broken and broken["payment_method"] != "cheque")
        or ("email" in broken and (broken["email"] is MISSING or "@" not in broken["email"]))
        or ("ship_name" in broken and (broken["ship_name"] is MISSING or not broken["ship_name"].strip()))
        or delivery not in (delivery_ids["standard"], delivery_ids["pickup"])
        or (ships and (province is MISSING or province not in Province.values))
    )


def assert_well_formed(order: Order, delivery_ids: dict) -> None:
    """What an order placed from any accepted form must look like."""
    validate_email(order.email)
    assert len(order.email) <= 254
    assert order.ship_name.strip() and order.ship_name == order.ship_name.strip()
    for value in (order.email, order.phone, order.ship_name, order.ship_address, order.ship_city):
        assert "\x00" not in value
    assert order.payment_method == "cheque"
    assert order.delivery_method_id in (delivery_ids["standard"], delivery_ids["pickup"])
    assert order.ship_province in Province.values
    if order.delivery_method_id == delivery_ids["standard"]:
        assert POSTAL_CODE.match(order.ship_postal_code) and len(order.ship_postal_code) == 7
        assert order.ship_province in POSTAL_PREFIXES[order.ship_postal_code[0]]
        assert order.ship_address.strip() and order.ship_city.strip()
        if order.ship_province == "AB":
            assert order.total == ALBERTA_TOTAL
    assert list(order.lines.values_list("sku", "unit_price", "quantity")) == [("MUG-1", Decimal("18.00"), 1)]


@pytest.fixture
def delivery_ids(canada, store):
    store.province = "AB"
    store.save()
    pickup = DeliveryMethod.objects.create(code="pickup-yyc", name="Pick up in store", kind="pickup", price=0,
                                           handling_fee=0, pickup_location=store)
    retired = DeliveryMethod.objects.create(code="gone", name="Old courier", price=1, is_active=False)
    return {"standard": canada.pk, "pickup": pickup.pk, "retired": retired.pk}


@FUZZ
@given(broken=st.dictionaries(st.sampled_from(CHECKOUT_FIELDS), field_values, max_size=3),
       delivery=st.sampled_from(["standard", "pickup", "retired", None]))
@example(broken={}, delivery=None)
@example(broken={"ship_province": "QC", "ship_postal_code": "h2x1y4"}, delivery="standard")
@example(broken={"ship_address": MISSING}, delivery="pickup")
@example(broken={"email": "ana@example.com\x00"}, delivery=None)
def test_junk_in_the_checkout_form_never_errors_and_never_places_an_order_from_invalid_details(
    mug, delivery_ids, broken, delivery
):
    broken = dict(broken)
    if delivery is not None:
        broken["delivery_method"] = str(delivery_ids[delivery])
    with rolled_back():
        client = Client()
        fill_cart(client, (mug, 1))
        data = form_data(**{**ALBERTA, "delivery_method": str(delivery_ids["standard"]), **broken})

        response = client.post(reverse("orders:checkout"), data)

        assert response.status_code in (200, 302)
        if surely_invalid(broken, delivery_ids):
            assert response.status_code == 200
        if not broken:
            assert response.status_code == 302
        review = client.get(reverse("orders:checkout_review"))
        assert review.status_code in (200, 302)
        seen_total = (review.content.decode().split('name="seen_total" value="')[1].split('"')[0]
                      if review.status_code == 200 else str(ALBERTA_TOTAL))
        placed = client.post(reverse("orders:checkout_place"), {"seen_total": seen_total})
        assert placed.status_code == 302
        event(f"checkout form {'refused' if response.status_code == 200 else 'accepted'}")
        if response.status_code == 200:  # the form said no: the details were not kept, nothing was ordered
            assert "checkout" not in client.session
            assert review["Location"] == reverse("orders:checkout")
            assert placed["Location"] == reverse("orders:checkout")
            assert not Order.objects.exists()
            assert cart_lines(client) == {mug.pk: 1}
            assert Stock.objects.get(variant=mug).reserved == 0
        else:
            order = Order.objects.get()
            assert placed["Location"] == order.get_absolute_url()
            assert_well_formed(order, delivery_ids)
            assert Stock.objects.get(variant=mug).reserved == 1


tampered_totals = st.one_of(
    junk, st.just(str(ALBERTA_TOTAL)), st.sampled_from(["34.130", "3413e-2", " 34.13", "34.12", "34.14", "0.01",
                                                        "-34.13", "34,13", "$34.13"]),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
EXTRA_FIELDS = ["total", "subtotal", "price", "unit_price", "shipping", "handling", "discount", "tax_total",
                "variant", "quantity", "sku", "delivery_method", "email", "ship_province", "cart_id", "user"]


def read_decimal(raw) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return None if value.is_nan() else value


@FUZZ
@given(seen_total=tampered_totals,
       extras=st.dictionaries(st.sampled_from(EXTRA_FIELDS),
                              st.one_of(junk, st.sampled_from(["0.01", "0", "-100", "STORE-ONLY", "QC"])),
                              max_size=5),
       store_only_in_extras=st.booleans())
@example(seen_total="34.13", extras={"total": "0.01", "price": "0.01", "discount": "34.13"}, store_only_in_extras=True)
@example(seen_total="0.01", extras={"total": "0.01"}, store_only_in_extras=False)
def test_tampered_hidden_fields_never_change_what_is_charged(mug, canada, store_only, seen_total, extras,
                                                             store_only_in_extras):
    extras = dict(extras)
    if store_only_in_extras:
        extras["variant"] = str(store_only.pk)
    with rolled_back():
        client = Client()
        fill_cart(client, (mug, 1))
        assert client.post(reverse("orders:checkout"), {**ALBERTA, "delivery_method": canada.pk}).status_code == 302

        response = client.post(reverse("orders:checkout_place"), {**extras, "seen_total": seen_total})

        assert response.status_code == 302
        event("placed" if read_decimal(seen_total) == ALBERTA_TOTAL else "sent back to review")
        if read_decimal(seen_total) == ALBERTA_TOTAL:  # what the review page showed: the order is placed ...
            order = Order.objects.get()
            assert response["Location"] == order.get_absolute_url()
            # ... at the database's prices, whatever else was posted
            assert (order.subtotal, order.shipping, order.handling, order.discount, order.tax_total, order.total) == (
                Decimal("18.00"), Decimal("12.00"), Decimal("2.50"), Decimal("0.00"), Decimal("1.63"), ALBERTA_TOTAL)
            assert list(order.lines.values_list("sku", "unit_price", "quantity")) == [("MUG-1", Decimal("18.00"), 1)]
            assert (order.ship_province, order.email, order.delivery_method_id) == ("AB", ALBERTA["email"], canada.pk)
        else:  # anything else sends the customer back to the review page, nothing is ordered or reserved
            assert response["Location"] == reverse("orders:checkout_review")
            assert not Order.objects.exists()
            assert cart_lines(client) == {mug.pk: 1}
            assert Stock.objects.get(variant=mug).reserved == 0
        assert Stock.objects.get(variant=store_only).reserved == 0


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
@pytest.mark.parametrize("name", ["cart_add", "cart_update", "cart_remove", "checkout_place"])
def test_the_cart_and_place_order_endpoints_answer_other_methods_with_405(client, method, name):
    assert getattr(client, method)(reverse(f"orders:{name}")).status_code == 405


# --- inputs that once gave a 500, kept as plain examples ------------------------------------------------------


@pytest.mark.parametrize("seen_total", ["sNaN", "-sNaN", "snan", "sNaN42", "NaN", "Infinity"])
def test_a_total_that_is_not_a_number_sends_the_customer_back_to_review(client, mug, canada, seen_total):
    fill_cart(client, (mug, 1))
    client.post(reverse("orders:checkout"), {**ALBERTA, "delivery_method": canada.pk})

    response = client.post(reverse("orders:checkout_place"), {"seen_total": seen_total})

    assert response["Location"] == reverse("orders:checkout_review")
    assert not Order.objects.exists()


@pytest.mark.parametrize("length", [254, 255, 320])
def test_an_email_too_long_for_the_order_is_refused_by_the_form_or_kept_whole(client, mug, canada, length):
    email = long_email(length)
    validate_email(email)  # a valid address, just long
    fill_cart(client, (mug, 1))

    response = checkout(client, canada, ALBERTA, email=email)

    if response.status_code == 200:  # refused by the form, with a message
        assert length > 254
        assert "checkout" not in client.session
    else:  # accepted: the order keeps the whole address
        place(client)
        assert Order.objects.get().email == email


@pytest.mark.parametrize("next_", ["0", "cart", "cart_detail", "checkout_place", "orders:cart_detail"])
def test_a_next_that_is_not_a_path_on_this_site_falls_back_to_the_cart(client, mug, next_):
    response = client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1, "next": next_})

    assert response["Location"] == reverse("orders:cart_detail")
    assert cart_lines(client) == {mug.pk: 1}
