"""What the shopper's pages cost the database (issue 15): a page the cache does not have (a miss), the same page
for a signed-in customer (the catalogue part comes from the cache, only their header is theirs), and a cached page.
The figures are pinned so that a change that adds a query to every visit is seen here first."""

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from catalog.tests.factories import VariantFactory
from inventory import services as stock_services

MAX_QUERIES = 10  # the bound for any page, miss or signed in
# Page cache miss, with the data pages are built from (category tree, shipping set-up) in memory as on a live shop:
MISS = {
    # the cards' figures (prices, stock, rating) and pictures (which products are featured and newest: kept by the
    # worker until the catalogue changes)
    "home": 2,
    # the products of the page and their count, the cards' figures, pictures
    "category": 4,
    # the product (with how many reviews and questions it has: none here, so none are read), its SKUs, pictures,
    # the SKUs' stock (the orders waiting, for the promised date, are counted at most every 30 s)
    "product": 4,
}


@pytest.fixture
def shop_pages(kitchen, warehouse, store):
    """A kitchen category of three featured products in stock: the home, category and product pages' paths."""
    variants = [VariantFactory(product__name=f"Kettle {n}", product__category=kitchen, product__is_featured=True,
                               price=Decimal("20.00") + n) for n in range(3)]
    for variant in variants:
        stock_services.stock_receive(variant=variant, location=warehouse, quantity=5)
    return {"home": "/", "category": kitchen.get_absolute_url(), "product": variants[0].product.get_absolute_url()}


def _count(client, path, django_assert_max_num_queries, expected: int) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert len(queries) == expected, "\n".join(q["sql"] for q in queries.captured_queries)
    return response.content.decode()


@pytest.mark.parametrize("page", ["home", "category", "product"])
def test_a_page_the_cache_does_not_have_costs_a_few_queries(shop_pages, page, settings,
                                                           django_assert_max_num_queries):
    settings.SHOP_PAGE_CACHE = False  # every visit renders the page, as after a stock movement
    Client().get(shop_pages[page])  # the shop has served a page since it started

    html = _count(Client(), shop_pages[page], django_assert_max_num_queries, MISS[page])

    assert MISS[page] <= MAX_QUERIES
    assert "Kettle 0" in html


@pytest.fixture
def regular(django_user_model, kitchen):
    """A top-tier customer with a product in their saved cart."""
    from checkout.models import Cart, CartLine
    from crm.models import Contact, CustomerScore

    user = django_user_model.objects.create_user("noa", "noa@example.com", "pw", first_name="Noa")
    contact = Contact.objects.create(name="Noa", email="noa@example.com", user=user)
    CustomerScore.objects.create(contact=contact, recency=5, frequency=5, monetary=5, orders=9,
                                 revenue=Decimal("900.00"), last_order_on=date(2026, 11, 1),
                                 tier=CustomerScore.Tier.TOP, computed_at=timezone.now())
    CartLine.objects.create(cart=Cart.objects.create(user=user), quantity=2,
                            variant=VariantFactory(product__category=kitchen, price=Decimal("7.50")))
    return user


@pytest.mark.parametrize("page", ["home", "category", "product"])
def test_a_signed_in_customer_reads_the_cached_catalogue_and_only_their_session_and_account(
        shop_pages, regular, page, django_assert_max_num_queries):
    client = Client()
    client.force_login(regular)
    client.get(shop_pages[page])  # their first page: the catalogue part was cached by then

    html = _count(client, shop_pages[page], django_assert_max_num_queries, 2)  # the session, the user

    assert "Hello, Noa" in html and "Top customer" in html and "Cart: 2 items, $15.00" in html


def test_the_header_shows_a_cart_change_at_once(shop_pages, regular, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(regular)
    assert "Cart: 2 items, $15.00" in client.get(shop_pages["category"]).content.decode()

    from catalog.models import Product

    variant = Product.objects.get(name="Kettle 1").variants.get()
    with django_capture_on_commit_callbacks(execute=True):  # the change is committed, as in a real request
        client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})

    assert "Cart: 3 items, $36.00" in client.get(shop_pages["category"]).content.decode()


@pytest.mark.parametrize("page", ["home", "category", "product"])
def test_a_cached_page_reads_nothing_from_the_database(shop_pages, page, django_assert_max_num_queries):
    Client().get(shop_pages[page])

    _count(Client(), shop_pages[page], django_assert_max_num_queries, 0)


def test_a_product_with_reviews_and_questions_reads_them_in_three_more_queries(shop_pages, settings,
                                                                              django_assert_max_num_queries):
    from catalog.models import Product
    from community.models import ProductQuestion, Review
    from community.tests.factories import AnswerFactory, QuestionFactory, ReviewFactory

    product = Product.objects.get(name="Kettle 0")
    ReviewFactory(product=product, rating=4, title="Boils fast", status=Review.Status.APPROVED)
    question = QuestionFactory(product=product, text="Is it loud?", status=ProductQuestion.Status.PUBLISHED)
    AnswerFactory(question=question)
    settings.SHOP_PAGE_CACHE = False
    Client().get(shop_pages["product"])

    # the reviews with their authors, the questions, their answers
    html = _count(Client(), shop_pages["product"], django_assert_max_num_queries, MISS["product"] + 3)

    assert "Boils fast" in html and "Is it loud?" in html and "4.0 out of 5" in html


def test_a_product_featured_since_is_on_the_home_page_once_the_catalogue_edit_is_committed(
        shop_pages, kitchen, warehouse):
    from catalog import page_cache

    assert "Copper Pan" not in Client().get("/").content.decode()
    pan = VariantFactory(product__name="Copper Pan", product__category=kitchen, product__is_featured=True)
    stock_services.stock_receive(variant=pan, location=warehouse, quantity=3)

    page_cache.catalog_changed()  # what every catalogue edit in the admin calls once committed

    assert "Copper Pan" in Client().get("/").content.decode()


def test_a_guests_header_shows_each_cart_change_and_reads_no_cart_query_in_between(
        shop_pages, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    from catalog.models import Product

    client = Client()
    kettle = Product.objects.get(name="Kettle 1").variants.get()
    with django_capture_on_commit_callbacks(execute=True):  # committed, as in a real request
        client.post("/cart/add/", {"variant": kettle.pk, "quantity": 1})
    assert "Cart: 1 item, $21.00" in client.get(shop_pages["category"]).content.decode()

    html = _count(client, shop_pages["category"], django_assert_max_num_queries, 1)  # the session only

    assert "Cart: 1 item, $21.00" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cart/add/", {"variant": kettle.pk, "quantity": 2})
    assert "Cart: 3 items, $63.00" in client.get(shop_pages["category"]).content.decode()


def test_without_any_cache_a_product_page_reads_the_shipping_set_up_once(shop_pages, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    Client().get(shop_pages["product"])

    with CaptureQueriesContext(connection) as queries, mock.patch("time.monotonic", return_value=1000.0):
        assert Client().get(shop_pages["product"]).status_code == 200  # within one second of the clock

    set_up_reads = [q["sql"] for q in queries.captured_queries if 'FROM "orders_deliverymethod"' in q["sql"]]
    assert len(set_up_reads) == 1  # the promise and the regions served share one read
