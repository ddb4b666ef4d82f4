"""A fixed shop for cross-sell: five products A–E in stock (A in two sizes) and counted, unpaid and cancelled
orders of them (see test_pairs.py for the co-occurrence worked out by hand)."""

import itertools
from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, VariantFactory
from inventory import services as stock_services
from orders.models import DeliveryMethod, Order, OrderLine, TaxRate
from orders.rates import rates_and_delivery_seed
from payments.models import Invoice

_numbers = itertools.count(1)


def order_make(*variants, user=None, paid=True, status=Order.Status.DELIVERED) -> Order:
    """An order of one of each of these SKUs at $10.00, with its invoice paid (or not)."""
    if not DeliveryMethod.objects.filter(code="standard").exists():
        rates_and_delivery_seed(TaxRate, DeliveryMethod)
    total = Decimal("10.00") * len(variants)
    order = Order.objects.create(
        number=f"X-{next(_numbers):06d}", user=user, status=status, email="buyer@example.com", ship_name="Test",
        ship_address="1 Main St", ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9",
        delivery_method=DeliveryMethod.objects.get(code="standard"), delivery_label="Standard",
        payment_method=Order.PaymentMethod.CARD, subtotal=total, shipping=Decimal("0"), handling=Decimal("0"),
        tax_total=Decimal("0"), total=total,
    )
    OrderLine.objects.bulk_create([
        OrderLine(order=order, variant=v, sku=v.sku, name=v.product.name, unit_price=Decimal("10.00"), quantity=1,
                  line_total=Decimal("10.00"))
        for v in variants
    ])
    Invoice.objects.create(order=order, number=f"INV-{order.number}", amount=total,
                           amount_paid=total if paid else Decimal("0"), issued_on=order.created_at.date(),
                           due_on=order.created_at.date(),
                           status=Invoice.Status.PAID if paid else Invoice.Status.OPEN)
    return order


@pytest.fixture
def garden(db):
    return CategoryFactory(name="Garden", slug="garden")


@pytest.fixture
def sku(garden, warehouse):
    """{"A": SKU, "A2": A's second size, "B": ..., "E": ...}, created in that order (A has the lowest product id),
    each with 5 units online."""
    skus = {}
    for letter in "ABCDE":
        skus[letter] = VariantFactory(product__name=f"Product {letter}", product__slug=f"product-{letter.lower()}",
                                      product__category=garden, price=Decimal("10.00"))
    skus["A2"] = VariantFactory(product=skus["A"].product, price=Decimal("12.00"), size="Large")
    for variant in skus.values():
        stock_services.stock_receive(variant=variant, location=warehouse, quantity=5)
    return skus


@pytest.fixture
def product(sku):
    return {letter: sku[letter].product for letter in "ABCDE"}


@pytest.fixture
def ana(django_user_model):
    return django_user_model.objects.create_user("ana", "ana@example.com", "pw", first_name="Ana")


@pytest.fixture
def orders(sku, ana):
    """The fixed data set. Counted orders (paid, not cancelled):
        O1 A B C · O2 A B (Ana's) · O3 A(large) B · O4 A C · O5 B C D · O6 D E · O9 D E · O10 A(small) A(large) D
    Not counted: O7 D E A (not paid), O8 A E (paid, then cancelled)."""
    return [
        order_make(sku["A"], sku["B"], sku["C"]),
        order_make(sku["A"], sku["B"], user=ana),
        order_make(sku["A2"], sku["B"]),
        order_make(sku["A"], sku["C"]),
        order_make(sku["B"], sku["C"], sku["D"]),
        order_make(sku["D"], sku["E"]),
        order_make(sku["D"], sku["E"], sku["A"], paid=False, status=Order.Status.RECEIVED),
        order_make(sku["A"], sku["E"], status=Order.Status.CANCELLED),
        order_make(sku["D"], sku["E"]),
        order_make(sku["A"], sku["A2"], sku["D"]),
    ]
