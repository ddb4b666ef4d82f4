"""Backorder fills racing on Postgres. A fill locks the waiting orders (in pk order, before any stock row, as a
cancellation does) and their lines before reading them again:
- a receipt's fill and the beat's safety-net fill at the same instant hold the backordered units once: the second
  finds nothing left to do. Without the locks both read the line as still waiting and the second holds the same
  units again (only the line's CHECK backordered >= 0 then stops it, as an error in the job);
- a fill and a cancellation of the same order at the same instant never leave units held for a cancelled order.
  Without the order lock the fill either holds units for an order cancelled meanwhile or deadlocks with it.
"""

from decimal import Decimal

import pytest
from django.db.models import Sum

from catalog.tests.factories import VariantFactory
from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from core.tests.races import race_while_held
from inventory import services as stock_services
from inventory.models import Stock, StockMovement
from orders.models import Order, OrderAllocation, OrderEvent
from orders.services.status import order_transition
from orders.tests.test_checkout import ALBERTA
from outbox.models import OutboxEmail
from shipping.services.backinstock import RestockResult, restock_process
from shipping.tasks import backorders_fill_all

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting(canada, warehouse):
    """A lamp order for 4 with 2 held and 2 backordered, and 5 lamps just received: (order, lamp)."""
    lamp = VariantFactory(sku="LAMP-1", price=Decimal("40.00"), product__name="Desk Lamp",
                          product__allow_backorder=True)
    stock_services.stock_receive(variant=lamp, location=warehouse, quantity=2)
    cart = Cart.objects.create()
    cart_services.cart_add(cart=cart, variant_id=lamp.pk, quantity=4)
    details = CheckoutDetails(**{**ALBERTA, "ship_postal_code": "T2P 1J9"}, delivery_method_id=canada.pk)
    order = order_place(cart=cart, details=details, language="en")
    assert order.lines.get().backordered == 2
    stock_services.stock_receive(variant=lamp, location=warehouse, quantity=5, reference="PO-12")
    OutboxEmail.objects.all().delete()  # the acknowledgement
    return order, lamp


def test_a_receipts_fill_and_the_beats_fill_at_once_hold_a_backorder_once(waiting):
    order, lamp = waiting

    # When the receipt's fill and the beat's fill start while the order is locked (as a third fill would hold it)
    outcomes = race_while_held(lambda: Order.objects.select_for_update().get(pk=order.pk), [
        lambda: restock_process(variant_ids={lamp.pk}),  # what a receipt runs once it has committed
        backorders_fill_all,  # the periodic job
    ])

    # Then both finished without error, and exactly one of them held the 2 backordered lamps
    assert [kind for kind, _result in outcomes] == ["ok", "ok"], outcomes
    [(_ok, receipt_result), (_ok, beat_result)] = outcomes
    assert isinstance(receipt_result, RestockResult) and receipt_result.notified == 0
    assert (len(receipt_result.filled), beat_result["filled"]) in [(1, 0), (0, 1)]
    assert beat_result["notified"] == 0
    line = order.lines.get()
    assert line.backordered == 0
    assert OrderAllocation.objects.filter(line=line).aggregate(units=Sum("quantity"))["units"] == 4
    stock = Stock.objects.get(variant=lamp)
    assert (stock.on_hand, stock.reserved) == (7, 4)
    assert list(StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION)
                .order_by("pk").values_list("reserved_delta", flat=True)) == [2, 2]
    assert list(OrderEvent.objects.filter(order=order, note__startswith="Backorder").values_list("note", flat=True)) \
        == ["Backorder: 2 × LAMP-1 now reserved; 0 still to come."]
    assert list(OutboxEmail.objects.values_list("to", "reference")) == [("ana@example.com", order.number)]


def test_a_fill_and_a_cancellation_of_the_same_order_at_once_leave_nothing_held_for_it(waiting):
    order, lamp = waiting
    stock = Stock.objects.get(variant=lamp)

    # Both start while the lamps' stock row is locked (as another reservation would hold it): the fill has its
    # order (and its line) and waits for the stock; the cancellation waits for the order, or, if the fill does not
    # lock the order, takes it and waits for the stock too.
    outcomes = race_while_held(lambda: Stock.objects.select_for_update().get(pk=stock.pk), [
        lambda: restock_process(variant_ids={lamp.pk}),
        lambda: order_transition(order=order, to=Order.Status.CANCELLED),
    ])

    assert [kind for kind, _result in outcomes] == ["ok", "ok"], outcomes
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (7, 0)
    assert not OrderAllocation.objects.filter(line__order=order, released=False).exists()
    movements = StockMovement.objects.filter(reference=order.number).aggregate(held=Sum("reserved_delta"))
    assert movements["held"] == 0
