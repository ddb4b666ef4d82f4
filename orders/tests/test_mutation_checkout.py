"""Checkout rules that only mutation testing (make mutation) showed untested."""

import pytest

from checkout.services.placing import CheckoutDetails, delivery_province

pytestmark = pytest.mark.django_db

BC_ADDRESS = CheckoutDetails(email="li@example.com", phone="604-555-0101", ship_name="Li Wong",
                             ship_address="1 Main St", ship_city="Vancouver", ship_province="BC",
                             ship_postal_code="V6B 1A1", delivery_method_id=0, payment_method="cheque")


def test_a_delivered_order_is_taxed_where_it_goes_even_if_its_method_names_a_store(canada, store):
    store.province = "AB"
    store.save()
    canada.pickup_location = store  # a store chosen on a delivery method by mistake: it does not make it a pickup
    canada.save()

    assert delivery_province(BC_ADDRESS, canada) == "BC"


def test_a_pickup_is_taxed_in_its_stores_province_and_at_a_store_with_no_province_where_the_customer_lives(
        canada, store):
    canada.kind, canada.pickup_location = canada.Kind.PICKUP, store
    canada.save()

    store.province = "AB"
    store.save()
    assert delivery_province(BC_ADDRESS, canada) == "AB"
    store.province = ""
    store.save()
    assert delivery_province(BC_ADDRESS, canada) == "BC"


def place_for(user, canada, mug, method="cheque", po=""):
    from checkout.models import Cart
    from checkout.services.cart import cart_add
    from checkout.services.placing import order_place

    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=mug.pk, quantity=1)
    details = CheckoutDetails(email="li@example.com", phone="403-555-0101", ship_name="Li Wong",
                              ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
                              ship_postal_code="T2P 1J9", delivery_method_id=canada.pk, payment_method=method,
                              purchase_order_number=po)
    return order_place(cart=cart, details=details, language="en", user=user)


def test_a_guest_asking_to_pay_on_account_is_asked_to_sign_in_and_nothing_is_placed(canada, mug):
    from django.contrib.auth.models import AnonymousUser

    from checkout.services.placing import CheckoutError
    from orders.models import Order

    with pytest.raises(CheckoutError, match="Paying on account needs a business account. Please sign in"):
        place_for(AnonymousUser(), canada, mug, method="account", po="PO-1")  # what the view passes for a guest

    assert not Order.objects.exists()


def test_orders_are_numbered_upward_from_10001_after_the_shops_prefix(canada, mug, settings):
    first = place_for(None, canada, mug)
    second = place_for(None, canada, mug)

    assert first.number == f"{settings.SHOP_ORDER_PREFIX}{10000 + first.pk}"
    assert int(second.number.removeprefix(settings.SHOP_ORDER_PREFIX)) > int(
        first.number.removeprefix(settings.SHOP_ORDER_PREFIX))
