from decimal import Decimal

import pytest

from catalog.tests.factories import CategoryFactory, VariantFactory
from checkout.models import Cart
from checkout.services.cart import cart_add
from checkout.services.placing import CheckoutDetails, order_place
from inventory import services as stock_services
from orders.models import DeliveryMethod, Order, TaxRate
from orders.rates import rates_and_delivery_seed
from orders.services.status import order_transition

from .factories import UserFactory


@pytest.fixture
def canada(db):
    rates_and_delivery_seed(TaxRate, DeliveryMethod)
    return DeliveryMethod.objects.get(code="standard")


@pytest.fixture
def kitchen(db):
    return CategoryFactory(name="Kitchen", slug="kitchen")


@pytest.fixture
def mug(kitchen, warehouse):
    """The Stoneware Mug product ($18.00, 5 in stock) in Kitchen."""
    variant = VariantFactory(sku="MUG-1", price=Decimal("18.00"), product__name="Stoneware Mug",
                             product__slug="stoneware-mug", product__category=kitchen)
    stock_services.stock_receive(variant=variant, location=warehouse, quantity=5)
    return variant.product


@pytest.fixture
def order_of(canada):
    """order_of(user, product, status="paid"): the user's cheque order for one unit of the product, placed through
    the real checkout and moved along the real status steps."""

    steps = {"received": [], "paid": ["paid"], "preparing": ["paid", "preparing"],
             "shipped": ["paid", "preparing", "shipped"], "delivered": ["paid", "preparing", "shipped", "delivered"],
             "cancelled": ["cancelled"]}

    def place(user, product, status="paid"):
        cart = Cart.objects.create()
        cart_add(cart=cart, variant_id=product.variants.first().pk, quantity=1)
        details = CheckoutDetails(email=user.email, phone="403-555-0101", ship_name="Ana Tremblay",
                                  ship_address="100 8 Ave SW", ship_city="Calgary", ship_province="AB",
                                  ship_postal_code="T2P 1J9", delivery_method_id=canada.pk, payment_method="cheque")
        order = order_place(cart=cart, details=details, language="en", user=user)
        for step in steps[status]:
            order = order_transition(order=order, to=step)
        assert Order.objects.get(pk=order.pk).status == status
        return order

    return place


@pytest.fixture
def ana(db):
    return UserFactory(username="ana", email="ana@example.com", first_name="Ana", last_name="Tremblay")


@pytest.fixture
def buyer(ana, mug, order_of):
    """Ana, who bought the mug (order paid)."""
    order_of(ana, mug, "paid")
    return ana


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.create_superuser("manon", "manon@example.com", "pw")
