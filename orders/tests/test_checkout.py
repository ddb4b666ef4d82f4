from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from checkout.models import CartLine
from inventory.models import Stock, StockMovement
from orders.models import Order, OrderEvent

pytestmark = pytest.mark.django_db

ALBERTA = {"email": "ana@example.com", "phone": "403-555-0101", "ship_name": "Ana Tremblay",
           "ship_address": "100 8 Ave SW", "ship_city": "Calgary", "ship_province": "AB",
           "ship_postal_code": "t2p 1j9", "payment_method": "cheque"}
QUEBEC = {**ALBERTA, "ship_address": "1 rue Sainte-Catherine", "ship_city": "Montréal", "ship_province": "QC",
          "ship_postal_code": "H2X 1Y4"}


def fill_cart(client, *items):
    for variant, quantity in items:
        client.post(reverse("orders:cart_add"), {"variant": variant.pk, "quantity": quantity})


def checkout(client, canada, address, **overrides):
    return client.post(reverse("orders:checkout"), {**address, "delivery_method": canada.pk, **overrides})


def place(client):
    review = client.get(reverse("orders:checkout_review"))
    total = review.content.decode().split('name="seen_total" value="')[1].split('"')[0]
    return client.post(reverse("orders:checkout_place"), {"seen_total": total})


@pytest.mark.parametrize("address, tax_lines, total", [
    (ALBERTA, ["GST 5 %"], "$135.98"),
    (QUEBEC, ["GST 5 %", "QST 9.975 %"], "$148.90"),
])
def test_a_guest_checks_out_and_the_review_shows_the_full_breakdown(client, canada, mug, kettle, address,
                                                                     tax_lines, total):
    fill_cart(client, (mug, 2), (kettle, 1))
    assert checkout(client, canada, address).status_code == 302

    html = client.get(reverse("orders:checkout_review")).content.decode()

    for text in ["$115.00", "$12.00", "$2.50", *tax_lines, total, "Place order — " + total]:
        assert text in html


def test_placing_an_order_freezes_prices_reserves_stock_and_queues_the_acknowledgement(
    client, canada, mug, kettle, django_capture_on_commit_callbacks
):
    fill_cart(client, (mug, 2), (kettle, 1))
    checkout(client, canada, QUEBEC)

    with django_capture_on_commit_callbacks(execute=True):
        response = place(client)

    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert (order.subtotal, order.tax_total, order.total) == (Decimal("115.00"), Decimal("19.40"), Decimal("148.90"))
    assert [(t.name, t.amount) for t in order.tax_lines.all()] == [("GST", Decimal("6.48")), ("QST", Decimal("12.92"))]
    assert list(order.lines.values_list("sku", "unit_price", "quantity")) == [
        ("MUG-1", Decimal("18.00"), 2), ("KET-1", Decimal("79.00"), 1)]
    assert order.ship_postal_code == "H2X 1Y4"
    assert Stock.objects.get(variant=mug).reserved == 2
    assert StockMovement.objects.filter(kind="online_reservation", reference=order.number).count() == 2
    assert not CartLine.objects.exists()
    assert OrderEvent.objects.get(order=order).status == "received"
    [email] = mail.outbox
    assert email.to == ["ana@example.com"]
    assert order.number in email.subject
    assert "$148.90" in email.body and order.get_absolute_url() in email.body
    assert "QST 9.975 %" in email.alternatives[0].content


def test_the_acknowledgement_is_in_the_language_the_order_was_placed_in(client, canada, mug,
                                                                         django_capture_on_commit_callbacks):
    fill_cart(client, (mug, 1))
    client.post("/fr/checkout/", {**QUEBEC, "delivery_method": canada.pk})
    review = client.get("/fr/checkout/review/").content.decode()
    total = review.split('name="seen_total" value="')[1].split('"')[0]

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/fr/checkout/place/", {"seen_total": total})

    assert Order.objects.get().language == "fr"
    assert "Merci" in mail.outbox[0].body and "37,37\u00a0$" in mail.outbox[0].body


def test_if_stock_ran_out_meanwhile_the_customer_is_back_at_the_cart_and_nothing_is_created(
    client, canada, mug, kettle
):
    from inventory import services as stock_services

    fill_cart(client, (mug, 2), (kettle, 3))
    checkout(client, canada, ALBERTA)
    stock_services.stock_reserve(lines=[(kettle.pk, 2)])  # someone else bought two kettles

    response = place(client)

    assert response.status_code == 302
    assert Order.objects.count() == 0
    assert Stock.objects.get(variant=mug).reserved == 0
    cart_page = client.get(response["Location"]).content.decode()
    assert "Only 1 left of Gooseneck Kettle — quantity set to 1." in cart_page


def test_a_total_that_changed_since_the_review_sends_the_customer_back_to_review(client, canada, mug):
    fill_cart(client, (mug, 1))
    checkout(client, canada, ALBERTA)

    response = client.post(reverse("orders:checkout_place"), {"seen_total": "0.01"}, follow=True)

    assert "Prices or stock changed since you looked" in response.content.decode()
    assert Order.objects.count() == 0


def test_a_tampered_price_in_the_form_is_never_used(client, canada, mug):
    fill_cart(client, (mug, 1))
    checkout(client, canada, ALBERTA, subtotal="0.01", total="0.01", price="0.01")
    place(client)

    assert Order.objects.get().subtotal == Decimal("18.00")


def test_pickup_in_store_needs_no_address_and_is_taxed_where_the_store_is(client, canada, mug, store):
    from orders.models import DeliveryMethod

    store.province = "AB"
    store.save()
    pickup = DeliveryMethod.objects.create(code="pickup-yyc", name="Pick up in store", kind="pickup", price=0,
                                           handling_fee=0, pickup_location=store)
    fill_cart(client, (mug, 1))
    client.post(reverse("orders:checkout"), {"email": "a@example.com", "ship_name": "Ana",
                                             "delivery_method": pickup.pk, "payment_method": "cheque"})
    place(client)

    order = Order.objects.get()
    assert (order.ship_province, order.shipping, order.total) == ("AB", Decimal("0.00"), Decimal("18.90"))


@pytest.mark.parametrize("overrides, field_message", [
    ({"ship_postal_code": "12345"}, "Enter a Canadian postal code such as T2P 1J9."),
    ({"ship_postal_code": "H2X 1Y4"}, "H2X 1Y4 is in Quebec, not in Alberta. Check the postal code or the province."),
    ({"ship_postal_code": "D2P 1J9"}, "Enter a Canadian postal code such as T2P 1J9."),
    ({"email": "not-an-email"}, "Enter a valid email address."),
    ({"ship_name": ""}, "This field is required."),
    ({"ship_address": ""}, "Needed to deliver your order."),
    ({"ship_province": "ZZ"}, "Select a valid choice."),
    ({"delivery_method": "999999"}, "This delivery option does not serve that address."),
    ({"payment_method": "bitcoin"}, "Select a valid choice."),
])
def test_bad_checkout_details_re_render_the_form_with_a_message(client, canada, mug, overrides, field_message):
    fill_cart(client, (mug, 1))

    response = checkout(client, canada, ALBERTA, **overrides)

    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert "checkout" not in client.session


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, canada):
    response = client.get(reverse("orders:checkout"), follow=True)

    assert "Your cart is empty." in response.content.decode()


def test_a_second_place_order_after_the_order_went_through_is_sent_back_to_the_checkout_and_makes_none(
    client, canada, mug
):
    # A second click that arrives once the first is done: the checkout details left the session with the order, so
    # it never reaches order_place. Two clicks that arrive together: orders/tests/test_cart_lock.py.
    fill_cart(client, (mug, 1))
    checkout(client, canada, ALBERTA)
    first = place(client)
    order = Order.objects.get()
    assert (first.status_code, first["Location"]) == (302, order.get_absolute_url())

    second = client.post(reverse("orders:checkout_place"), {"seen_total": "34.13"})

    assert (second.status_code, second["Location"]) == (302, reverse("orders:checkout"))
    back = client.get(second["Location"])  # the checkout, with an empty cart, sends the shopper on to the cart
    assert (back.status_code, back["Location"]) == (302, reverse("orders:cart_detail"))
    assert "Your cart is empty." in client.get(back["Location"]).content.decode()
    assert list(Order.objects.values_list("pk", flat=True)) == [order.pk]
    assert Stock.objects.get(variant=mug).reserved == 1


def test_french_pages_name_the_taxes_tps_and_tvq(client, canada, mug):
    fill_cart(client, (mug, 1))
    client.post("/fr/checkout/", {**QUEBEC, "delivery_method": canada.pk})

    html = client.get("/fr/checkout/review/").content.decode()

    assert "TPS 5 %" in html and "TVQ 9,975 %" in html
    assert "Paiement : Chèque" in html


def test_a_price_edited_after_the_review_is_caught_inside_the_order_transaction(client, canada, mug):
    fill_cart(client, (mug, 1))
    checkout(client, canada, ALBERTA)
    review = client.get(reverse("orders:checkout_review")).content.decode()
    seen = review.split('name="seen_total" value="')[1].split('"')[0]
    mug.price = Decimal("19.00")  # staff change the price while the customer reads the review
    mug.save()

    response = client.post(reverse("orders:checkout_place"), {"seen_total": seen}, follow=True)

    assert seen == "34.13"
    assert "Prices or stock changed since you looked" in response.content.decode()
    assert "Place order — $35.18" in response.content.decode()
    assert Order.objects.count() == 0
    assert Stock.objects.get(variant=mug).reserved == 0
