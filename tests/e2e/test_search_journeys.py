"""A shopper searching the catalogue in a real browser, by the labels, roles and text a person sees."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from catalog.tests.factories import CategoryFactory, VariantFactory
from inventory import services

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def result_cards(page: Page):
    return page.get_by_role("main").get_by_role("article")


def test_a_misspelt_search_narrowed_to_in_stock_under_a_price_leads_to_the_product(page: Page, warehouse):
    pantry = CategoryFactory(name="Pantry", slug="pantry")
    bar = VariantFactory(sku="CHOC-1", price=Decimal("6.50"), product__name="Dark Chocolate Bar",
                         product__category=pantry)
    box = VariantFactory(sku="CHOC-2", price=Decimal("45.00"), product__name="Chocolate Gift Box",
                         product__category=pantry)
    VariantFactory(sku="CHOC-3", price=Decimal("12.00"), product__name="Chocolate Truffles",
                   product__category=pantry)  # none in stock
    VariantFactory(sku="MAPLE-1", price=Decimal("9.00"), product__name="Maple Syrup", product__category=pantry)
    services.stock_receive(variant=bar, location=warehouse, quantity=10)
    services.stock_receive(variant=box, location=warehouse, quantity=3)

    page.goto("/")
    search_box = page.get_by_role("search").get_by_label("Search products")
    search_box.fill("chocolat")
    search_box.press("Enter")

    expect(page.get_by_role("heading", name="Search results for “chocolat”", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="3 products found", level=2)).to_be_visible()
    expect(result_cards(page).get_by_role("heading")).to_have_text(
        ["Chocolate Gift Box", "Chocolate Truffles", "Dark Chocolate Bar"])
    if connection.vendor == "postgresql":  # "did you mean" needs trigram similarity; SQLite finds by substring
        expect(page.get_by_role("main").get_by_role("link", name="chocolate", exact=True)).to_be_visible()

    page.get_by_label("In stock only").check()
    page.get_by_label("Maximum price ($)").fill("20")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_role("heading", name="1 product found", level=2)).to_be_visible()
    expect(result_cards(page)).to_have_count(1)
    expect(result_cards(page).first).to_contain_text("Dark Chocolate Bar A good product. $6.50 In stock")
    expect(page.get_by_label("In stock only")).to_be_checked()
    expect(page.get_by_label("Maximum price ($)")).to_have_value("20")

    result_cards(page).get_by_role("link", name="Dark Chocolate Bar").click()

    expect(page).to_have_url(re.compile(r"/products/dark-chocolate-bar-\d+/$"))
    expect(page.get_by_role("main").get_by_role("heading", name="Dark Chocolate Bar", level=1)).to_be_visible()
