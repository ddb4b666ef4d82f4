"""The shop as a visitor finds it after `make run` (the demo data: variants with sizes and colours, three stores,
carriers, store pickup, a made-to-order product, the starter pages and FAQ), and every public page of it.

The whole-site walks (French, phone widths, the Nu HTML checker, search-engine tags) go through `public_paths()`:
a page added to the shop belongs in it. Paths are English; prefix "/fr" for the French site.
"""

import re
from dataclasses import dataclass, field

import pytest

# Pages search engines should not index (noindex by design): the cart, checkout, accounts, forms after a POST.
NOINDEX_PREFIXES = ("/cart/", "/checkout/", "/accounts/", "/account/", "/quotes/", "/help/ask/", "/newsletter/")


@dataclass
class DemoShop:
    """What the walks need to reach: one of each kind of page."""

    category_url: str
    product_url: str  # the Chinook Rain Jacket: sizes and colours, a variant table
    simple_product_url: str  # one SKU, in stock at the stores too
    made_to_order_url: str  # the Harvest Table: "Ask for a quote"
    quote_request_url: str
    page_url: str
    news_url: str
    paths: list[str] = field(default_factory=list)


def seed_demo_shop() -> DemoShop:
    """`make run`'s data in the test database (transactional browser tests flush what migrations seeded, so the
    tax rates, carriers and starter pages are seeded again first)."""
    from django.core.management import call_command

    from catalog.models import Product
    from orders.models import DeliveryMethod, TaxRate
    from orders.rates import rates_and_delivery_seed
    from pages.models import NewsItem, Page
    from pages.tests.helpers import starter_pages_seed
    from shipping.tests.helpers import carriers_seed

    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    carriers_seed()
    if not Page.objects.exists():
        starter_pages_seed()
    call_command("seed_demo", "--no-images", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115

    jacket = Product.objects.get(name_en="Chinook Rain Jacket")
    simple = Product.objects.filter(variants__size="", variants__colour="", made_to_order=False,
                                    variants__stocks__on_hand__gt=0).order_by("pk").first()
    table = Product.objects.get(name_en="Harvest Table")
    shop = DemoShop(
        category_url=jacket.category.get_absolute_url(),
        product_url=jacket.get_absolute_url(),
        simple_product_url=simple.get_absolute_url(),
        made_to_order_url=table.get_absolute_url(),
        quote_request_url=f"/quotes/request/{table.pk}/",
        page_url=Page.objects.order_by("pk").first().get_absolute_url(),
        news_url=NewsItem.objects.order_by("pk").first().get_absolute_url(),
    )
    shop.paths = public_paths(shop)
    return shop


def public_paths(shop: DemoShop) -> list[str]:
    """Every page a visitor who is not signed in can open, with an empty cart (the cart and checkout with something
    in them are reached by `fill_cart`)."""
    return [
        "/", shop.category_url, shop.product_url, shop.simple_product_url, shop.made_to_order_url,
        shop.quote_request_url, "/search/?q=jacket", "/search/?q=zzzz", "/help/", "/help/?q=delivery", "/help/ask/",
        "/contact/", "/stores/", "/about/", shop.page_url, "/news/", shop.news_url, "/shipping/policy/",
        "/returns/policy/", "/privacy/", "/site-map/", "/cart/", "/accounts/signup/", "/accounts/login/",
        "/accounts/password/reset/",
    ]


def is_indexable(path: str) -> bool:
    return not path.removeprefix("/fr").startswith(NOINDEX_PREFIXES) and "?q=" not in path


@pytest.fixture
def demo_shop(transactional_db) -> DemoShop:
    return seed_demo_shop()


def fill_cart(page, shop: DemoShop, prefix: str = "") -> None:
    """Put the one-SKU product in the cart (so /cart/ and /checkout/ show what a shopper sees with something to buy)."""
    from playwright.sync_api import expect

    page.goto(prefix + shop.simple_product_url)
    page.get_by_role("main").locator("form[action*='cart'] button[type=submit]").first.click()
    # The header's cart link no longer starts with a count of 0 ("Cart: 0 items", "Panier : 0 article"); Playwright
    # trims a text's spaces, so `not_to_contain_text(" 0 ")` would look for any "0", as in "$24.00".
    expect(page.get_by_role("banner").locator("a[href*='/cart/']").first).not_to_have_text(re.compile(r"^\D*0\D"))


def show_delivery_options(page) -> None:
    """The checkout's address for Calgary and "Show delivery options" pressed (by field name: the same on the French
    site), so the carriers' options, with their prices and dates, are on the page."""
    main = page.get_by_role("main")  # the footer's newsletter sign-up has an email field too
    main.locator("input[name=email]").fill("ana@example.com")
    main.locator("input[name=ship_name]").fill("Ana Tremblay")
    main.locator("input[name=ship_address]").fill("100 8 Ave SW")
    main.locator("input[name=ship_city]").fill("Calgary")
    main.locator("select[name=ship_province]").select_option("AB")
    main.locator("input[name=ship_postal_code]").fill("T2P 1J9")
    main.locator("button[name=show_options]").click()
    assert main.locator("input[name=delivery_method]").count() > 1, "no delivery options shown"
