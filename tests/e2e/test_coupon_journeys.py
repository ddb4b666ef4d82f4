"""A shopper uses a discount code, in a real browser: entered on the cart page (a plain form, no JavaScript needed),
the discount line at the cart and at the review, the sales tax computed on the discounted amount, and the order's
page and confirmation email showing the discount.

Two Stoneware Mugs at $18.00 (Kitchen), to Calgary with the flat delivery ($12.00 + $2.50 handling), GST 5 %:
    without a code: 36.00 + 14.50 = 50.50, GST 2.525 -> 2.53, total $53.03
    KITCHEN20 (20 % off Kitchen): -7.20; GST on 28.80 + 14.50 = 43.30 -> 2.165 -> 2.17, total $45.47
"""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from coupons.models import Coupon, CouponRedemption
from orders.models import Order
from outbox.models import OutboxEmail
from tests.e2e.helpers import STANDARD, cart_button, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kitchen_code(mug):
    return Coupon.objects.create(code="KITCHEN20", description="20% off kitchenware",
                                 description_fr="20 % de rabais sur la cuisine", kind="percent",
                                 value=Decimal("20"), category=mug.product.category, minimum_order=Decimal("30.00"))


def test_a_shopper_applies_a_code_sees_the_discounted_taxes_and_the_order_keeps_the_discount(page: Page, mug,
                                                                                             kitchen_code):
    page.goto(mug.product.get_absolute_url())
    main = page.get_by_role("main")
    main.get_by_label("Quantity").fill("1")
    main.get_by_role("button", name="Add to cart").click()
    cart_button(page).click()
    expect(page.get_by_role("heading", name="Your cart", level=1)).to_be_visible()

    # A mistyped code, then the right one before the minimum is reached: each refusal says why
    page.get_by_label("Discount code", exact=True).fill("KITCHEN2")
    page.get_by_role("button", name="Apply").click()
    expect(messages(page)).to_have_text("We don't know the code KITCHEN2. Please check its spelling.")
    page.get_by_label("Discount code", exact=True).fill("kitchen20")
    page.get_by_role("button", name="Apply").click()
    expect(messages(page)).to_have_text("The code KITCHEN20 needs $30.00 of items: add $12.00 more to use it.")

    page.get_by_label("Quantity of Stoneware Mug").fill("2")
    page.get_by_role("button", name="Update Stoneware Mug").click()
    page.get_by_label("Discount code", exact=True).fill("kitchen20")
    page.get_by_role("button", name="Apply").click()
    expect(messages(page)).to_have_text("The code KITCHEN20 is applied: 20% off kitchenware.")
    cart = page.get_by_role("table", name="Items in your cart")
    expect(cart.get_by_role("row", name=re.compile("Discount code KITCHEN20"))).to_contain_text("-$7.20")
    expect(cart.get_by_role("row", name=re.compile("Items after discounts"))).to_contain_text("$28.80")

    page.get_by_role("link", name="Check out").click()
    # the checkout form for Calgary, flat delivery, cheque (helpers.fill_calgary_checkout, within the main region)
    form = page.get_by_role("main")
    form.get_by_label("Email").fill("ana@example.com")
    form.get_by_label("Full name").fill("Ana Tremblay")
    form.get_by_label("Street address").fill("100 8 Ave SW")
    form.get_by_label("City").fill("Calgary")
    form.get_by_label("Province or territory").select_option(label="Alberta")
    form.get_by_label("Postal code").fill("T2P 1J9")
    form.get_by_role("button", name="Show delivery options for this address").click()
    form.get_by_role("radio", name=STANDARD).check()
    form.get_by_role("radio", name="Cheque").check()
    page.get_by_role("button", name="Review my order").click()

    breakdown = page.get_by_role("table", name="Price breakdown")
    expect(breakdown.get_by_role("row", name=re.compile("Discount code KITCHEN20"))).to_have_text(
        "Discount code KITCHEN20 (20% off kitchenware) -$7.20", use_inner_text=True)
    expect(breakdown.get_by_role("row", name=re.compile("^GST"))).to_have_text("GST 5 % $2.17", use_inner_text=True)
    expect(breakdown.get_by_role("row").last).to_have_text("Total (CAD) $45.47", use_inner_text=True)
    page.get_by_role("button", name="Place order — $45.47").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Order C-\d+$"), level=1)).to_be_visible()
    order_breakdown = page.get_by_role("table", name="Price breakdown")
    expect(order_breakdown.get_by_role("row", name=re.compile("^Discounts"))).to_have_text(
        "Discounts (codes: KITCHEN20) -$7.20", use_inner_text=True)
    expect(order_breakdown).to_contain_text("Discount on this line: -$7.20")
    expect(order_breakdown.get_by_role("row").last).to_have_text("Total (CAD) $45.47", use_inner_text=True)

    order = Order.objects.get()
    assert (order.subtotal, order.discount, order.tax_total, order.total) == (
        Decimal("36.00"), Decimal("7.20"), Decimal("2.17"), Decimal("45.47"))
    assert CouponRedemption.objects.get().order == order
    acknowledgement = OutboxEmail.objects.get(reference=order.number)
    assert "Discounts (codes: KITCHEN20): -$7.20" in acknowledgement.text_body
    assert "Discount code KITCHEN20" not in acknowledgement.html_body and "-$7.20" in acknowledgement.html_body
