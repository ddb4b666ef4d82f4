from decimal import Decimal

import pytest

from catalog.tests.factories import VariantFactory
from inventory import services as stock_services
from purchasing.tests.factories import SupplierItemFactory, SupplierTermsFactory


@pytest.fixture
def supplier(db):
    """Potier & fils: 14 days' lead time, orders of $300.00 at least, emailed to commandes@potier.example."""
    terms = SupplierTermsFactory(supplier__name="Potier & fils", lead_time_days=14, minimum_order=Decimal("300.00"),
                                 order_email="commandes@potier.example")
    return terms.supplier


@pytest.fixture
def mug(warehouse, supplier):
    """MUG-1 ($18.00, cost $4.00), sold by Potier & fils as P-MUG at $4.50 in packs of 12; 80 at the warehouse."""
    variant = VariantFactory(sku="MUG-1", price=Decimal("18.00"), cost_price=Decimal("4.00"),
                             product__name="Stoneware Mug")
    SupplierItemFactory(supplier=supplier, variant=variant, supplier_sku="P-MUG", unit_cost=Decimal("4.50"),
                        pack_size=12)
    stock_services.stock_receive(variant=variant, location=warehouse, quantity=80)
    return variant
