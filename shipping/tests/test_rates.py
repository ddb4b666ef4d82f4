"""Rate lookup by zone and weight, the most specific zone winning, regions nobody delivers to, and the options a
checkout offers. Uses the carriers, zones and rates the shipping migration seeds."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from orders.models import DeliveryMethod
from shipping.services.promise import promise_context
from shipping.services.rates import delivery_options, method_price, unserved_provinces, unserved_text
from shipping.tests.helpers import carriers_seed

pytestmark = pytest.mark.django_db

TUESDAY_MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=ZoneInfo("America/Edmonton"))


@pytest.fixture(autouse=True)
def carriers_only(canada):
    """As a new shop starts: the taxes and carriers of the seed, the old flat-rate method retired."""
    carriers_seed()


def price(code, province, postal_code="", kg="1"):
    return method_price(method=DeliveryMethod.objects.get(code=code), province=province, postal_code=postal_code,
                        weight_kg=Decimal(kg))


@pytest.mark.parametrize("kg, expected", [
    ("0.2", (Decimal("10.95"), 2)),   # first step, up to 0.5 kg
    ("0.5", (Decimal("10.95"), 2)),   # exactly on the step
    ("0.501", (Decimal("11.40"), 2)),  # next step (1 kg): 10.95 + 0.5 kg × 0.85, to the nickel
    ("7", (Decimal("19.05"), 2)),     # the 10 kg step
    ("30", (Decimal("36.05"), 2)),    # the last step
])
def test_the_rate_is_the_lightest_step_that_carries_the_parcel(kg, expected):
    assert price("canada-post-regular", "AB", "T2P 1J9", kg) == expected


def test_heavier_than_the_last_step_is_not_carried():
    assert price("canada-post-regular", "AB", "T2P 1J9", "30.5") is None


def test_the_zone_follows_the_province_and_prices_and_days_grow_with_distance():
    alberta, ontario, nova_scotia = (price("canada-post-regular", p) for p in ("AB", "ON", "NS"))

    assert alberta == (Decimal("11.40"), 2)
    assert ontario == (Decimal("15.35"), 5)
    assert nova_scotia == (Decimal("17.05"), 7)


def test_a_postal_code_prefix_wins_over_the_province():
    assert price("canada-post-regular", "AB", "T0H 0A0") == (Decimal("21.60"), 9)  # remote northern Alberta
    assert price("canada-post-regular", "AB", "T2P 1J9") == (Decimal("11.40"), 2)


def test_a_carrier_that_does_not_serve_a_region_is_not_offered_there():
    assert price("purolator-ground", "YT", "Y1A 1A1") is None
    assert price("canada-post-regular", "YT", "Y1A 1A1") == (Decimal("23.90"), 9)


def test_nunavut_is_served_by_nobody_and_shoppers_are_told():
    context = promise_context(now=TUESDAY_MORNING)

    options = delivery_options(province="NU", postal_code="X0A 0H0", weight_kg=Decimal("1"), context=context)

    assert unserved_provinces() == ["NU"]
    assert unserved_text() == ("We deliver anywhere in Canada except Nunavut, where store pickup is the only "
                               "option.")
    assert all(o.method.kind == DeliveryMethod.Kind.PICKUP for o in options)


def test_an_ontario_address_gets_every_carrier_with_its_price_and_date_soonest_first():
    context = promise_context(now=TUESDAY_MORNING)

    options = delivery_options(province="ON", postal_code="M5V 2T6", weight_kg=Decimal("0.4"), context=context)

    ship = [(o.method.code, o.total, o.promise.arrives_on.isoformat()) for o in options
            if o.method.kind == DeliveryMethod.Kind.SHIP]
    assert ship == [
        ("fedex-overnight", Decimal("43.70"), "2026-11-25"),
        ("purolator-express", Decimal("30.95"), "2026-11-26"),
        ("canada-post-xpresspost", Decimal("25.55"), "2026-11-27"),
        ("purolator-ground", Decimal("17.80"), "2026-11-30"),
        ("fedex-economy", Decimal("18.00"), "2026-11-30"),
        ("canada-post-regular", Decimal("17.30"), "2026-12-01"),
    ]


def test_product_and_cart_pages_say_which_regions_are_not_served(client, mug):
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})

    product = client.get(mug.product.get_absolute_url()).content.decode()
    cart = client.get(reverse("orders:cart_detail")).content.decode()

    for html in (product, cart):
        assert "We deliver anywhere in Canada except Nunavut" in html


def test_an_ontario_checkout_offers_each_carrier_and_the_chosen_rate_and_its_hst_reach_the_order(
        client, mug, django_capture_on_commit_callbacks):
    from django.core import mail

    from orders.models import Order

    address = {"email": "li@example.com", "phone": "", "ship_name": "Li Wong", "ship_address": "1 King St W",
               "ship_city": "Toronto", "ship_province": "ON", "ship_postal_code": "M5H 1A1",
               "payment_method": "cheque"}
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})

    page = client.post(reverse("orders:checkout"), {**address, "show_options": "1"}).content.decode()
    purolator = DeliveryMethod.objects.get(code="purolator-ground")
    client.post(reverse("orders:checkout"), {**address, "delivery_method": purolator.pk})
    review = client.get(reverse("orders:checkout_review")).content.decode()
    seen = review.split('name="seen_total" value="')[1].split('"')[0]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("orders:checkout_place"), {"seen_total": seen})

    for name in ("Canada Post Regular Parcel", "Purolator Ground", "FedEx Economy", "FedEx Priority Overnight"):
        assert name in page
    assert "arrives by" in page
    order = Order.objects.get()
    # Mug weight 0 kg → the first step: 11.75 × 1.30 = 15.275 → $15.30, plus $2.50 handling; HST 13 % on all.
    assert (order.shipping, order.handling) == (Decimal("15.30"), Decimal("2.50"))
    assert [(t.name, t.base, t.amount) for t in order.tax_lines.all()] == [
        ("HST", Decimal("35.80"), Decimal("4.65"))]
    assert order.total == Decimal("40.45")
    assert order.promised_on is not None and order.ships_by <= order.promised_on
    assert order.delivery_label == "Purolator Ground"
    [email] = [m for m in mail.outbox if order.number in m.subject]
    assert "Expected delivery: by" in email.body and "(Purolator Ground)" in email.body


def test_choosing_a_carrier_that_does_not_serve_the_address_is_refused_with_a_clear_message(client, mug):
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})
    purolator = DeliveryMethod.objects.get(code="purolator-ground")

    response = client.post(reverse("orders:checkout"), {
        "email": "a@example.com", "ship_name": "A", "ship_address": "1 Main St", "ship_city": "Whitehorse",
        "ship_province": "YT", "ship_postal_code": "Y1A 1A1", "payment_method": "cheque",
        "delivery_method": purolator.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "This delivery option does not serve that address." in html
    assert "Canada Post Regular Parcel" in html and "Purolator Ground" not in html


def test_late_orders_are_flagged_to_staff(admin_client, mug, order_for):
    from datetime import timedelta

    from django.utils import timezone

    from orders.models import Order

    DeliveryMethod.objects.filter(code="standard").update(is_active=True)  # what order_for delivers with
    late = order_for("cheque", (mug, 1))
    on_time = order_for("cheque", (mug, 1))
    Order.objects.filter(pk=late.pk).update(promised_on=timezone.localdate() - timedelta(days=1))

    listing = admin_client.get(reverse("admin:orders_order_changelist") + "?late=yes").content.decode()

    assert late.number in listing and on_time.number not in listing
    assert "late" in listing


def test_a_backordered_line_is_announced_at_review_and_pushes_the_promised_date_to_the_restock(client, mug):
    from datetime import timedelta

    from django.utils import timezone

    from orders.models import Order

    restock = timezone.localdate() + timedelta(days=12)
    mug.product.allow_backorder = True
    mug.product.restock_expected_on = restock
    mug.product.save()
    regular = DeliveryMethod.objects.get(code="canada-post-regular")
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 7})  # 5 in stock
    client.post(reverse("orders:checkout"), {
        "email": "a@example.com", "ship_name": "A", "ship_address": "1 Main St", "ship_city": "Calgary",
        "ship_province": "AB", "ship_postal_code": "T2P 1J9", "payment_method": "cheque",
        "delivery_method": regular.pk})

    review = client.get(reverse("orders:checkout_review")).content.decode()
    seen = review.split('name="seen_total" value="')[1].split('"')[0]
    client.post(reverse("orders:checkout_place"), {"seen_total": seen})

    assert "5 ship now, 2 ship later" in review
    order = Order.objects.get()
    assert order.lines.get().backordered == 2
    assert order.ships_by >= restock and order.promised_on > order.ships_by
