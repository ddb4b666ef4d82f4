import pytest
from django.urls import reverse

from catalog.tests.factories import VariantFactory
from checkout.models import Cart, CartLine
from checkout.services import cart as cart_services
from inventory import services as stock_services

pytestmark = pytest.mark.django_db


def test_adding_more_than_is_left_sets_the_quantity_to_what_is_left_and_says_so(cart, mug):
    change = cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=8)

    assert (change.quantity, change.level) == (5, "warning")
    assert change.message == "Only 5 left of Stoneware Mug — quantity set to 5."
    assert CartLine.objects.get(cart=cart).quantity == 5


def test_adding_twice_adds_up(cart, mug):
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    change = cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=1)

    assert change.message == "Stoneware Mug: 3 in your cart."
    assert CartLine.objects.get(cart=cart).quantity == 3


def test_a_store_only_or_unknown_product_cannot_be_added(cart, warehouse):
    store_only = VariantFactory(product__sold_online=False)
    stock_services.stock_receive(variant=store_only, location=warehouse, quantity=4)

    for variant_id in (store_only.pk, 999999, "abc", None):
        change = cart_services.cart_add(cart=cart, variant_id=variant_id, quantity=1)
        assert (change.message, change.level) == ("That product is not sold online.", "error")
    assert not CartLine.objects.exists()


def test_an_out_of_stock_product_is_refused_plainly(cart, warehouse):
    variant = VariantFactory(product__name="Camp Mug")

    change = cart_services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)

    assert change.message == "Sorry, Camp Mug is out of stock online."
    assert not CartLine.objects.exists()


def test_setting_zero_removes_the_line(cart, mug):
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)

    change = cart_services.cart_set_quantity(cart=cart, variant_id=mug.pk, quantity=0)

    assert change.message == "Stoneware Mug was removed from your cart."
    assert not CartLine.objects.exists()


def test_prices_in_the_cart_are_todays_prices(cart, mug):
    cart_services.cart_add(cart=cart, variant_id=mug.pk, quantity=2)
    mug.price = "20.00"
    mug.save()

    assert cart_services.cart_summary(cart.pk) == (2, 40)


def test_a_guest_cart_joins_the_customers_saved_cart_on_sign_in(client, django_user_model, mug, kettle):
    user = django_user_model.objects.create_user("ana", password="pw-12345-x")
    saved = Cart.objects.create(user=user)
    CartLine.objects.create(cart=saved, variant=kettle, quantity=1)
    CartLine.objects.create(cart=saved, variant=mug, quantity=1)
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 2})

    client.login(username="ana", password="pw-12345-x")

    assert dict(CartLine.objects.filter(cart=saved).values_list("variant__sku", "quantity")) == {
        "KET-1": 1, "MUG-1": 3}
    assert Cart.objects.count() == 1
    assert "Cart: 4 items" in client.get(reverse("orders:cart_detail")).content.decode()


@pytest.mark.parametrize("quantity, message", [
    ("0", "Ensure this value is greater than or equal to 1."),
    ("-3", "Ensure this value is greater than or equal to 1."),
    ("1000000000", "Ensure this value is less than or equal to 999."),
    ("two", "Enter a whole number of items."),
    ("", "This field is required."),
])
def test_bad_quantities_from_the_form_are_refused_with_a_message(client, mug, quantity, message):
    response = client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": quantity}, follow=True)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CartLine.objects.exists()


def test_the_header_shows_the_item_count_and_total_on_every_page(client, mug, kettle):
    client.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 2})
    client.post(reverse("orders:cart_add"), {"variant": kettle.pk, "quantity": 1})

    html = client.get(mug.product.get_absolute_url()).content.decode()

    assert "Cart: 3 items, $115.00" in html


def test_add_to_cart_from_a_cached_page_carries_a_working_csrf_token(mug):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    page = browser.get(mug.product.get_absolute_url())
    html = page.content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    response = browser.post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1,
                                                          "csrfmiddlewaretoken": token})

    assert "__comptoir_csrf_token__" not in html
    assert response.status_code == 302
    assert CartLine.objects.get().quantity == 1
    forged = Client(enforce_csrf_checks=True).post(reverse("orders:cart_add"), {"variant": mug.pk, "quantity": 1})
    assert forged.status_code == 403
