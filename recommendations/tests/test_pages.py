"""Cross-sell on the shop's pages: the product page, the cart and a signed-in customer's home page, from the pairs of
the fixed orders (conftest.py, test_pairs.py): A goes with B (3) and C (2); B with A (3) and C (2); C with A and B
(2 each); D with E; E with D. Only in-stock products sold online are shown, and the pages cost the queries they
cost without cross-sell (catalog/tests/test_page_costs.py)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from checkout.models import Cart
from recommendations.services import product_pairs_compute

pytestmark = pytest.mark.django_db


@pytest.fixture
def pairs(orders, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product_pairs_compute(min_support=2, top=12)


def section(html: str, heading: str) -> list[str]:
    """The product names of the cards under this heading, in order ([] when there is no such section)."""
    start = html.find(f">{heading}</h2>")
    if start < 0:
        return []
    end = html.find("</section>", start)
    return re.findall(r'<h3 class="h6 card-title"><a href="[^"]+">([^<]+)</a>', html[start:end])


ALSO = "Customers who bought this also bought"
CART = "Often bought with these"
FOR_YOU = "For you"


def queries(client, path) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_product_page_shows_what_customers_also_bought_best_first(pairs, product):
    html = Client().get(product["A"].get_absolute_url()).content.decode()

    assert section(html, ALSO) == ["Product B", "Product C"]


def sold_out(variant, warehouse, django_capture_on_commit_callbacks):
    from inventory import services as stock_services

    with django_capture_on_commit_callbacks(execute=True):  # the pages are told once the count is committed
        stock_services.stock_correct(variant=variant, location=warehouse, counted=0, reason="count")


def test_a_product_sold_out_or_not_sold_online_is_not_suggested(pairs, product, sku, warehouse,
                                                                django_capture_on_commit_callbacks):
    from catalog import page_cache

    sold_out(sku["B"], warehouse, django_capture_on_commit_callbacks)
    product["C"].sold_online = False
    product["C"].save()
    page_cache.catalog_changed()  # what a catalogue edit in the admin calls once committed

    assert section(Client().get(product["A"].get_absolute_url()).content.decode(), ALSO) == []


def test_a_product_with_one_size_sold_out_is_still_suggested(pairs, product, sku, warehouse,
                                                             django_capture_on_commit_callbacks):
    sold_out(sku["A"], warehouse, django_capture_on_commit_callbacks)  # the large size is still in stock

    assert section(Client().get(product["B"].get_absolute_url()).content.decode(), ALSO) == ["Product A",
                                                                                            "Product C"]


def test_a_product_nobody_bought_with_anything_shows_no_section(pairs, product):
    html = Client().get(product["D"].get_absolute_url()).content.decode()  # D-E: 2, but D's page shows E
    assert section(html, ALSO) == ["Product E"]
    product_pairs_compute(min_support=3)  # only A-B left

    from catalog import page_cache

    page_cache.version_changed("crosssell")
    assert ALSO not in Client().get(product["D"].get_absolute_url()).content.decode()


def cart_of(client, *variants):
    for variant in variants:
        client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})


def test_the_cart_suggests_what_goes_with_its_products_leaving_out_what_is_in_it(pairs, sku):
    client = Client()
    cart_of(client, sku["A"])
    assert section(client.get("/cart/").content.decode(), CART) == ["Product B", "Product C"]

    cart_of(client, sku["B"])  # A and B: C goes with both (2 + 2)
    assert section(client.get("/cart/").content.decode(), CART) == ["Product C"]

    cart_of(client, sku["E"])  # and E: D (2)
    assert section(client.get("/cart/").content.decode(), CART) == ["Product C", "Product D"]


def test_the_cart_suggestions_can_be_added_from_the_cart(pairs, sku):
    client = Client()
    cart_of(client, sku["D"])
    html = client.get("/cart/").content.decode()
    assert section(html, CART) == ["Product E"]
    assert f'name="variant" value="{sku["E"].pk}"' in html

    response = client.post("/cart/add/", {"variant": sku["E"].pk, "quantity": 1, "next": "/cart/"})

    assert response["Location"] == "/cart/"
    html = client.get("/cart/").content.decode()
    assert CART not in html  # D and E are both in the cart: nothing else goes with them
    assert Cart.objects.get().lines.count() == 2


def test_for_you_on_the_home_page_comes_from_the_customers_purchases(pairs, ana):
    client = Client()
    client.force_login(ana)  # Ana bought A and B (O2): C goes with both

    assert section(client.get("/").content.decode(), FOR_YOU) == ["Product C"]


def test_a_customer_without_purchases_and_a_visitor_see_no_for_you(pairs, django_user_model):
    newcomer = django_user_model.objects.create_user("new", "new@example.com", "pw")
    client = Client()
    client.force_login(newcomer)

    assert "For you" not in client.get("/").content.decode()
    assert "For you" not in Client().get("/").content.decode()


def test_for_you_is_built_again_when_the_customer_orders(pairs, ana, sku, product):
    from recommendations.services import customer_purchases_changed
    from recommendations.tests.conftest import order_make

    client = Client()
    client.force_login(ana)
    assert section(client.get("/").content.decode(), FOR_YOU) == ["Product C"]
    order_make(sku["D"], user=ana)
    customer_purchases_changed(user_id=ana.pk)  # what order_place calls once the order is committed

    assert section(client.get("/").content.decode(), FOR_YOU) == ["Product C", "Product E"]


# --- the pages' costs: the query counts of catalog/tests/test_page_costs.py, with suggestions shown -------------------

def test_a_signed_in_customer_s_home_with_for_you_still_costs_two_queries(pairs, ana):
    client = Client()
    client.force_login(ana)
    client.get("/")

    count, html = queries(client, "/")

    assert count == 2  # the session, the user: "For you" came from the cache
    assert section(html, FOR_YOU) == ["Product C"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_product_page_with_suggestions_costs_what_it_cost_without(pairs, product, ana, settings, signed_in):
    client = Client()
    if signed_in:
        client.force_login(ana)
    path = product["A"].get_absolute_url()
    client.get(path)
    count, html = queries(client, path)
    assert count == (2 if signed_in else 0) and section(html, ALSO) == ["Product B", "Product C"]

    settings.SHOP_PAGE_CACHE = False  # a miss: what test_page_costs pins (MISS["product"] = 4)
    Client().get(path)
    count, html = queries(Client(), path)
    assert count == 4 and section(html, ALSO) == ["Product B", "Product C"]


def test_the_cart_page_costs_the_same_with_suggestions_as_without(pairs, sku, product):
    with_pairs, without = Client(), Client()
    cart_of(with_pairs, sku["A"])
    cart_of(without, sku["D"])
    from recommendations.models import ProductPair

    ProductPair.objects.filter(product=product["D"]).delete()  # D has nothing to suggest; A has B and C
    from catalog import page_cache

    page_cache.version_changed("crosssell")
    for client in (with_pairs, without):
        client.get("/cart/")

    count_with, html = queries(with_pairs, "/cart/")
    count_without, _html = queries(without, "/cart/")

    assert section(html, CART) == ["Product B", "Product C"]
    assert count_with == count_without
