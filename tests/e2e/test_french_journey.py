"""A French-speaking shopper walks home → product → cart → checkout → order on the French site and meets no
English in the page chrome. Labels are looked up in the French catalogue, as the shopper reads them."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from orders.models import Order
from tests.e2e.english_left import english_in_chrome
from tests.e2e.helpers import fill_calgary_address

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def fr(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


@pytest.fixture
def tasse(mug):
    """The mug's product and category written in French by staff."""
    product = mug.product
    product.name_fr, product.description_fr = "Tasse en grès", "Émaillée à la main en Alberta."
    product.save()
    product.category.name_fr = "Cuisine"
    product.category.save()
    return mug


def no_english(page: Page, where: str, found: dict) -> None:
    english = english_in_chrome(page)
    if english:
        found[where] = english


def test_a_french_shopper_buys_without_meeting_english(page: Page, tasse):
    found = {}
    page.goto("/fr/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    no_english(page, "accueil", found)

    page.get_by_role("navigation", name=fr("Categories")).get_by_role("link", name="Cuisine", exact=True).click()
    expect(page.get_by_role("heading", name="Cuisine", level=1)).to_be_visible()
    no_english(page, "catégorie", found)

    page.get_by_role("link", name="Tasse en grès").first.click()
    expect(page.get_by_role("heading", name="Tasse en grès", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("Émaillée à la main en Alberta.")
    no_english(page, "produit", found)

    page.get_by_role("main").get_by_role("button", name=fr("Add to cart")).click()
    cart_prefix = fr("Cart: %(counter)s item, %(total)s").split("%")[0]
    page.get_by_role("banner").get_by_role("link", name=re.compile("^" + re.escape(cart_prefix))).click()
    expect(page.get_by_role("heading", name=fr("Your cart"), level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("18,00 $")
    no_english(page, "panier", found)

    page.get_by_role("link", name=fr("Check out")).click()
    expect(page.get_by_role("heading", name=fr("Checkout"), level=1)).to_be_visible()
    fill_calgary_address(page, email="amelie@example.com", name="Amélie Gagnon", label=fr)
    page.get_by_role("radio").first.check()
    page.get_by_role("radio", name=fr("Cheque")).check()
    no_english(page, "caisse", found)

    page.get_by_role("button", name=fr("Review my order")).click()
    expect(page.get_by_role("heading", name=fr("Review your order"), level=1)).to_be_visible()
    no_english(page, "vérification", found)
    page.get_by_role("main").get_by_role("button").filter(has_text=re.compile(r"\$$")).last.click()

    order = Order.objects.get(email="amelie@example.com")
    expect(page.get_by_role("heading", level=1)).to_contain_text(order.number)
    no_english(page, "commande", found)
    assert order.language == "fr"
    assert order.lines.get().name.startswith("Tasse en grès")
    assert any(order.number in m.subject and m.to == ["amelie@example.com"] for m in mail.outbox)
    assert not found, found


def test_help_contact_stores_policies_and_account_pages_have_no_english_in_french(page: Page, tasse, customer):
    from tests.e2e.helpers import CUSTOMER_PASSWORD

    found = {}
    for path in ["/fr/help/", "/fr/help/?q=livraison", "/fr/help/ask/", "/fr/contact/", "/fr/stores/",
                 "/fr/shipping/policy/", "/fr/returns/policy/", "/fr/privacy/", "/fr/about/", "/fr/site-map/",
                 "/fr/search/?q=tasse", "/fr/search/?q=zzzz", "/fr" + tasse.product.get_absolute_url(),
                 "/fr/accounts/signup/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "fr", path
        no_english(page, path, found)

    page.goto("/fr/accounts/login/")
    page.get_by_role("main").get_by_label(fr("Email")).fill(customer.email)
    page.get_by_label(fr("Password")).fill(CUSTOMER_PASSWORD)
    page.get_by_role("main").get_by_role("button").last.click()
    for path in ["/fr/account/statement/", "/fr/account/orders/", "/fr/account/profile/", "/fr/account/addresses/",
                 "/fr/account/privacy/"]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        no_english(page, path, found)
    assert not found, found
