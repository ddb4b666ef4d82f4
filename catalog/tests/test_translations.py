"""Names and descriptions staff write in English and French: the French site shows the French ones, and falls
back to English where nobody has translated yet."""

import pytest
from django.contrib.auth import get_user_model

from catalog.tests.factories import VariantFactory
from inventory import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def mugs(kitchen, warehouse):
    kitchen.name_fr = "Cuisine"
    kitchen.save()
    translated = VariantFactory(sku="MUG-1", price="18.00", product__name_en="Stoneware Mug",
                                product__name_fr="Tasse en grès", product__description_en="Glazed by hand.",
                                product__description_fr="Émaillée à la main.", product__category=kitchen).product
    untranslated = VariantFactory(sku="KET-1", price="45.00", product__name_en="Whistling Kettle",
                                  product__category=kitchen).product
    for product in (translated, untranslated):
        services.stock_receive(variant=product.variants.get(), location=warehouse, quantity=3)
    return translated, untranslated


def test_the_french_product_page_shows_the_french_name_and_description(client, mugs):
    mug, _ = mugs

    url = mug.get_absolute_url()  # before a French request leaves French active in this thread
    french = client.get("/fr" + url).content.decode()
    english = client.get(url).content.decode()

    assert "Tasse en grès" in french and "Émaillée à la main." in french
    assert "Stoneware Mug" not in french
    assert "Stoneware Mug" in english and "Tasse en grès" not in english


def test_an_untranslated_product_shows_its_english_name_on_the_french_site(client, mugs):
    _, kettle = mugs

    french = client.get("/fr" + kettle.get_absolute_url()).content.decode()

    assert "Whistling Kettle" in french


def test_the_french_category_page_sorts_by_the_name_shown_translated_or_not(client, mugs, kitchen, warehouse):
    axe = VariantFactory(sku="AXE-1", product__name_en="Axe", product__category=kitchen)
    services.stock_receive(variant=axe, location=warehouse, quantity=1)

    html = client.get("/fr" + kitchen.get_absolute_url()).content.decode()

    # Sorting on the French column alone would push the two untranslated products after "Tasse en grès".
    assert html.index(">Axe<") < html.index(">Tasse en grès<") < html.index(">Whistling Kettle<")


def test_the_menu_shows_category_names_in_the_page_language(client, mugs):
    assert ">Kitchen<" in client.get("/").content.decode()
    assert ">Cuisine<" in client.get("/fr/").content.decode()


def test_staff_write_both_names_in_the_product_admin(client, mugs):
    admin = get_user_model().objects.create_superuser("boss", "boss@example.com", "pw")
    client.force_login(admin)
    mug, _ = mugs

    form = client.get(f"/admin/catalog/product/{mug.pk}/change/").content.decode()

    assert 'name="name_en"' in form and 'name="name_fr"' in form
    assert 'name="description_fr"' in form
