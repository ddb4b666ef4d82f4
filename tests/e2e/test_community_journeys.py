"""Reviews in a real browser: a customer who bought the mug reviews it, the review waits for moderation, staff
approve it in the admin, and the (cached) product page and the category page then show it and its rating."""

import re

import pytest
from playwright.sync_api import Page, expect

from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from payments.services.received import payment_record
from tests.e2e.helpers import admin_log_in, customer_log_in, messages

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Keeps my coffee hot"
BODY = "Heavy, warm in the hand, and the glaze has survived the dishwasher."


@pytest.fixture
def paid_order(canada, mug, customer, staff):
    """Ana's order for one mug, placed from her account and paid by cheque."""
    cart = Cart.objects.create()
    cart_add(cart=cart, variant_id=mug.pk, quantity=1)
    details = CheckoutDetails(email="ana@example.com", phone="403-555-0101", ship_name="Ana Tremblay",
                              ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
                              ship_postal_code="T2P 1J9", delivery_method_id=canada.pk, payment_method="cheque")
    order = order_place(cart=cart, details=details, language="en", user=customer)
    payment_record(order=order, amount=order.total, method="cheque", reference="7781", user=staff)
    return order


def test_a_buyer_reviews_the_mug_staff_approve_it_and_the_product_and_category_pages_show_the_rating(
        page: Page, new_context, paid_order, mug, customer, staff):
    product_url = mug.product.get_absolute_url()
    reviews = page.get_by_role("region", name="Customer reviews")

    # A visitor sees the product page (now cached) without reviews.
    visitor = new_context().new_page()
    visitor.goto(product_url)
    expect(visitor.get_by_role("region", name="Customer reviews")).to_contain_text("No reviews yet.")

    # Ana signs in, opens the mug and writes a 4-star review.
    customer_log_in(page, customer)
    page.goto(product_url)
    reviews.get_by_role("link", name="Write a review").click()
    expect(page.get_by_role("heading", name="Review Stoneware Mug", level=1)).to_be_visible()
    page.get_by_role("button", name="Send my review").click()  # nothing chosen: the form says what is missing
    expect(page.get_by_text("Choose a rating from 1 to 5 stars.")).to_be_visible()
    page.get_by_role("group", name="Your rating").get_by_label("4 stars", exact=True).check()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Your review").fill(BODY)
    page.get_by_role("button", name="Send my review").click()

    # Back on the product page: thanked, but the review waits for moderation.
    expect(messages(page)).to_have_text(
        "Thank you for your review. It will appear on the product page once our staff have read it.")
    expect(reviews).to_contain_text("No reviews yet.")
    expect(page.get_by_text(BODY)).to_have_count(0)

    # Staff approve it from the list of reviews waiting for moderation.
    desk = new_context().new_page()
    admin_log_in(desk, staff)
    desk.goto("/admin/community/review/?status__exact=pending")
    desk.get_by_role("checkbox", name=re.compile(re.escape(TITLE))).check()
    desk.get_by_role("combobox", name="Action").select_option(label="Approve the selected reviews")
    desk.get_by_role("button", name="Run", exact=True).click()
    expect(desk.get_by_text("1 review approved.")).to_be_visible()

    # The product page shows the rating and the review, for Ana and for the visitor whose copy was cached.
    for viewer in (page, visitor):
        viewer.goto(product_url)
        section = viewer.get_by_role("region", name="Customer reviews")
        expect(section.get_by_text("4.0 out of 5 — 1 review")).to_be_visible()
        review = section.get_by_role("article").filter(has=viewer.get_by_role("heading", name=TITLE, level=3))
        expect(review).to_contain_text("Rated 4 out of 5")
        expect(review).to_contain_text("Verified buyer")
        expect(review).to_contain_text(BODY)
        expect(review).to_contain_text("By Ana T. on")

    # The Kitchen page's card for the mug shows the rating too.
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Kitchen").click()
    card = page.get_by_role("article").filter(has=page.get_by_role("link", name="Stoneware Mug"))
    expect(card).to_contain_text("4.0 out of 5 — 1 review")
