"""The shop's pages under its Content-Security-Policy in a real browser: each answers with the header and the
browser refuses nothing on it (no console report, no securitypolicyviolation event; tests/e2e/conftest.py watches
every browser test the same way)."""

import json

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from crm.models import Contact
from tests.e2e.helpers import admin_log_in, customer_log_in
from tests.e2e.test_payment_journeys import check_out_two_mugs

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def visit(page: Page, path: str, csp_violations: list[str]) -> None:
    """Open the page, let it finish loading, and check the policy came with it and nothing was refused."""
    response = page.goto(path)
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise(requestAnimationFrame)")  # styles applied, violation events dispatched
    assert response.status == 200, path
    assert response.headers["content-security-policy"].startswith("default-src 'self'; script-src 'self'"), path
    assert csp_violations == [], path


def test_the_shop_pages_load_without_any_csp_violation(page: Page, mug, csp_violations):
    shop_pages = [
        "/", "/fr/", mug.product.category.get_absolute_url(), mug.product.get_absolute_url(), "/search/?q=mug",
        "/cart/", "/site-map/", "/help/", "/help/ask/", "/contact/", "/stores/", "/about/", "/news/",
        "/shipping/policy/", "/returns/policy/", "/privacy/", "/accounts/login/", "/accounts/signup/",
        "/accounts/password/reset/",
    ]
    for path in shop_pages:
        visit(page, path, csp_violations)

    order = check_out_two_mugs(page, mug, payment="Cheque")  # product, cart, checkout, review, order pages

    assert csp_violations == []
    visit(page, order.get_absolute_url(), csp_violations)


def test_a_customers_account_pages_load_without_any_csp_violation(page: Page, customer, csp_violations):
    customer_log_in(page, customer)

    for path in ["/account/statement/", "/account/orders/", "/account/profile/", "/account/addresses/",
                 "/account/privacy/"]:
        visit(page, path, csp_violations)


def test_the_admin_pages_load_without_any_csp_violation(page: Page, new_context, mug, staff, csp_violations):
    order = check_out_two_mugs(page, mug, payment="Cheque")
    admin = new_context().new_page()
    admin_log_in(admin, staff)

    admin_pages = [
        reverse("admin:index"), reverse("admin:orders_order_changelist"),
        reverse("admin:orders_order_change", args=[order.pk]),
        reverse("admin:catalog_product_change", args=[mug.product.pk]), reverse("admin:catalog_product_add"),
        reverse("admin:inventory_stock_changelist"), reverse("admin:inventory_stock_record", args=["sale"]),
        reverse("admin:shipping_shipment_to_prepare"), reverse("admin:shipping_shipment_ship", args=[order.pk]),
        reverse("admin:shipping_shipment_packing_slip", args=[order.pk]),
        reverse("admin:shipping_shipment_invoice", args=[order.pk]),
        reverse("admin:crm_contact_change", args=[Contact.objects.get(email="ana@example.com").pk]),
        reverse("admin:auth_user_changelist"),
    ]
    for path in admin_pages:
        visit(admin, path, csp_violations)

    admin.goto(reverse("admin:shipping_shipment_packing_slip", args=[order.pk]))
    admin.evaluate("window.print = () => { document.title = 'printing'; }")
    admin.get_by_role("button", name="Print").click()
    expect(admin).to_have_title("printing")  # the button works from print.js, not an inline onclick
    assert csp_violations == []


def test_a_products_structured_data_is_a_data_block_the_policy_lets_through(page: Page, mug, csp_violations):
    """The product's schema.org JSON-LD carries no nonce: a browser never runs a data block, so the policy has
    nothing to refuse, and the data is there for search engines."""
    visit(page, mug.product.get_absolute_url(), csp_violations)

    block = page.locator('script[type="application/ld+json"]')
    expect(block).to_have_count(1)
    offer = json.loads(block.text_content())["offers"]
    assert (offer["price"], offer["priceCurrency"], offer["availability"]) == (
        "18.00", "CAD", "https://schema.org/InStock")
    assert csp_violations == []


def test_the_watch_reports_what_the_policy_refuses(page: Page, csp_violations):
    """The check above can fail: an inline style attribute added to a page is refused and reported."""
    visit(page, "/", csp_violations)

    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">injected</p>')")
    expect(page.get_by_text("injected")).to_have_css("color", "rgb(33, 37, 41)")  # Bootstrap's body colour

    assert any("style-src" in line for line in csp_violations), csp_violations
    csp_violations.clear()
