"""Shipping fixtures. Orders are placed through the real order_place (payments' order_for, with the mug and kettle
of the orders tests); carriers as staff would enter them."""

import pytest

from orders.tests.conftest import canada, kettle, mug  # noqa: F401 — shared fixtures
from payments.tests.conftest import order_for  # noqa: F401 — shared fixture
from shipping.models import Carrier


def _carrier(code, **fields) -> Carrier:
    """The carrier as these tests expect it, whatever the data migration seeded."""
    carrier, _created = Carrier.objects.update_or_create(code=code, defaults={"is_active": True, **fields})
    return carrier


@pytest.fixture
def canada_post(db):
    return _carrier("canada-post", name="Canada Post", position=1, tracking_pattern=r"^\d{16}$",
                    tracking_url="https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}")


@pytest.fixture
def purolator(db):
    return _carrier("purolator", name="Purolator", position=2, tracking_pattern=r"^[A-Z0-9]{12}$",
                    tracking_url="https://www.purolator.com/en/shipping/tracker?pin={number}")


@pytest.fixture
def paid_order(order_for, admin_user):  # noqa: F811
    """paid_order((variant, qty), ...): a cheque order, paid in full by staff, so it is "paid" and ready to prepare."""
    from payments.services.received import payment_record

    def place(*items):
        order = order_for("cheque", *items)
        payment_record(order=order, amount=order.total, method="cheque", user=admin_user)
        order.refresh_from_db()
        return order

    return place
