"""Product search on Postgres, through the test client: ranking, misspellings, French, SKUs, categories, filters,
pagination, and input that must never give a 500."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from catalog.models import Product, SearchWord
from catalog.selectors import category_tree
from catalog.tests.factories import CategoryFactory, VariantFactory
from inventory import services
from storefront import search
from storefront.selectors import product_cards

pytestmark = pytest.mark.django_db

URL = reverse("catalog:search")
CARD_LINK = re.compile(r'<h3 class="h6 card-title"><a href="[^"]*">([^<]*)</a></h3>')


def found(response) -> list[str]:
    """Product names on the result cards, in page order."""
    assert response.status_code == 200
    return CARD_LINK.findall(response.content.decode())


def product(name, *, price="10.00", sku=None, category=None, description="A good product.", stock=None,
            location=None, **extra):
    options = {"price": Decimal(price), "product__name": name, "product__description": description}
    if sku:
        options["sku"] = sku
    if category:
        options["product__category"] = category
    options.update({f"product__{k}": v for k, v in extra.items()})
    variant = VariantFactory(**options)
    if stock:
        services.stock_receive(variant=variant, location=location, quantity=stock)
    return variant.product


@pytest.fixture
def pantry(db):
    return CategoryFactory(name="Pantry", slug="pantry")


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_a_name_match_ranks_above_a_description_match(client, pantry):
    product("Aspen Serving Tray", category=pantry, description="Pairs well with our walnut cutting board.")
    product("Walnut Cutting Board", category=pantry, description="Oiled hardwood, made in Alberta.")

    assert found(client.get(URL, {"q": "walnut"})) == ["Walnut Cutting Board", "Aspen Serving Tray"]


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_a_misspelt_word_finds_the_product_and_suggests_the_right_spelling(client, pantry):
    product("Dark Chocolate Bar", category=pantry)
    product("Maple Syrup", category=pantry)

    response = client.get(URL, {"q": "chocolat"})

    assert found(response) == ["Dark Chocolate Bar"]
    assert 'Did you mean <a href="/search/?q=chocolate">chocolate</a>?' in response.content.decode()


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_a_misspelling_is_corrected_from_the_words_of_the_product_names_through_a_trigram_index(client, pantry):
    for n in range(40):
        product(f"Maple Syrup {n:02d}", category=pantry)
    product("Dark Chocolate Bar", category=pantry)

    assert found(client.get(URL, {"q": "chocolat"})) == ["Dark Chocolate Bar"]
    assert set(SearchWord.objects.values_list("word", flat=True)) == {"maple", "syrup", "dark", "chocolate", "bar"}
    lookup = SearchWord.objects.filter(word__trigram_word_similar="chocolat")  # how the search looks corrections up
    with connection.cursor() as cursor:  # a table this small is read whole: ask whether the index can answer
        for scan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{scan} = off")
        plan = lookup.explain()
    assert "Bitmap Index Scan on catalog_searchword_trgm" in plan, plan


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_a_misspelling_of_a_word_given_to_a_product_later_finds_it(client, pantry):
    kettle = product("Whistling Kettle", category=pantry)
    product("Maple Syrup", category=pantry)

    Product.objects.filter(pk=kettle.pk).update(name_en="Gooseneck Kettle")  # any write, even a bulk one
    product("Enamel Teapot", category=pantry, name_fr="Théière émaillée")

    assert found(client.get(URL, {"q": "goosenek"})) == ["Gooseneck Kettle"]
    assert found(client.get(URL, {"q": "teapott"})) == ["Enamel Teapot"]
    assert found(client.get("/fr" + URL, {"q": "theiere"})) == []  # accents are letters of their own
    assert found(client.get("/fr" + URL, {"q": "théire"})) == ["Théière émaillée"]


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_the_stored_search_documents_follow_every_edit_of_a_name_or_description(client, pantry):
    walnut = product("Walnut Cutting Board", category=pantry, description="Oiled hardwood.")
    assert found(client.get(URL, {"q": "walnut"})) == ["Walnut Cutting Board"]

    walnut.name = "Maple Cutting Board"
    walnut.save()  # as the admin saves it
    assert found(client.get(URL, {"q": "walnut"})) == []
    assert found(client.get(URL, {"q": "maple"})) == ["Maple Cutting Board"]

    Product.objects.filter(pk=walnut.pk).update(description_en="Made from birch.")  # a bulk edit
    assert found(client.get(URL, {"q": "birch"})) == ["Maple Cutting Board"]
    assert found(client.get(URL, {"q": "hardwood"})) == []

    walnut.name_fr = "Planche à découper en érable"  # the French translation, typed later
    walnut.save()
    assert found(client.get("/fr" + URL, {"q": "érable"})) == ["Planche à découper en érable"]
    assert found(client.get(URL, {"q": "érable"})) == []


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_exact_matches_come_before_products_found_by_a_similar_spelling(client, pantry):
    product("Dark Chocolate Bar", category=pantry)
    product("Zesty Chocolat Chaud", category=pantry)

    response = client.get(URL, {"q": "chocolat"})

    assert found(response) == ["Zesty Chocolat Chaud", "Dark Chocolate Bar"]
    assert "Did you mean" not in response.content.decode()


@pytest.mark.postgres  # full-text ranking, stemming or trigram similarity
def test_a_french_query_finds_the_french_name_under_fr(client, kitchen):
    product("Stoneware Mug", category=kitchen, name_fr="Tasse en grès", description_fr="Une tasse solide.")
    product("Cast Iron Skillet", category=kitchen)

    assert found(client.get("/fr" + URL, {"q": "tasse"})) == ["Tasse en grès"]
    assert found(client.get("/fr" + URL, {"q": "tasses"})) == ["Tasse en grès"]  # French stemming
    assert found(client.get(URL, {"q": "tasse"})) == []  # the English site searches the English name


def test_a_french_shopper_typing_the_english_name_still_finds_the_product(client, kitchen):
    product("Stoneware Mug", category=kitchen, name_fr="Tasse en grès")
    product("Cast Iron Skillet", category=kitchen)

    assert found(client.get("/fr" + URL, {"q": "stoneware mug"})) == ["Tasse en grès"]


def test_french_falls_back_to_the_english_name_when_no_french_name_is_given(client, kitchen):
    product("Gooseneck Kettle", category=kitchen)

    assert found(client.get("/fr" + URL, {"q": "kettle"})) == ["Gooseneck Kettle"]


def test_a_sku_finds_its_product_first(client, pantry):
    product("Maple Syrup", sku="MAP-250", category=pantry)
    product("Maple Candy", sku="MAP-100", category=pantry)

    assert found(client.get(URL, {"q": "MAP-100"}))[0] == "Maple Candy"
    assert found(client.get(URL, {"q": "map-250"}))[0] == "Maple Syrup"


def test_a_category_name_finds_its_products_and_those_of_its_sub_categories(client, kitchen):
    mugs = CategoryFactory(name="Mugs", slug="mugs", parent=kitchen)
    product("Stoneware Mug", category=mugs)
    product("Cast Iron Skillet", category=kitchen)
    product("Plush Moose", category=CategoryFactory(name="Toys", slug="toys"))

    assert found(client.get(URL, {"q": "kitchen"})) == ["Cast Iron Skillet", "Stoneware Mug"]


def test_inactive_and_store_only_products_are_not_found(client, pantry):
    product("Maple Syrup", category=pantry)
    product("Maple Candy", category=pantry, is_active=False)
    product("Maple Fudge", category=pantry, sold_online=False)

    assert found(client.get(URL, {"q": "maple"})) == ["Maple Syrup"]


def test_the_category_filter_includes_sub_categories(client, kitchen):
    mugs = CategoryFactory(name="Mugs", slug="mugs", parent=kitchen)
    toys = CategoryFactory(name="Toys", slug="toys")
    product("Stoneware Mug", category=mugs, description="Blue glaze.")
    product("Blue Kettle", category=kitchen)
    product("Blue Moose", category=toys)

    assert found(client.get(URL, {"q": "blue", "category": kitchen.pk})) == ["Blue Kettle", "Stoneware Mug"]
    assert found(client.get(URL, {"q": "blue", "category": mugs.pk})) == ["Stoneware Mug"]
    assert found(client.get(URL, {"q": "blue"})) == ["Blue Kettle", "Blue Moose", "Stoneware Mug"]


def test_the_price_range_uses_the_lowest_active_price_of_each_product(client, pantry):
    product("Tea Sampler", price="9.99", category=pantry)
    product("Tea Pot", price="25.00", category=pantry)
    tin = product("Tea Tin", price="40.00", category=pantry)
    VariantFactory(product=tin, price=Decimal("12.00"))  # a small tin brings its lowest price down
    VariantFactory(product=tin, price=Decimal("1.00"), is_active=False)  # not sold: does not count

    assert found(client.get(URL, {"q": "tea", "min_price": "10", "max_price": "25"})) == ["Tea Pot", "Tea Tin"]
    assert found(client.get(URL, {"q": "tea", "max_price": "9.99"})) == ["Tea Sampler"]
    assert found(client.get(URL, {"q": "tea", "min_price": "12.01"})) == ["Tea Pot"]


def test_in_stock_only_keeps_products_sellable_online(client, pantry, warehouse, store):
    product("Tea Sampler", category=pantry, stock=3, location=warehouse)
    product("Tea Pot", category=pantry, stock=4, location=store)  # on a store shelf only: not online
    product("Tea Tin", category=pantry)
    reserved = product("Tea Towel", category=pantry, stock=1, location=warehouse)
    services.stock_reserve(lines=[(reserved.variants.get().pk, 1)])  # its only unit is spoken for

    response = client.get(URL, {"q": "tea", "in_stock": "on"})

    assert found(response) == ["Tea Sampler"]
    assert "In stock only" in response.content.decode()
    assert found(client.get(URL, {"q": "tea"})) == ["Tea Pot", "Tea Sampler", "Tea Tin", "Tea Towel"]


def test_sorts_by_price_and_by_name(client, pantry):
    product("Tea Pot", price="25.00", category=pantry)
    product("Tea Sampler", price="9.99", category=pantry)
    product("Tea Tin", price="12.00", category=pantry)

    assert found(client.get(URL, {"q": "tea", "sort": "price"})) == ["Tea Sampler", "Tea Tin", "Tea Pot"]
    assert found(client.get(URL, {"q": "tea", "sort": "-price"})) == ["Tea Pot", "Tea Tin", "Tea Sampler"]
    assert found(client.get(URL, {"q": "tea", "sort": "name"})) == ["Tea Pot", "Tea Sampler", "Tea Tin"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_price": "abc"}, "Enter a price in dollars, such as 25 or 19.99."),
        ({"max_price": "-1"}, "Enter a price of 0 or more."),
        ({"min_price": "30", "max_price": "20"}, "The maximum price must be at least the minimum price."),
        ({"max_price": "1e999"}, "Enter a smaller price."),
        ({"min_price": "NaN"}, "Enter a price in dollars, such as 25 or 19.99."),
        ({"min_price": "1.999"}, "Enter a price with at most 2 decimals (cents)."),
        ({"category": "999999"}, "Select a valid choice. 999999 is not one of the available choices."),
        ({"category": "abc"}, "Select a valid choice. abc is not one of the available choices."),
    ],
)
def test_bad_filter_input_is_shown_on_the_form_and_left_out(client, pantry, params, message):
    product("Tea Pot", price="25.00", category=pantry)

    response = client.get(URL, {"q": "tea", **params})

    html = response.content.decode()
    assert found(response) == ["Tea Pot"]  # the words still searched, the bad filter left out
    assert escape(message) in html
    assert "Please correct the filters marked below; they were left out of the search." in html


def test_an_unknown_sort_falls_back_to_best_match_without_an_error(client, pantry):
    product("Aspen Tea Tray", category=pantry, description="For a tea pot.")
    product("Tea Pot", category=pantry)

    response = client.get(URL, {"q": "tea pot", "sort": "'; DROP"})

    # Best match is full-text ranking on Postgres; the embedded SQLite search lists what it finds by name.
    assert found(response) == (["Tea Pot", "Aspen Tea Tray"] if connection.vendor == "postgresql"
                               else ["Aspen Tea Tray", "Tea Pot"])
    assert "Please correct" not in response.content.decode()
    assert '<option value="relevance" selected>Best match</option>' in response.content.decode()


def test_an_empty_query_shows_the_form_and_the_categories_without_results(client, pantry):
    product("Tea Pot", category=pantry)

    response = client.get(URL, {"q": "   "})

    html = response.content.decode()
    assert found(response) == []
    assert '<h1 class="h3">Search products</h1>' in html
    assert "Browse by category" in html
    assert f'href="{pantry.get_absolute_url()}">Pantry</a>' in html
    assert client.get(URL).status_code == 200


def test_an_empty_query_with_filters_lists_the_filtered_products(client, pantry):
    product("Tea Pot", price="25.00", category=pantry)
    product("Tea Tin", price="12.00", category=pantry)
    product("Plush Moose", price="22.00", category=CategoryFactory(name="Toys", slug="toys"))

    assert found(client.get(URL, {"category": pantry.pk, "sort": "price"})) == ["Tea Tin", "Tea Pot"]
    assert found(client.get(URL, {"max_price": "22"})) == ["Plush Moose", "Tea Tin"]


def test_a_thousand_character_query_is_cut_and_still_answered(client, pantry):
    product("Tea Pot", category=pantry)
    query = ("tea " * 250)[:1000]

    response = client.get(URL, {"q": query})

    assert found(response) == ["Tea Pot"]
    shown = re.search(r'<input class="form-control form-control-sm" type="search" name="q" id="id_q" value="([^"]*)"',
                      response.content.decode()).group(1)
    assert shown == ("tea " * 50).strip()  # the first 200 characters, without the last space


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE catalog_product; --",
        "<script>alert(1)</script>",
        "%",
        "_",
        "\\",
        "&|!():*",
        '"unbalanced quote',
        "tea'",
        "tea\tpot",
        "-tea",
        "tea <-> pot",
        "\u0001\u200b",
    ],
)
def test_special_characters_never_give_an_error_and_are_escaped(client, pantry, query):
    product("Tea Pot", category=pantry)

    response = client.get(URL, {"q": query})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "\x00" not in html
    cleaned = search.query_clean(query)
    if cleaned:
        assert f"Search results for “{escape(cleaned)}”" in html


def test_a_nul_byte_in_the_search_is_a_404_like_any_url_with_one(client, pantry):
    """A NUL byte in a URL gets the 404 page (core.middleware.JunkUrlNotFoundMiddleware, tests/test_bad_urls.py)."""
    product("Tea Pot", category=pantry)

    response = client.get(URL, {"q": "tea\x00pot"})

    assert response.status_code == 404
    assert "Tea Pot" not in response.content.decode()


def test_a_script_in_the_query_is_shown_escaped(client, pantry):
    html = client.get(URL, {"q": "<script>alert(1)</script>"}).content.decode()

    assert "No products match “&lt;script&gt;alert(1)&lt;/script&gt;”." in html


def test_no_results_page_offers_popular_products_categories_and_ask_us(client, pantry):
    product("Tea Pot", category=pantry, is_featured=True)

    response = client.get(URL, {"q": "xylophone"})

    html = response.content.decode()
    assert "No products match “xylophone”." in html
    assert "Popular products" in html
    assert found(response) == ["Tea Pot"]  # the featured product, offered instead
    assert re.search(r'<a href="/[^"?]+\?q=xylophone">Ask us</a>', html)
    assert f'href="{pantry.get_absolute_url()}">Pantry</a>' in html


def test_pagination_keeps_the_query_and_the_filters(client, pantry, settings):
    settings.SHOP_PRODUCTS_PER_PAGE = 2
    for n in range(5):
        product(f"Tea Blend {n}", price=f"1{n}.00", category=pantry)

    response = client.get(URL, {"q": "tea", "category": pantry.pk, "max_price": "13", "sort": "price"})

    html = response.content.decode()
    assert found(response) == ["Tea Blend 0", "Tea Blend 1"]
    next_link = f"?q=tea&amp;category={pantry.pk}&amp;max_price=13&amp;sort=price&amp;page=2"
    assert f'rel="next" href="{next_link}"' in html
    assert found(client.get(URL + next_link.replace("&amp;", "&"))) == ["Tea Blend 2", "Tea Blend 3"]
    assert "4 products found" in html


def test_junk_page_numbers_give_the_first_or_last_page(client, pantry, settings):
    settings.SHOP_PRODUCTS_PER_PAGE = 2
    for n in range(3):
        product(f"Tea Blend {n}", category=pantry)

    assert found(client.get(URL, {"q": "tea", "page": "x"})) == ["Tea Blend 0", "Tea Blend 1"]
    assert found(client.get(URL, {"q": "tea", "page": "99"})) == ["Tea Blend 2"]


def cards_queries(names) -> int:
    """Queries storefront.selectors.product_cards takes for these products' cards (its own count, pinned in its
    own tests)."""
    products = list(Product.objects.filter(name_en__in=names))
    with CaptureQueriesContext(connection) as captured:
        product_cards(products)
    return len(captured)


def test_a_page_of_24_results_takes_as_many_queries_as_a_page_of_one(
    client, pantry, warehouse, django_assert_num_queries, settings
):
    for n in range(30):
        product(f"Tea Blend {n}", category=pantry, stock=2, location=warehouse)
    client.get(URL, {"q": "tea"})  # the category tree is cached as on any page

    # SKU and category matches (Postgres only); the page's rows with their count; then the cards
    queries = (2 if connection.vendor == "postgresql" else 1) + cards_queries(["Tea Blend 0"])
    settings.SHOP_PRODUCTS_PER_PAGE = 1
    with django_assert_num_queries(queries):
        assert len(found(client.get(URL, {"q": "tea", "in_stock": "on"}))) == 1
    settings.SHOP_PRODUCTS_PER_PAGE = 24
    with django_assert_num_queries(queries):
        assert len(found(client.get(URL, {"q": "tea", "in_stock": "on"}))) == 24


def test_less_than_a_page_of_results_adds_similar_spellings_in_a_fixed_number_of_queries(
    client, pantry, warehouse, django_assert_num_queries
):
    product("Tea Pot", category=pantry, stock=2, location=warehouse)
    product("Teak Tray", category=pantry, stock=2, location=warehouse)
    client.get(URL, {"q": "tea"})

    # SKU and category matches, the page's rows with their count; fewer than a page: the corrections of the words
    # (BEGIN, the spelling threshold, the lookup, COMMIT), the search again with what the corrected words find
    # (Postgres only); then the cards
    own = 7 if connection.vendor == "postgresql" else 1
    with django_assert_num_queries(own + cards_queries(["Tea Pot", "Teak Tray"])):
        names = found(client.get(URL, {"q": "tea"}))
    assert names == ["Tea Pot", "Teak Tray"]  # Postgres: the exact match first, then "teak", spelt like "tea"


def test_the_search_box_in_the_header_keeps_the_words(client, pantry):
    html = client.get(URL, {"q": "tea pot"}).content.decode()

    assert 'id="site-search" name="q" value="tea pot"' in html


def test_without_postgres_a_plain_contains_search_still_answers(client, pantry, monkeypatch):
    product("Tea Pot", sku="TP-1", category=pantry, description="Holds a litre.")
    product("Maple Syrup", category=pantry)
    monkeypatch.setattr(connection, "vendor", "sqlite")
    tree = category_tree()

    def names(query):
        products = search.products_search(query=query, filters=search.SearchFilters(), tree=tree)
        return [p.name for p in products]

    assert names("pot") == ["Tea Pot"]
    assert names("LITRE") == ["Tea Pot"]
    assert names("tp-1") == ["Tea Pot"]
    assert names("chocolat") == []
    assert search.search_suggestion(query="chocolat", tree=tree) is None


def test_query_clean_strips_control_characters_and_cuts_long_queries():
    assert search.query_clean("  tea\x00pot\t\n  cup ") == "tea pot cup"
    assert search.query_clean("a" * 1000) == "a" * search.MAX_QUERY_LENGTH
    assert search.query_clean(None) == ""
