"""Orders to pay: placed through the real order_place service, with the mug and kettle of the orders tests."""

import pytest

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from orders.tests.conftest import canada, kettle, mug  # noqa: F401 — shared fixtures

ALBERTA = {"email": "ana@example.com", "phone": "403-555-0101", "ship_name": "Ana Tremblay",
           "ship_address": "100 8 Ave SW", "ship_city": "Calgary", "ship_province": "AB",
           "ship_postal_code": "T2P 1J9"}


@pytest.fixture
def order_for(canada):  # noqa: F811
    """order_for(method, (variant, qty), ..., user=None, po="") places an order in Alberta (GST 5 %): $12.00
    shipping and $2.50 handling, both taxed."""

    def place(method, *items, user=None, po=""):
        cart = Cart.objects.create()
        for variant, quantity in items:
            cart_add(cart=cart, variant_id=variant.pk, quantity=quantity)
        details = CheckoutDetails(**ALBERTA, delivery_method_id=canada.pk, payment_method=method,
                                  purchase_order_number=po)
        return order_place(cart=cart, details=details, language="en", user=user)

    return place


@pytest.fixture
def card_order(order_for, mug, stripe_fake):  # noqa: F811
    """A guest's card order for one mug ($34.13) with its Checkout session open at the fake Stripe."""
    from payments.services.card import card_payment_start

    order = order_for("card", (mug, 1))
    payment = card_payment_start(order=order, success_url="http://shop.test/done?s={CHECKOUT_SESSION_ID}",
                                 cancel_url="http://shop.test/cancelled")
    return order, payment
