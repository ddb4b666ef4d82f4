"""Issue 19, clear words: a product card says what the product is. Under its name, every card (home, category,
search, cross-sell) shows the description's first sentence, or its first ~100 characters cut at a word and ended
with "…", in the page's language; the list pages read it with the cards' rows, so they cost no more queries
(test_page_costs.py pins the counts)."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.selectors import short_description
from catalog.tests.factories import VariantFactory
from inventory import services as stock_services
from recommendations.models import ProductPair

pytestmark = pytest.mark.django_db

KETTLE = ("Pours a slow, steady stream for pour-over coffee. Brushed steel, 1 litre, works on gas, electric and "
          "induction stoves.")
KETTLE_FR = ("Verse un filet lent et régulier pour le café filtre. Acier brossé, 1 litre, pour cuisinières à gaz, "
             "électriques et à induction.")
# One long sentence: cut at a word, before 100 characters.
APRON = ("Heavy waxed canvas apron with leather straps, brass rivets and a deep front pocket that holds a "
         "notebook, a thermometer and two pens without sagging")


def cards(html: str) -> dict[str, str]:
    """{product name: the card's short description ("" without one)} of the cards on the page."""
    found = {}
    for card in re.findall(r'<article class="card h-100 product-card">(.*?)</article>', html, flags=re.S):
        name = re.search(r'<h3 class="h6 card-title"><a href="[^"]+">([^<]+)</a></h3>', card).group(1)
        line = re.search(r'<p class="mb-1 small">([^<]*)</p>', card)
        found[name] = line.group(1) if line else ""
    return found


@pytest.fixture
def shop(kitchen, warehouse):
    """A kettle (English and French descriptions), an apron (one long English sentence), a sticker (none), all
    featured and in stock; the apron is bought with the kettle."""
    made = {}
    for name, description, description_fr in [("Gooseneck Kettle", KETTLE, KETTLE_FR), ("Canvas Apron", APRON, ""),
                                              ("Sticker", "", "")]:
        variant = VariantFactory(product__name=name, product__category=kitchen, product__is_featured=True,
                                 product__description=description, product__description_fr=description_fr,
                                 price=Decimal("20.00"))
        stock_services.stock_receive(variant=variant, location=warehouse, quantity=5)
        made[name] = variant.product
    ProductPair.objects.create(product=made["Gooseneck Kettle"], other=made["Canvas Apron"], support=3, rank=1)
    return made


def test_the_first_sentence_when_it_is_short_enough():
    assert short_description(KETTLE) == "Pours a slow, steady stream for pour-over coffee."


def test_a_long_sentence_is_cut_at_a_word_and_ellipsised():
    text = short_description(APRON)

    assert text == ("Heavy waxed canvas apron with leather straps, brass rivets and a deep front pocket that holds "
                    "a…")
    assert len(text) <= 101 and APRON.startswith(text[:-1])


@pytest.mark.parametrize(("description", "expected"), [
    ("", ""),
    ("   ", ""),
    ("Handmade in Québec", "Handmade in Québec"),                         # short, no full stop
    ("Holds 350 ml.\n\nDishwasher safe.", "Holds 350 ml."),               # lines folded, first sentence
    ("Is it tea? Yes, loose leaf.", "Is it tea?"),
    ("x" * 150, "x" * 100 + "…"),                                        # one word longer than a card line
    ("A dense, oven-safe, lead-free, hand-thrown stoneware casserole with a lid, glazed in and out, generously "
     "sized", "A dense, oven-safe, lead-free, hand-thrown stoneware casserole with a lid, glazed in and out…"),
    # no comma left before the "…", and "2.5" is no end of a sentence:
    ("Serves 2.5 litres of stew from a dense, oven-safe, lead-free, hand-thrown stoneware casserole with a lid.",
     "Serves 2.5 litres of stew from a dense, oven-safe, lead-free, hand-thrown stoneware casserole with a…"),
])
def test_short_descriptions_of_every_shape(description, expected):
    assert short_description(description) == expected


def test_home_and_category_cards_show_the_short_description(client, shop, kitchen):
    for path in ("/", kitchen.get_absolute_url()):
        assert cards(client.get(path).content.decode()) == {
            "Gooseneck Kettle": "Pours a slow, steady stream for pour-over coffee.",
            "Canvas Apron": "Heavy waxed canvas apron with leather straps, brass rivets and a deep front pocket "
                            "that holds a…",
            "Sticker": "",
        } or pytest.fail(path)


def test_french_cards_show_the_french_description_or_the_english_one_without_it(client, shop, kitchen):
    shown = cards(client.get("/fr" + kitchen.get_absolute_url()).content.decode())

    assert shown["Gooseneck Kettle"] == "Verse un filet lent et régulier pour le café filtre."
    assert shown["Canvas Apron"].startswith("Heavy waxed canvas apron")  # no French description yet


def test_search_results_show_the_short_description(client, shop):
    shown = cards(client.get(reverse("catalog:search"), {"q": "kettle"}).content.decode())

    assert shown["Gooseneck Kettle"] == "Pours a slow, steady stream for pour-over coffee."


def test_cross_sell_cards_show_the_short_description(client, shop):
    html = client.get(shop["Gooseneck Kettle"].get_absolute_url()).content.decode()
    section = html[html.index(">Customers who bought this also bought</h2>"):]

    assert cards(section)["Canvas Apron"].startswith("Heavy waxed canvas apron with leather straps")


def test_a_category_of_many_cards_costs_the_queries_of_a_few(kitchen, warehouse, settings):
    """The short descriptions come with the page's rows: twenty more cards, not one more query."""
    settings.SHOP_PAGE_CACHE = False

    def cost() -> int:
        Client().get(kitchen.get_absolute_url())  # the category tree and the shop's set-up in memory
        with CaptureQueriesContext(connection) as captured:
            html = Client().get(kitchen.get_absolute_url()).content.decode()
        assert all(cards(html).values())
        return len(captured)

    def add(count):
        for _ in range(count):
            variant = VariantFactory(product__category=kitchen, product__description=KETTLE)
            stock_services.stock_receive(variant=variant, location=warehouse, quantity=1)

    add(2)
    few = cost()
    add(20)
    assert cost() == few
