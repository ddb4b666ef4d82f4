from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.tests.factories import CategoryFactory, ProductFactory, VariantFactory
from inventory import services

pytestmark = pytest.mark.django_db


def test_product_page_shows_price_low_stock_and_the_store_that_has_it(client, mug):
    response = client.get(mug.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "$18.00" in html
    assert "Only 2 left" in html
    assert "Available in store: Calgary store" in html
    assert "Disponible en magasin : Calgary store" in client.get("/fr" + mug.get_absolute_url()).content.decode()
    assert 'aria-current="page">Stoneware Mug<' in html  # breadcrumb


def test_product_page_says_in_stock_above_the_low_stock_threshold(client, mug, warehouse, settings):
    settings.SHOP_LOW_STOCK_DISPLAY = 5
    services.stock_receive(variant=mug.variants.get(), location=warehouse, quantity=8)

    html = client.get(mug.get_absolute_url()).content.decode()

    assert "In stock" in html
    assert "Only" not in html


def test_in_store_sale_of_the_last_online_unit_shows_out_of_stock_on_the_next_view(
    client, mug, warehouse, django_capture_on_commit_callbacks
):
    warehouse.kind = "store"
    warehouse.save()
    assert "Only 2 left" in client.get(mug.get_absolute_url()).content.decode()  # now cached

    with django_capture_on_commit_callbacks(execute=True):
        services.stock_sell_in_store(variant=mug.variants.get(), location=warehouse, quantity=2)

    html = client.get(mug.get_absolute_url()).content.decode()
    assert "Out of stock online" in html
    assert "Only 2 left" not in html


def test_category_page_and_home_refresh_after_a_reservation(client, mug, django_capture_on_commit_callbacks):
    category_url = mug.category.get_absolute_url()
    assert "Only 2 left" in client.get(category_url).content.decode()
    client.get("/")

    with django_capture_on_commit_callbacks(execute=True):
        services.stock_reserve(lines=[(mug.variants.get().pk, 1)])

    assert "Only 1 left" in client.get(category_url).content.decode()


def test_product_with_variants_lists_each_size_and_colour_with_its_own_availability(client, kitchen, warehouse):
    product = ProductFactory(name="Rain Jacket", slug="rain-jacket", category=kitchen)
    small = VariantFactory(product=product, sku="JKT-S", size="S", colour="Red", price="149.00")
    VariantFactory(product=product, sku="JKT-M", size="M", colour="Red", price="159.00")
    services.stock_receive(variant=small, location=warehouse, quantity=3)

    html = client.get(product.get_absolute_url()).content.decode()

    assert "S / Red" in html and "M / Red" in html
    assert "$149.00" in html and "$159.00" in html
    assert html.count("Only 3 left") == 1
    assert html.count("Out of stock online") == 1


def test_store_only_product_is_never_shown_online(client, kitchen, warehouse):
    product = ProductFactory(name="Souvenir Tee", slug="souvenir-tee", category=kitchen, sold_online=False)
    services.stock_receive(variant=VariantFactory(product=product), location=warehouse, quantity=9)

    assert client.get(product.get_absolute_url()).status_code == 404
    assert "Souvenir Tee" not in client.get(kitchen.get_absolute_url()).content.decode()
    assert "Souvenir Tee" not in client.get("/").content.decode()
    assert "souvenir-tee" not in client.get("/sitemap-products.xml").content.decode()


@pytest.mark.parametrize("path", ["/products/nothing-999999/", "/category/nothing-999999/", "/products/x/",
                                  "/fr/products/nothing-999999/"])
def test_unknown_product_or_category_urls_give_the_404_page(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "Page not found" in response.content.decode() or "Page introuvable" in response.content.decode()


def test_an_old_or_wrong_slug_redirects_to_the_products_address(client, mug):
    response = client.get(reverse("catalog:product_detail", kwargs={"key": ("old-name", mug.pk)}))

    assert response.status_code == 301
    assert response["Location"] == mug.get_absolute_url()


def _names_on(client, url):
    html = client.get(url).content.decode()
    return [line.split(">")[1].split("<")[0] for line in html.split('<h3 class="h6 card-title">')[1:]]


@pytest.fixture
def five_priced_products(kitchen, warehouse, settings):
    settings.SHOP_PRODUCTS_PER_PAGE = 2
    for name, price in [("Bowl", "9.00"), ("Apron", "30.00"), ("Cup", "4.50"), ("Dish", "12.00"),
                        ("Egg cup", "3.00")]:
        variant = VariantFactory(product__name=name, product__category=kitchen, price=price)
        services.stock_receive(variant=variant, location=warehouse, quantity=10)
    return kitchen


def test_category_pages_sort_by_price_and_paginate(client, five_priced_products):
    url = five_priced_products.get_absolute_url()

    assert _names_on(client, url) == ["Apron", "Bowl"]
    assert _names_on(client, url + "?sort=price") == ["Egg cup", "Cup"]
    assert _names_on(client, url + "?sort=price&page=2") == ["Bowl", "Dish"]
    assert _names_on(client, url + "?sort=-price&page=3") == ["Egg cup"]


@pytest.mark.parametrize("query, expected", [
    ("?page=abc", ["Apron", "Bowl"]),
    ("?page=-4", ["Apron", "Bowl"]),
    ("?page=0", ["Apron", "Bowl"]),
    ("?page=99999999999999999999", ["Egg cup"]),
    ("?page=2.5", ["Apron", "Bowl"]),
    ("?sort=DROP%20TABLE", ["Apron", "Bowl"]),
    ("?sort=&page=", ["Apron", "Bowl"]),
    ("?sort=price&sort=name&page=1&page=3", ["Egg cup"]),
])
def test_bad_page_or_sort_parameters_give_a_normal_page(client, five_priced_products, query, expected):
    response = client.get(five_priced_products.get_absolute_url() + query)

    assert response.status_code == 200
    assert _names_on(client, five_priced_products.get_absolute_url() + query) == expected


def test_subcategory_products_appear_in_the_parent_category_with_breadcrumbs(client, kitchen, warehouse):
    mugs = CategoryFactory(name="Mugs", slug="mugs", parent=kitchen)
    variant = VariantFactory(product__name="Camp Mug", product__category=mugs)
    services.stock_receive(variant=variant, location=warehouse, quantity=1)

    parent_html = client.get(kitchen.get_absolute_url()).content.decode()
    child_html = client.get(mugs.get_absolute_url()).content.decode()

    assert "Camp Mug" in parent_html and 'href="/category/mugs-' in parent_html
    assert f'<a href="{kitchen.get_absolute_url()}">Kitchen</a>' in child_html
    assert 'aria-current="page">Mugs<' in child_html


def test_category_page_query_count_does_not_grow_with_the_page_size(
    client, kitchen, warehouse, settings, django_assert_num_queries
):
    for n in range(12):
        variant = VariantFactory(product__name=f"Item {n:02d}", product__category=kitchen)
        services.stock_receive(variant=variant, location=warehouse, quantity=3)
    from catalog.models import ProductImage  # noqa: F401 — pictures are fetched in one query whatever their number
    from catalog.selectors import category_tree

    category_tree()  # the menu's tree is cached; count only the page's own queries

    settings.SHOP_PRODUCTS_PER_PAGE = 2
    with django_assert_num_queries(4):  # count, products, each card's prices, stock and rating, pictures
        client.get(kitchen.get_absolute_url())
    settings.SHOP_PRODUCTS_PER_PAGE = 12
    with django_assert_num_queries(4):
        client.get(kitchen.get_absolute_url() + "?sort=price")


def test_a_cached_product_page_is_served_without_touching_the_database(client, mug, django_assert_num_queries):
    client.get(mug.get_absolute_url())

    with django_assert_num_queries(0):
        response = client.get(mug.get_absolute_url())
    assert "Only 2 left" in response.content.decode()


def test_home_page_lists_featured_products_with_prices(client, mug):
    mug.is_featured = True
    mug.save()

    html = client.get("/").content.decode()

    assert "Featured" in html and "Stoneware Mug" in html and "$18.00" in html


def test_site_map_page_and_sitemap_xml_list_categories_and_products(client, mug):
    page = client.get(reverse("catalog:site_map")).content.decode()
    index = client.get("/sitemap.xml").content.decode()
    sections = [client.get(f"/sitemap-{name}.xml") for name in ("pages", "categories", "products")]

    assert "Kitchen" in page
    assert "/sitemap-products.xml</loc>" in index and "/sitemap-categories.xml</loc>" in index
    assert all(section.status_code == 200 for section in sections)
    body = "".join(section.content.decode() for section in sections)
    assert f"{mug.get_absolute_url()}</loc>" in body
    assert "/fr/products/stoneware-mug-" in body
    assert "/category/kitchen-" in body


def test_pages_are_served_in_french_under_fr_with_french_money(client, mug):
    VariantFactory(product=mug, sku="MUG-BIG", size="XL", price=Decimal("1234.50"))

    html = client.get("/fr" + mug.get_absolute_url()).content.decode()

    assert '<html lang="fr">' in html
    assert "1\u00a0234,50\u00a0$" in html


def test_visitors_with_and_without_cookies_both_see_a_sale_at_once(client, mug, warehouse,
                                                                   django_capture_on_commit_callbacks):
    from django.test import Client

    warehouse.kind = "store"
    warehouse.save()
    returning = Client()
    returning.cookies["sessionid"] = "someone"  # served through the per-request shell, not the whole-page copy
    for visitor in (client, returning):
        assert "Only 2 left" in visitor.get(mug.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.stock_sell_in_store(variant=mug.variants.get(), location=warehouse, quantity=1)

    for visitor in (client, returning):
        assert "Only 1 left" in visitor.get(mug.get_absolute_url()).content.decode()


def test_made_up_query_strings_cannot_fill_the_page_cache(client, five_priced_products):
    from django.core.cache import cache

    url = five_priced_products.get_absolute_url()
    client.get(url + "?utm_source=0")
    entries = len(cache._cache)

    for n in range(1, 6):
        assert client.get(url + f"?utm_source={n}").status_code == 200
        assert client.get(url + f"?page={n}{'0' * 6}").status_code == 200

    assert len(cache._cache) == entries  # out-of-range pages are never stored, junk parameters never whole


def test_products_under_a_hidden_parent_category_are_hidden_everywhere(client, kitchen, warehouse):
    mugs = CategoryFactory(name="Mugs", slug="mugs", parent=kitchen)
    variant = VariantFactory(product__name="Camp Mug", product__category=mugs, product__is_featured=True)
    services.stock_receive(variant=variant, location=warehouse, quantity=1)
    kitchen.is_active = False
    kitchen.save()

    assert "Camp Mug" not in client.get("/").content.decode()
    assert client.get(mugs.get_absolute_url()).status_code == 404
    assert client.get(variant.product.get_absolute_url()).status_code == 404
    assert "camp-mug" not in client.get("/sitemap-products.xml").content.decode()
    assert "Camp Mug" not in client.get("/search/", {"q": "camp mug"}).content.decode()
    assert "Camp Mug" not in client.get("/search/", {"max_price": "100"}).content.decode()


def test_a_parent_category_page_refreshes_when_a_subcategory_product_moves(
    client, kitchen, warehouse, django_capture_on_commit_callbacks
):
    mugs = CategoryFactory(name="Mugs", slug="mugs", parent=kitchen)
    camp_mugs = CategoryFactory(name="Camp mugs", slug="camp-mugs", parent=mugs)
    variant = VariantFactory(product__name="Enamel Mug", product__category=camp_mugs)
    services.stock_receive(variant=variant, location=warehouse, quantity=2)
    assert "Only 2 left" in client.get(kitchen.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.stock_reserve(lines=[(variant.pk, 1)])

    assert "Only 1 left" in client.get(kitchen.get_absolute_url()).content.decode()
    assert "Only 1 left" in client.get(mugs.get_absolute_url()).content.decode()
