"""Order status rules that only mutation testing (make mutation) showed untested."""

import pytest

from inventory.models import Stock
from orders.models import Order, OrderAllocation
from orders.services.status import order_transition
from orders.tests.test_checkout import ALBERTA, checkout, fill_cart, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(client, canada, mug):
    fill_cart(client, (mug, 2))
    checkout(client, canada, ALBERTA)
    place(client)
    return Order.objects.get()


def test_a_shipped_order_holds_no_units_any_more(order, mug, admin_user):
    for status in ("paid", "preparing", "shipped"):
        order_transition(order=order, to=status, user=admin_user)

    stock = Stock.objects.get(variant=mug)
    assert (stock.on_hand, stock.reserved) == (3, 0)
    assert list(OrderAllocation.objects.filter(line__order=order).values_list("quantity", "released")) == [(2, True)]


def test_a_long_note_on_a_status_change_keeps_its_first_255_characters(order, admin_user):
    order_transition(order=order, to="paid", user=admin_user, note="n" * 300)

    assert order.events.get(status="paid").note == "n" * 255
