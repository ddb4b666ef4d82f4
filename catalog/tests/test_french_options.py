"""Sizes, colours and store names as staff write them in English and French (catalog.translation,
inventory.translation): each site reads its own, French falling back to English where staff wrote none."""

import pytest
from django.utils import translation

from catalog.tests.factories import ProductFactory, VariantFactory
from inventory import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def jacket(kitchen, warehouse, store):
    product = ProductFactory(name="Rain Jacket", name_fr="Imperméable", slug="rain-jacket", category=kitchen)
    small = VariantFactory(product=product, sku="JKT-S", size="S", colour="Red", colour_fr="Rouge")
    VariantFactory(product=product, sku="JKT-M", size="M", colour="Navy", colour_fr="Marine")
    VariantFactory(product=product, sku="JKT-L", size="L", colour="Teal")  # no French written: English shown
    store.name_fr = "Calgary — magasin Kensington"
    store.save()
    services.stock_receive(variant=small, location=warehouse, quantity=3)
    services.stock_receive(variant=small, location=store, quantity=1)
    return product


def test_the_french_product_page_says_sizes_colours_and_stores_in_french(client, jacket):
    url = jacket.get_absolute_url()  # the English address (a request leaves its language active in this thread)
    french = client.get("/fr" + url).content.decode()
    english = client.get(url).content.decode()

    assert "S / Rouge" in french and "M / Marine" in french and "L / Teal" in french
    assert 'aria-label="Ajouter au panier : S / Rouge"' in french
    assert "Disponible en magasin : Calgary — magasin Kensington" in french
    assert "Red" not in french and "Navy" not in french and "Calgary store" not in french
    assert "S / Red" in english and "M / Navy" in english and "Available in store: Calgary store" in english
    assert "Rouge" not in english and "magasin" not in english


def test_a_french_cart_and_order_line_name_the_variant_in_french(jacket):
    from checkout.models import Cart
    from checkout.services import cart as cart_services

    cart = Cart.objects.create()
    small = jacket.variants.get(sku="JKT-S")
    with translation.override("fr"):
        change = cart_services.cart_add(cart=cart, variant_id=small.pk, quantity=9)
        [row] = cart_services.cart_rows(cart)
        name = row.name

    assert name == "Imperméable — S / Rouge"  # what the order line keeps, in the order's language
    assert change.message == "Plus que 3 d’Imperméable (S / Rouge) — quantité ramenée à 3."  # elided


def test_staff_write_the_french_size_and_colour_in_the_admin(admin_client, jacket):
    variant = jacket.variants.get(sku="JKT-M")

    page = admin_client.get(f"/admin/catalog/productvariant/{variant.pk}/change/").content.decode()
    product_page = admin_client.get(f"/admin/catalog/product/{jacket.pk}/change/").content.decode()

    for field in ("size_en", "size_fr", "colour_en", "colour_fr"):
        assert f'name="{field}"' in page
        assert f'name="variants-1-{field}"' in product_page
    assert 'value="Marine"' in page
