import pytest

from catalog.tests.factories import VariantFactory
from inventory.tests.factories import LocationFactory, WarehouseFactory


@pytest.fixture
def warehouse(db):
    return WarehouseFactory(name="Warehouse", code="wh", priority=0)


@pytest.fixture
def store(db):
    return LocationFactory(name="Calgary store", code="yyc", city="Calgary", priority=10)


@pytest.fixture
def variant(db):
    return VariantFactory(sku="MUG-1", product__name="Stoneware Mug")
