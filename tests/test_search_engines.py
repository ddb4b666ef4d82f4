"""What search engines and the browser tab read in every public page's head, through the test client: a description,
the canonical address and the page in the other language (hreflang), "noindex" on pages that are not for search
results, a product's schema.org data, and the shop's icon."""

import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from inventory import services
from tests.e2e.public_pages import demo_shop, is_indexable  # noqa: F401 (demo_shop: a fixture)


class Head(HTMLParser):
    """The <meta>, <link> and JSON-LD blocks of a page's <head>."""

    def __init__(self, html: str):
        super().__init__()
        self.meta, self.links, self.json_ld = {}, [], []
        self._in_json_ld = False
        self.feed(html.split("</head>")[0])

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "name" in attrs:
            self.meta.setdefault(attrs["name"], []).append(attrs.get("content", ""))
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data

    def canonical(self) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]

    def alternates(self) -> dict[str, str]:
        return {link["hreflang"]: link["href"] for link in self.links if link.get("rel") == "alternate"}


def absolute(path: str) -> str:
    return settings.SHOP_BASE_URL.rstrip("/") + path


def head_of(client, path: str, **extra) -> Head:
    response = client.get(path, **extra)
    assert response.status_code == 200, path
    return Head(response.content.decode())


def test_every_public_page_tells_search_engines_what_it_is_in_english_and_french(client, demo_shop):  # noqa: F811
    for prefix in ("", "/fr"):
        descriptions = {}
        for english_path in demo_shop.paths:
            path = prefix + english_path
            head = head_of(client, path)
            assert len(head.meta["description"]) == 1, path
            description = head.meta["description"][0]
            assert 20 <= len(description) <= 160, (path, description)
            if not is_indexable(path):
                assert head.meta.get("robots") == ["noindex"], path
                assert head.canonical() == [] and head.alternates() == {}, path
                continue
            assert "robots" not in head.meta, path
            descriptions[path] = description
            page = english_path.split("?")[0]
            assert head.canonical() == [absolute(prefix + page)], path
            assert head.alternates() == {"en": absolute(page), "fr": absolute("/fr" + page),
                                         "x-default": absolute(page)}, path
        # Each indexable page says something of its own.
        assert len(set(descriptions.values())) == len(descriptions), descriptions
        assert len(descriptions) >= 14


def test_french_pages_are_described_in_french(client, demo_shop):  # noqa: F811
    english = head_of(client, demo_shop.simple_product_url).meta["description"][0]
    french = head_of(client, "/fr" + demo_shop.simple_product_url).meta["description"][0]

    assert english != french
    assert head_of(client, "/fr/returns/policy/").meta["description"][0].startswith("Vous pouvez")


@pytest.fixture
def kitchen(db):
    return CategoryFactory(name="Kitchen", slug="kitchen")


def product_data(client, product, **extra) -> dict:
    head = head_of(client, product.get_absolute_url(), **extra)
    assert len(head.json_ld) == 1
    return json.loads(head.json_ld[0])


def test_a_products_structured_data_gives_its_price_in_cad_and_whether_it_is_in_stock(client, kitchen, warehouse):
    mug = VariantFactory(sku="MUG-1", price=Decimal("18.5"), product__name="Stoneware Mug",
                         product__slug="stoneware-mug", product__description="A heavy mug.",
                         product__category=kitchen)
    services.stock_receive(variant=mug, location=warehouse, quantity=3)
    sold_out = VariantFactory(sku="BOWL-1", price=Decimal("30.00"), product__name="Bowl", product__slug="bowl",
                              product__category=kitchen)

    data = product_data(client, mug.product)

    assert data["@context"] == "https://schema.org" and data["@type"] == "Product"
    assert (data["name"], data["sku"], data["description"]) == ("Stoneware Mug", "MUG-1", "A heavy mug.")
    assert data["url"] == absolute(mug.product.get_absolute_url())
    assert data["offers"] == {"@type": "Offer", "sku": "MUG-1", "price": "18.50", "priceCurrency": "CAD",
                              "availability": "https://schema.org/InStock",
                              "itemCondition": "https://schema.org/NewCondition",
                              "url": absolute(mug.product.get_absolute_url())}
    assert product_data(client, sold_out.product)["offers"]["availability"] == "https://schema.org/OutOfStock"


def test_a_product_with_sizes_has_one_offer_per_sku_each_with_its_own_availability(client, kitchen, warehouse,
                                                                                    store):
    small = VariantFactory(sku="TEE-S", size="S", price=Decimal("25.00"), product__name="Tee",
                           product__slug="tee", product__category=kitchen)
    large = VariantFactory(sku="TEE-L", size="L", price=Decimal("27.00"), product=small.product)
    medium = VariantFactory(sku="TEE-M", size="M", price=Decimal("25.00"), product=small.product)
    services.stock_receive(variant=small, location=warehouse, quantity=1)
    services.stock_receive(variant=medium, location=store, quantity=1)

    offers = {offer["sku"]: offer for offer in product_data(client, small.product)["offers"]}

    assert {sku: (offer["price"], offer["availability"].removeprefix("https://schema.org/"))
            for sku, offer in offers.items()} == {"TEE-S": ("25.00", "InStock"), "TEE-M": ("25.00", "InStoreOnly"),
                                                  "TEE-L": ("27.00", "OutOfStock")}
    assert offers["TEE-L"]["name"] == "Tee — L" and large.pk


def test_a_product_that_takes_backorders_is_on_backorder_when_none_is_left(client, kitchen):
    variant = VariantFactory(sku="TENT-1", product__name="Tent", product__slug="tent", product__category=kitchen,
                             product__allow_backorder=True)

    assert product_data(client, variant.product)["offers"]["availability"] == "https://schema.org/BackOrder"


def test_a_made_to_order_product_is_described_without_an_offer(client, kitchen):
    variant = VariantFactory(sku="TABLE-1", product__name="Harvest Table", product__slug="harvest-table",
                             product__category=kitchen, product__made_to_order=True,
                             product__estimate_from=Decimal("1200.00"))

    data = product_data(client, variant.product)

    assert data["name"] == "Harvest Table" and "offers" not in data


def test_a_product_name_cannot_break_out_of_its_structured_data(client, kitchen, warehouse):
    name = 'Mug </script><script>alert("x")</script><!-- &amp;'
    variant = VariantFactory(sku="MUG-X", product__name=name, product__slug="mug-x", product__category=kitchen,
                             product__description="</SCRIPT> too")
    services.stock_receive(variant=variant, location=warehouse, quantity=1)

    html = client.get(variant.product.get_absolute_url()).content.decode()
    data = product_data(client, variant.product)

    assert '<script>alert("x")' not in html and "</SCRIPT> too" not in html.split("</head>")[0]
    assert (data["name"], data["description"]) == (name, "</SCRIPT> too")


def test_the_address_search_engines_get_ignores_the_host_asked_for_and_tracking_parameters(client, kitchen):
    product = ProductFactory(name="Mug", slug="mug", category=kitchen)
    VariantFactory(product=product, sku="MUG-2")
    url = product.get_absolute_url()

    # The page is cached whole for every visitor: the first visitor's Host header must not end up in it.
    first = head_of(client, url, HTTP_HOST="localhost")
    tracked = head_of(client, url + "?utm_source=newsletter")
    sorted_page = head_of(client, kitchen.get_absolute_url() + "?sort=price&page=1")

    assert first.canonical() == tracked.canonical() == [absolute(url)]
    assert "localhost" not in json.dumps(first.json_ld)
    assert sorted_page.canonical() == [absolute(kitchen.get_absolute_url())]
    assert head_of(client, "/news/?page=2").canonical() == [absolute("/news/?page=2")]


def test_search_results_and_a_missing_page_are_noindex(client, kitchen):
    assert head_of(client, "/search/?q=mug").meta["robots"] == ["noindex"]
    assert head_of(client, "/help/?q=delivery").meta["robots"] == ["noindex"]
    missing = client.get("/products/gone-999999/")
    assert missing.status_code == 404
    assert Head(missing.content.decode()).meta["robots"] == ["noindex"]
    assert Head(missing.content.decode()).canonical() == []


def test_the_browser_tab_has_the_shops_icon_and_favicon_ico_leads_to_it(client, kitchen):
    head = head_of(client, "/")
    icons = {link["href"] for link in head.links if link.get("rel") == "icon"}

    response = client.get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] in icons
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    served = client.get(response["Location"])
    assert served.status_code == 200
    assert b"".join(served.streaming_content if served.streaming else [served.content])[:4] == b"\x00\x00\x01\x00"


def test_robots_txt_keeps_crawlers_out_of_the_back_office_and_gives_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines and "Disallow: /api/" in lines
    assert f"Sitemap: {settings.SHOP_BASE_URL.rstrip('/')}/sitemap.xml" in lines
    assert not any(line.startswith("Disallow: /products/") or line == "Disallow: /" for line in lines)
    assert client.get(lines[-1].split(settings.SHOP_BASE_URL.rstrip("/"))[1]).status_code == 200  # the sitemap is there
