""""Email me when it is back": a visitor signs up on the page of a SKU that is out of stock online and cannot be
backordered, and gets one email when stock arrives (after waiting backorders took their share)."""

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from catalog.tests.factories import VariantFactory
from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from inventory import services as stock_services
from orders.tests.conftest import canada  # noqa: F401 — shared fixture
from outbox.models import OutboxEmail
from shipping.models import BackInStockRequest
from shipping.services.backinstock import back_in_stock_notify, back_in_stock_request, restock_process

pytestmark = pytest.mark.django_db

BUTTON = "Email me when it is back"


@pytest.fixture
def teapot(warehouse):
    """A SKU sold online, out of stock, that cannot be backordered."""
    return VariantFactory(sku="TEA-1", price=Decimal("55.00"), product__name="Cast Iron Teapot")


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sign_up(client, variant, email):
    page = client.get(variant.product.get_absolute_url()).content.decode()
    return client.post(reverse("shipping:back_in_stock_request"),
                       {"variant": variant.pk, "email": email, "csrfmiddlewaretoken": csrf_token(page)})


def test_a_visitor_signs_up_from_the_product_page_and_is_sent_back_to_it_with_a_message(teapot):
    client = Client(enforce_csrf_checks=True)
    page = client.get(teapot.product.get_absolute_url()).content.decode()
    assert "Out of stock online" in page
    assert BUTTON in page
    assert f'<label class="form-label small mb-0" for="back-in-stock-{teapot.pk}">Your email</label>' in page

    response = client.post(reverse("shipping:back_in_stock_request"),
                           {"variant": teapot.pk, "email": "Ana@Example.com", "csrfmiddlewaretoken": csrf_token(page)})

    assert response.status_code == 302
    assert response["Location"] == teapot.product.get_absolute_url()
    assert "Thank you. We will email Ana@Example.com once, when Cast Iron Teapot is back in stock." in client.get(
        response["Location"]).content.decode()
    request = BackInStockRequest.objects.get()
    assert (request.variant, request.email, request.language, request.notified_at) == (
        teapot, "ana@example.com", "en", None)


def test_the_form_works_from_a_product_page_served_from_the_whole_page_cache(teapot):
    url = teapot.product.get_absolute_url()
    Client().get(url)  # the first visitor's page is stored
    visitor = Client(enforce_csrf_checks=True)

    response = sign_up(visitor, teapot, "ben@example.com")

    assert response.status_code == 302
    assert BackInStockRequest.objects.filter(email="ben@example.com").count() == 1


def test_a_post_without_the_csrf_token_is_refused(teapot):
    response = Client(enforce_csrf_checks=True).post(reverse("shipping:back_in_stock_request"),
                                                     {"variant": teapot.pk, "email": "ana@example.com"})

    assert response.status_code == 403
    assert not BackInStockRequest.objects.exists()


def test_signing_up_twice_is_one_request(client, teapot):
    sign_up(client, teapot, "ana@example.com")
    response = sign_up(client, teapot, " ANA@example.com ")

    assert response.status_code == 302
    assert BackInStockRequest.objects.count() == 1
    _request, created = back_in_stock_request(variant=teapot, email="ana@example.com", language="fr")
    assert created is False


@pytest.mark.parametrize("email, message", [
    ("not-an-email", "Please enter a valid email address, such as ana@example.com."),
    ("", "Please enter your email address."),
])
def test_a_bad_email_says_so_on_the_product_page(client, teapot, email, message):
    response = sign_up(client, teapot, email)

    assert response.status_code == 302
    assert response["Location"] == teapot.product.get_absolute_url()
    assert message in client.get(response["Location"]).content.decode()
    assert not BackInStockRequest.objects.exists()


def test_an_unknown_product_goes_back_home_with_a_message(client, teapot):
    response = client.post(reverse("shipping:back_in_stock_request"), {"variant": "999999", "email": "a@example.com"})

    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:home")
    assert "That product is not sold online." in client.get(response["Location"]).content.decode()


def test_in_stock_and_backorderable_products_offer_the_cart_not_the_form(client, warehouse):
    in_stock = VariantFactory(product__name="Mug")
    stock_services.stock_receive(variant=in_stock, location=warehouse, quantity=10)
    backorderable = VariantFactory(product__name="Lamp", product__allow_backorder=True)

    for variant, availability in [(in_stock, "In stock"),
                                  (backorderable, "Out of stock online — order now, ships later (as soon as it is "
                                                  "back)")]:
        page = client.get(variant.product.get_absolute_url()).content.decode()
        assert availability in page
        assert "Add to cart" in page
        assert BUTTON not in page


def test_each_sold_out_size_of_a_product_has_its_own_labelled_form(client, warehouse):
    small = VariantFactory(product__name="Apron", size="S")
    large = VariantFactory(product=small.product, size="L")
    stock_services.stock_receive(variant=small, location=warehouse, quantity=1)

    page = client.get(small.product.get_absolute_url()).content.decode()

    assert page.count(f">{BUTTON}</button>") == 1
    assert f'id="back-in-stock-{large.pk}"' in page
    assert 'aria-label="Email me when it is back: L"' in page


def test_sign_ups_are_notified_once_when_stock_arrives(client, teapot, warehouse, django_capture_on_commit_callbacks):
    sign_up(client, teapot, "ana@example.com")
    back_in_stock_request(variant=teapot, email="ben@example.com", language="fr")

    stock_services.stock_receive(variant=teapot, location=warehouse, quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        result = restock_process(variant_ids=[teapot.pk])

    assert result.notified == 2
    emails = {e.to: e for e in OutboxEmail.objects.all()}
    assert set(emails) == {"ana@example.com", "ben@example.com"}
    assert emails["ana@example.com"].subject == "comptoir: Cast Iron Teapot is back in stock"
    assert f"http://127.0.0.1:8000{teapot.product.get_absolute_url()}" in emails["ana@example.com"].text_body
    assert f"/fr{teapot.product.get_absolute_url()}" in emails["ben@example.com"].text_body
    assert emails["ben@example.com"].language == "fr"
    assert not BackInStockRequest.objects.filter(notified_at__isnull=True).exists()
    assert back_in_stock_notify(variant_ids=[teapot.pk]) == 0
    assert OutboxEmail.objects.count() == 2


def test_a_new_sign_up_after_the_email_is_a_new_request(teapot, warehouse):
    back_in_stock_request(variant=teapot, email="ana@example.com", language="en")
    stock_services.stock_receive(variant=teapot, location=warehouse, quantity=1)
    back_in_stock_notify(variant_ids=[teapot.pk])
    stock_services.stock_sell_in_store(variant=teapot, location=warehouse, quantity=1)  # sold out again

    _request, created = back_in_stock_request(variant=teapot, email="ana@example.com", language="en")

    assert created is True
    assert BackInStockRequest.objects.count() == 2


def test_nobody_is_notified_while_the_product_is_still_out_of_stock(teapot, store):
    back_in_stock_request(variant=teapot, email="ana@example.com", language="en")

    assert restock_process(variant_ids=[teapot.pk]).notified == 0
    stock_services.stock_receive(variant=teapot, location=store, quantity=3)  # a store does not ship online
    assert restock_process(variant_ids=[teapot.pk]).notified == 0

    assert BackInStockRequest.objects.get().notified_at is None
    assert not OutboxEmail.objects.exists()


def test_waiting_backorders_take_arriving_stock_before_sign_ups_are_told(teapot, warehouse, canada):  # noqa: F811
    back_in_stock_request(variant=teapot, email="ana@example.com", language="en")
    teapot.product.allow_backorder = True  # the shop starts taking backorders for it
    teapot.product.save()
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=teapot.pk, quantity=3)
    order = order_place(cart=cart, language="en", details=CheckoutDetails(
        email="ben@example.com", phone="", ship_name="Ben", ship_address="1 Main St", ship_city="Calgary",
        ship_province="AB", ship_postal_code="T2P 1J9", delivery_method_id=canada.pk, payment_method="cheque"))
    stock_services.stock_receive(variant=teapot, location=warehouse, quantity=2)

    result = restock_process(variant_ids=[teapot.pk])

    assert (result.filled, result.notified) == ([(order.number, teapot.pk, 2)], 0)
    assert BackInStockRequest.objects.get().notified_at is None
