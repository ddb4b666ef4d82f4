import pytest

from catalog.tests.factories import CategoryFactory, VariantFactory
from inventory import services


@pytest.fixture
def kitchen(db):
    return CategoryFactory(name="Kitchen", slug="kitchen")


@pytest.fixture
def mug(kitchen, warehouse, store):
    """A mug with 2 units left online and 5 on the Calgary store's shelf."""
    variant = VariantFactory(sku="MUG-1", price="18.00", product__name="Stoneware Mug",
                             product__slug="stoneware-mug", product__category=kitchen)
    services.stock_receive(variant=variant, location=warehouse, quantity=2)
    services.stock_receive(variant=variant, location=store, quantity=5)
    return variant.product
