"""Purchase orders: from suggestions, status moves, sending (PDF by email through the outbox), receiving."""

import base64
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.models import ProductVariant
from catalog.tests.factories import VariantFactory
from checkout.models import Cart
from checkout.services import cart as cart_services
from checkout.services.placing import CheckoutDetails, order_place
from inventory.models import Stock, StockMovement
from orders.models import OrderLine
from orders.tests.conftest import canada  # noqa: F401 — shared fixture
from outbox.models import OutboxEmail
from purchasing.models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine, ReorderSuggestion
from purchasing.services.orders import (
    PurchasingError,
    average_cost,
    purchase_order_receive,
    purchase_order_send,
    purchase_order_transition,
    purchase_orders_from_suggestions,
)
from purchasing.tests.factories import SupplierItemFactory, SupplierTermsFactory

pytestmark = pytest.mark.django_db
S = PurchaseOrder.Status


def _suggestion(variant, location, supplier, quantity, *, sku="P-MUG", cost="4.50"):
    return ReorderSuggestion.objects.create(
        variant=variant, location=location, online_pool=True, supplier=supplier, supplier_sku=sku,
        unit_cost=Decimal(cost), pack_size=12, sold=56, days=56, velocity=1, lead_time_days=14, safety_days=7,
        available=20, on_order=0, need=11, quantity=quantity, computed_at=timezone.now())


@pytest.fixture
def draft(mug, warehouse, supplier):
    [order] = purchase_orders_from_suggestions(suggestion_ids=[_suggestion(mug, warehouse, supplier, 72).pk])
    return order


def test_suggestions_become_one_draft_purchase_order_per_supplier(mug, warehouse, supplier):
    other = SupplierTermsFactory(supplier__name="Verrerie", lead_time_days=3).supplier
    bowl = ProductVariant.objects.create(product=mug.product, sku="BOWL-1", price=Decimal("12.00"))
    SupplierItemFactory(supplier=other, variant=bowl, supplier_sku="V-BOWL", unit_cost=Decimal("2.00"))
    first, second = _suggestion(mug, warehouse, supplier, 72), _suggestion(bowl, warehouse, other, 5, sku="V-BOWL",
                                                                           cost="2.00")
    no_supplier = _suggestion(bowl, warehouse, None, 3)

    orders = purchase_orders_from_suggestions(suggestion_ids=[first.pk, second.pk, no_supplier.pk])

    assert [(o.supplier.name, o.status, o.location) for o in orders] == [("Potier & fils", S.DRAFT, warehouse),
                                                                          ("Verrerie", S.DRAFT, warehouse)]
    assert orders[0].number == f"PO-{orders[0].pk:05d}"
    assert orders[0].expected_on == timezone.localdate() + datetime.timedelta(days=14)
    assert [(line.variant.sku, line.supplier_sku, line.quantity_ordered, line.unit_cost)
            for line in orders[0].lines.all()] == [("MUG-1", "P-MUG", 72, Decimal("4.50"))]
    assert list(ReorderSuggestion.objects.order_by("pk").values_list("purchase_order", flat=True)) == [
        orders[0].pk, orders[1].pk, None]
    # Turning them again makes nothing new.
    assert purchase_orders_from_suggestions(suggestion_ids=[first.pk, second.pk]) == []


def test_status_moves_only_along_the_allowed_map_and_each_move_is_on_the_timeline(draft):
    with pytest.raises(PurchasingError, match="“Draft” cannot become “Received”"):
        purchase_order_transition(order=draft, to=S.RECEIVED)
    purchase_order_transition(order=draft, to=S.SENT)
    purchase_order_transition(order=draft, to=S.CANCELLED, note="Supplier out of business")
    with pytest.raises(PurchasingError, match="“Cancelled” cannot become “Sent”"):
        purchase_order_transition(order=draft, to=S.SENT)

    assert list(PurchaseOrderEvent.objects.filter(order=draft).values_list("status", "note")) == [
        (S.DRAFT, "From reorder suggestions"), (S.SENT, ""), (S.CANCELLED, "Supplier out of business")]


def test_sending_emails_the_supplier_the_order_with_its_pdf_through_the_outbox(draft,
                                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        order = purchase_order_send(order=draft)

    assert order.status == S.SENT and order.sent_at is not None
    [email] = OutboxEmail.objects.all()
    assert (email.to, email.reference) == ("commandes@potier.example", draft.number)
    assert email.subject == f"Purchase order {draft.number} from comptoir inc."
    assert "72 × P-MUG (MUG-1) Stoneware Mug at $4.50 = $324.00" in email.text_body
    assert "Total before taxes: $324.00" in email.text_body
    [pdf] = email.attachments
    assert pdf["name"] == f"{draft.number}.pdf" and pdf["content_type"] == "application/pdf"
    assert base64.b64decode(pdf["base64"]).startswith(b"%PDF")
    with pytest.raises(PurchasingError, match="Only a draft purchase order can be sent"):
        purchase_order_send(order=draft)


def test_the_weighted_average_cost_is_rounded_half_up_to_the_cent():
    # (24 × 4.00 + 12 × 4.50) / 36 = 150 / 36 = 4.1666… -> 4.17
    assert average_cost(old_cost=Decimal("4.00"), on_hand=24, unit_cost=Decimal("4.50"), received=12) == Decimal(
        "4.17")
    # (1 × 0.01 + 1 × 0.02) / 2 = 0.015 -> 0.02 (half up)
    assert average_cost(old_cost=Decimal("0.01"), on_hand=1, unit_cost=Decimal("0.02"), received=1) == Decimal("0.02")
    assert average_cost(old_cost=None, on_hand=5, unit_cost=Decimal("3.10"), received=2) == Decimal("3.10")
    assert average_cost(old_cost=Decimal("9.00"), on_hand=0, unit_cost=Decimal("3.10"), received=2) == Decimal("3.10")


def test_receiving_partly_then_fully_writes_receipts_updates_the_cost_and_the_status(draft, mug, warehouse, store,
                                                                                       django_capture_on_commit_callbacks):
    """80 mugs on hand at $4.00. 1st delivery: 30 at $4.50 -> (80 × 4.00 + 30 × 4.50) / 110 = 455 / 110 = 4.1363…
    -> $4.14. 2nd: 42 at $4.50 to the store -> (110 × 4.14 + 42 × 4.50) / 152 = (455.40 + 189) / 152 = 4.2394… ->
    $4.24."""
    purchase_order_send(order=draft)
    [line] = draft.lines.all()

    with django_capture_on_commit_callbacks(execute=True):
        order = purchase_order_receive(order=draft, quantities={line.pk: 30}, location=warehouse)
    assert order.status == S.PARTLY_RECEIVED
    mug.refresh_from_db()
    assert mug.cost_price == Decimal("4.14")
    assert Stock.objects.get(variant=mug, location=warehouse).on_hand == 110

    with pytest.raises(PurchasingError, match="43 units cannot be received, only 42 of the 72 ordered"):
        purchase_order_receive(order=draft, quantities={line.pk: 43}, location=store)
    assert Stock.objects.filter(variant=mug, location=store).count() == 0

    order = purchase_order_receive(order=draft, quantities={line.pk: 42}, location=store)
    assert order.status == S.RECEIVED
    mug.refresh_from_db()
    assert mug.cost_price == Decimal("4.24")
    line.refresh_from_db()
    assert (line.quantity_received, line.quantity_left) == (72, 0)
    receipts = StockMovement.objects.filter(kind=StockMovement.Kind.RECEIPT, reference=draft.number).order_by("pk")
    assert [(m.location, m.on_hand_delta, m.on_hand_after) for m in receipts] == [(warehouse, 30, 110),
                                                                                   (store, 42, 42)]
    assert list(PurchaseOrderEvent.objects.filter(order=draft).values_list("status", flat=True)) == [
        S.DRAFT, S.SENT, S.PARTLY_RECEIVED, S.RECEIVED]
    with pytest.raises(PurchasingError, match="received against a sent purchase order"):
        purchase_order_receive(order=draft, quantities={line.pk: 1}, location=store)


def test_a_draft_cannot_be_received(draft):
    [line] = draft.lines.all()
    with pytest.raises(PurchasingError):
        purchase_order_receive(order=draft, quantities={line.pk: 1}, location=draft.location)
    assert PurchaseOrderLine.objects.get().quantity_received == 0


def test_a_receipt_fills_the_waiting_backorders_oldest_order_first(canada, warehouse, supplier,  # noqa: F811
                                                                   django_capture_on_commit_callbacks):
    lamp = VariantFactory(sku="LAMP-1", price=Decimal("40.00"), product__name="Desk Lamp",
                          product__allow_backorder=True)
    SupplierItemFactory(supplier=supplier, variant=lamp, supplier_sku="P-LAMP")

    def place(email, quantity):
        cart = Cart.objects.create()
        cart_services.cart_add(cart=cart, variant_id=lamp.pk, quantity=quantity)
        details = CheckoutDetails(email=email, phone="403-555-0101", ship_name="A B", ship_address="100 8 Ave SW",
                                  ship_city="Calgary", ship_province="AB", ship_postal_code="T2P 1J9",
                                  delivery_method_id=canada.pk, payment_method="cheque")
        return order_place(cart=cart, details=details, language="en")

    older, newer = place("ana@example.com", 3), place("bo@example.com", 2)
    assert list(OrderLine.objects.order_by("pk").values_list("backordered", flat=True)) == [3, 2]
    [po] = purchase_orders_from_suggestions(suggestion_ids=[_suggestion(lamp, warehouse, supplier, 4).pk])
    purchase_order_send(order=po)
    [line] = po.lines.all()

    with django_capture_on_commit_callbacks(execute=True):
        purchase_order_receive(order=po, quantities={line.pk: 4}, location=warehouse)

    assert OrderLine.objects.get(order=older).backordered == 0  # the older order took its 3
    assert OrderLine.objects.get(order=newer).backordered == 1  # the newer one the last unit
    stock = Stock.objects.get(variant=lamp, location=warehouse)
    assert (stock.on_hand, stock.reserved) == (4, 4)
