"""Cross-sell in a real browser: "Customers who bought this also bought" on a product page, suggestions in the cart,
and adding one of them from the cart."""

from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from catalog.tests.factories import CategoryFactory, VariantFactory
from inventory import services
from recommendations.services import product_pairs_compute
from recommendations.tests.conftest import order_make

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bought_together(canada, warehouse):
    """A hose bought with a nozzle in three paid orders and with a watering can in two; last night's pairs."""
    garden = CategoryFactory(name="Garden", slug="garden")
    hose, nozzle, can = (
        VariantFactory(product__name=name, product__category=garden, price=Decimal(price))
        for name, price in (("Garden Hose", "39.00"), ("Hose Nozzle", "12.00"), ("Watering Can", "24.00"))
    )
    for variant in (hose, nozzle, can):
        services.stock_receive(variant=variant, location=warehouse, quantity=10)
    for _ in range(3):
        order_make(hose, nozzle)
    order_make(hose, can)
    order_make(hose, nozzle, can)
    product_pairs_compute()
    return hose, nozzle, can


def test_a_shopper_sees_what_others_also_bought_and_adds_a_suggestion_from_the_cart(page: Page, bought_together):
    hose, nozzle, can = bought_together

    page.goto(hose.product.get_absolute_url())
    also = page.get_by_role("region", name="Customers who bought this also bought")
    expect(also.get_by_role("heading", level=3)).to_have_text(["Hose Nozzle", "Watering Can"])

    page.get_by_role("button", name="Add to cart", exact=True).click()
    page.get_by_role("link", name="Cart: 1 item, $39.00").click()
    suggestions = page.get_by_role("region", name="Often bought with these")
    expect(suggestions.get_by_role("heading", level=3)).to_have_text(["Hose Nozzle", "Watering Can"])

    suggestions.get_by_role("button", name="Add to cart: Hose Nozzle").click()

    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    items = page.get_by_role("table", name="Items in your cart")
    expect(items.get_by_role("link", name="Hose Nozzle")).to_be_visible()
    expect(page.get_by_role("region", name="Often bought with these").get_by_role("heading", level=3)).to_have_text(
        ["Watering Can"])
