import pytest

from catalog.tests.factories import VariantFactory


@pytest.fixture
def variant(db):
    return VariantFactory(sku="MUG-1", product__name="Stoneware Mug")
