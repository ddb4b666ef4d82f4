"""WCAG 2.2 AA checks by axe-core on the pages shoppers use, and the buying path with JavaScript switched off."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from orders.models import Order
from tests.e2e.axe import axe_violations
from tests.e2e.helpers import cart_button, customer_log_in, fill_calgary_checkout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def report(found: dict) -> str:
    return "\n".join(f"{where}:\n  " + "\n  ".join(lines) for where, lines in found.items())


def check(page: Page, path: str, found: dict) -> None:
    page.goto(path)
    violations = axe_violations(page)
    if violations:
        found[path] = violations


def test_axe_finds_no_violation_on_the_shopping_pages(page: Page, mug):
    found = {}
    product_url = mug.product.get_absolute_url()
    for path in ["/", mug.product.category.get_absolute_url(), product_url, "/help/", "/contact/",
                 "/search/?q=mug", "/stores/", "/site-map/", "/fr/", "/fr" + product_url,
                 "/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]:
        check(page, path, found)

    page.goto(product_url)
    page.get_by_role("button", name="Add to cart").click()
    expect(cart_button(page)).to_contain_text("1 item")
    check(page, "/cart/", found)
    page.get_by_role("link", name="Check out").click()
    check(page, page.url, found)
    fill_calgary_checkout(page, email="ana@example.com", name="Ana Tremblay")
    violations = axe_violations(page)  # with the delivery options and the ways to pay shown
    if violations:
        found["checkout with delivery options"] = violations
    page.get_by_role("button", name="Review my order").click()
    expect(page.get_by_role("heading", name="Review your order", level=1)).to_be_visible()
    violations = axe_violations(page)
    if violations:
        found["order review"] = violations

    assert not found, report(found)


def test_axe_finds_no_violation_on_the_account_pages(page: Page, customer, mug):
    found = {}
    customer_log_in(page, customer)
    for path in ["/account/statement/", "/account/orders/", "/account/profile/", "/account/addresses/",
                 "/account/privacy/", "/help/ask/", "/accounts/password/change/", "/accounts/email/"]:
        check(page, path, found)
    assert not found, report(found)


def test_a_shopper_buys_with_javascript_switched_off(browser: Browser, live_server, mug):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(mug.product.get_absolute_url())
        page.get_by_role("button", name="Add to cart").click()
        expect(cart_button(page)).to_contain_text("1 item")
        page.goto("/cart/")
        page.get_by_role("link", name="Check out").click()
        fill_calgary_checkout(page, email="noscript@example.com", name="Sam Noscript")
        page.get_by_role("button", name="Review my order").click()
        page.get_by_role("button", name=re.compile(r"^Place order — \$")).click()

        expect(page.get_by_role("heading", name=re.compile(r"^Order C-\d+$"), level=1)).to_be_visible()
        order = Order.objects.get(email="noscript@example.com")
        assert order.lines.get().quantity == 1
        assert order.payment_method == "cheque"
        expect(page.get_by_role("main")).to_contain_text(order.number)
    finally:
        context.close()


def test_axe_finds_no_violation_on_the_pages_that_bring_customers_back(page: Page, mug):
    """Issue 17's pages: a made-to-order product and its quote request, a priced quote's link, the newsletter sign-up
    and its confirmation, and the cart with a discount code applied (English and French)."""
    from coupons.tests.factories import CouponFactory
    from quotes import links
    from quotes.tests.factories import QuotedFactory, made_to_order_variant

    table = made_to_order_variant(sku="TABLE-1", category=mug.product.category)
    quote = QuotedFactory(variant=table, product=table.product)
    CouponFactory(code="WELCOME10")
    found = {}
    for path in [table.product.get_absolute_url(), "/fr" + table.product.get_absolute_url(),
                 f"/quotes/request/{table.product_id}/", f"/fr/quotes/request/{table.product_id}/",
                 f"/quotes/q/{links.quote_token(quote)}/", "/newsletter/sent/", "/fr/newsletter/sent/"]:
        check(page, path, found)

    page.goto(f"/quotes/request/{table.product_id}/")
    form = page.get_by_role("main")
    form.get_by_label("What would you like?").fill("Oak, seats eight.")
    form.get_by_label("Quantity").fill("1")
    form.get_by_label("Wanted by").fill("2020-01-01")  # in the past: the form comes back with its error
    form.get_by_label("Your name").fill("Ana Tremblay")
    form.get_by_label("Your email").fill("ana@example.com")
    form.get_by_role("button", name="Send my request").click()
    expect(form.get_by_role("button", name="Send my request")).to_be_visible()
    violations = axe_violations(page)
    if violations:
        found["quote request with errors"] = violations
    page.goto(mug.product.get_absolute_url())
    page.get_by_role("button", name="Add to cart").click()
    page.goto("/cart/")
    page.get_by_role("main").get_by_role("textbox", name="Discount code").fill("WELCOME10")
    page.get_by_role("main").get_by_role("button", name="Apply").click()
    check(page, "/cart/", found)

    assert not found, report(found)
