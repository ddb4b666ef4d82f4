from decimal import Decimal

import pytest

from catalog.tests.factories import VariantFactory
from checkout.models import Cart
from inventory import services as stock_services
from orders.models import DeliveryMethod, TaxRate
from orders.rates import rates_and_delivery_seed


@pytest.fixture
def canada(db):
    """Tax rates and the standard delivery ($12.00 + $2.50 handling), as the migration seeds them."""
    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    return DeliveryMethod.objects.get(code="standard")


@pytest.fixture
def mug(warehouse):
    variant = VariantFactory(sku="MUG-1", price=Decimal("18.00"), product__name="Stoneware Mug")
    stock_services.stock_receive(variant=variant, location=warehouse, quantity=5)
    return variant


@pytest.fixture
def kettle(warehouse):
    variant = VariantFactory(sku="KET-1", price=Decimal("79.00"), product__name="Gooseneck Kettle")
    stock_services.stock_receive(variant=variant, location=warehouse, quantity=3)
    return variant


@pytest.fixture
def cart(db):
    return Cart.objects.create()
