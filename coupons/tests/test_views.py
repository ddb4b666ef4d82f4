"""Entering and removing a code on the cart page (plain forms, no JavaScript), the review's discounted taxes, the
order page and invoice showing the discount."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkout.models import Cart
from coupons.models import Coupon
from orders.models import Order
from orders.tests.test_checkout import ALBERTA, QUEBEC, checkout, fill_cart, place

from .factories import CouponFactory

pytestmark = pytest.mark.django_db


def apply(client, code):
    return client.post(reverse("orders:cart_coupon_apply"), {"code": code}, follow=True).content.decode()


def test_a_shopper_applies_a_code_and_the_cart_shows_the_discount_line(client, canada, mug, kettle):
    CouponFactory(code="TEN", value=Decimal("10"), description="10% off everything")
    fill_cart(client, (mug, 2), (kettle, 1))

    html = apply(client, " ten ")

    assert "The code TEN is applied: 10% off everything." in html
    assert "Discount code TEN" in html and "-$11.50" in html and "$103.50" in html
    assert Cart.objects.get().coupon_codes == ["TEN"]


def test_a_refused_code_is_not_kept_and_the_message_says_why(client, canada, mug):
    CouponFactory(code="MIN50", minimum_order=Decimal("50.00"))
    fill_cart(client, (mug, 1))

    html = apply(client, "min50")

    assert "The code MIN50 needs $50.00 of items: add $32.00 more to use it." in html
    assert "We don&#x27;t know the code NOPE" in apply(client, "nope")
    assert Cart.objects.get().coupon_codes == []


def test_a_code_is_removed_from_the_cart(client, canada, mug):
    CouponFactory(code="TEN")
    fill_cart(client, (mug, 1))
    apply(client, "TEN")

    html = client.post(reverse("orders:cart_coupon_remove"), {"code": "TEN"}, follow=True).content.decode()

    assert "The code TEN was removed." in html and "-$1.80" not in html
    assert Cart.objects.get().coupon_codes == []


def test_the_review_shows_the_discount_and_taxes_on_the_discounted_amount_and_the_order_keeps_them(
        client, canada, mug, kettle):
    CouponFactory(code="TEN", value=Decimal("10"), description="Ten off", description_fr="Dix de rabais")
    fill_cart(client, (mug, 2), (kettle, 1))
    apply(client, "TEN")
    checkout(client, canada, QUEBEC)

    review = client.get(reverse("orders:checkout_review")).content.decode()

    # goods 103.50 + 14.50 = 118.00: GST 5.90, QST 11.77 (11.7705); total 115 + 14.50 - 11.50 + 17.67 = 135.67
    for text in ["Discount code TEN", "(Ten off)", "-$11.50", "$5.90", "$11.77", "$135.67"]:
        assert text in review
    response = place(client)
    order = Order.objects.get()
    assert response["Location"] == order.get_absolute_url()
    assert (order.discount, order.total, order.coupon_codes) == (Decimal("11.50"), Decimal("135.67"), "TEN")
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Discounts" in page and "codes: TEN" in page and "-$11.50" in page
    assert "Discount on this line: -$7.90" in page
    assert Cart.objects.get().coupon_codes == []


def test_a_code_used_up_between_review_and_placing_sends_the_shopper_back_to_the_review_told_why(
        client, canada, mug):
    coupon = CouponFactory(code="TEN")
    fill_cart(client, (mug, 1))
    apply(client, "TEN")
    checkout(client, canada, ALBERTA)
    review = client.get(reverse("orders:checkout_review")).content.decode()
    Coupon.objects.filter(pk=coupon.pk).update(is_active=False)
    total = review.split('name="seen_total" value="')[1].split('"')[0]

    response = client.post(reverse("orders:checkout_place"), {"seen_total": total}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("orders:checkout_review")
    assert "The code TEN is no longer valid. Please check the new total." in html
    assert "It is not applied to this order." in html
    assert not Order.objects.exists()


def test_the_printed_invoice_shows_the_codes_and_the_line_discounts(client, admin_client, canada, mug, kettle):
    CouponFactory(code="TEN", value=Decimal("10"))
    fill_cart(client, (mug, 2), (kettle, 1))
    apply(client, "TEN")
    checkout(client, canada, ALBERTA)
    place(client)
    order = Order.objects.get()

    html = admin_client.get(reverse("admin:shipping_shipment_invoice", args=[order.pk])).content.decode()

    assert "codes: TEN" in html and "-$11.50" in html and "Discount on this line: -$3.60" in html
