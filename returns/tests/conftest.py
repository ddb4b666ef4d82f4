"""Orders placed through the real services (the mug and kettle of the orders tests, delivered in Alberta, GST 5 %),
paid, and shipped with shipment rows written directly (no shipping service is needed to ship in these tests)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from orders.services.status import order_transition
from orders.tests.conftest import canada, kettle, mug  # noqa: F401 — shared fixtures
from payments.models import CreditAccount
from payments.tests.conftest import order_for  # noqa: F401 — shared fixture
from shipping.models import Carrier, Shipment, ShipmentLine


@pytest.fixture
def clerk(django_user_model):
    return django_user_model.objects.create_user("clerk", "clerk@comptoir.example", "pw", is_staff=True)


@pytest.fixture
def buyer(django_user_model):
    return django_user_model.objects.create_user("acme", "ana@example.com", "s3cret-pass")


@pytest.fixture
def account(buyer):
    return CreditAccount.objects.create(user=buyer, company_name="Acme Cafés", credit_limit=Decimal("500.00"))


@pytest.fixture
def ship(db):
    """ship(order, units={variant: n} or None for every unit, delivered_days_ago=2 or None): the order goes
    preparing -> shipped and one shipment carries the units; returns the shipment."""
    carrier = Carrier.objects.create(code="test-post", name="Test Post")

    def _ship(order, *, units=None, delivered_days_ago=2):
        order.refresh_from_db()
        if order.status in (Order.Status.RECEIVED, Order.Status.PAID):
            order_transition(order=order, to=Order.Status.PREPARING)
        order_transition(order=order, to=Order.Status.SHIPPED)
        shipment = Shipment.objects.create(order=order, carrier=carrier,
                                           tracking_number=f"T-{order.number}-{order.shipments.count() + 1}")
        for line in order.lines.all():
            quantity = line.quantity if units is None else units.get(line.variant, 0)
            if quantity:
                ShipmentLine.objects.create(shipment=shipment, order_line=line, quantity=quantity)
        if delivered_days_ago is not None:
            shipment.delivered_at = timezone.now() - timedelta(days=delivered_days_ago)
            Shipment.objects.filter(pk=shipment.pk).update(delivered_at=shipment.delivered_at)
        order.refresh_from_db()
        return shipment

    return _ship
