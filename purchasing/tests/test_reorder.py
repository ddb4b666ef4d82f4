"""The nightly reorder suggestions (purchasing.services.reorder)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog.tests.factories import VariantFactory
from inventory import services as stock_services
from inventory.models import Stock
from inventory.tests.factories import WarehouseFactory
from purchasing.models import PurchaseOrder, PurchaseOrderLine, ReorderSuggestion
from purchasing.services.reorder import suggestions_compute
from purchasing.tasks import reorder_suggestions_nightly

pytestmark = pytest.mark.django_db

def tomorrow() -> datetime.date:
    """The window ends at midnight: today's sales count. Read when the test runs, not when the module is collected
    (a run that crosses midnight in the shop's time zone would otherwise leave today's sales out)."""
    return timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _knobs(settings):
    settings.SHOP_REORDER_WEEKS = 8
    settings.SHOP_REORDER_SAFETY_DAYS = 7


def _sell(variant, location, *, counter: int, online: int):
    stock_services.stock_sell_in_store(variant=variant, location=location, quantity=counter)
    allocations = stock_services.stock_reserve(lines=[(variant.pk, online)])
    stock_services.stock_ship(allocations=allocations)


def _set_reorder(variant, location, *, point, quantity=None):
    stock = Stock.objects.get(variant=variant, location=location)
    stock_services.stock_reorder_set(stock_id=stock.pk, reorder_point=point, reorder_quantity=quantity)


def test_a_suggestion_matches_the_hand_computed_case(mug, warehouse, supplier):
    """Worked by hand:

    - window: 8 weeks = 56 days; sold 42 at the warehouse counter + 14 shipped online = 56 units
      -> velocity = 56 / 56 = 1 unit a day
    - on hand 80 - 56 = 24, 4 reserved for an order not shipped -> available 20; reorder point 20 -> low (20 ≤ 20)
    - on order: a sent purchase order of 10 not yet received -> 10
    - lead time 14 days, safety stock 7 days of sales:
      need = 1 × (14 + 7) + 20 - (20 + 10) = 21 + 20 - 30 = 11 units
    - reorder quantity 10 -> max(11, 10) = 11; packs of 12 -> 12 units (1 pack) = 12 × $4.50 = $54.00
    - the supplier's minimum order is $300.00: $246.00 short, a pack costs $54.00 -> ⌈246 / 54⌉ = ⌈4.56⌉ = 5 more
      packs -> 72 units = $324.00
    """
    _sell(mug, warehouse, counter=42, online=14)
    stock_services.stock_reserve(lines=[(mug.pk, 4)])
    _set_reorder(mug, warehouse, point=20, quantity=10)
    sent = PurchaseOrder.objects.create(supplier=supplier, location=warehouse, status=PurchaseOrder.Status.SENT,
                                        number="PO-OLD")
    PurchaseOrderLine.objects.create(order=sent, variant=mug, quantity_ordered=10, unit_cost=Decimal("4.50"))

    assert suggestions_compute(today=tomorrow()) == 1

    [s] = ReorderSuggestion.objects.all()
    assert (s.variant, s.location, s.online_pool, s.supplier, s.supplier_sku) == (mug, warehouse, True, supplier,
                                                                                  "P-MUG")
    assert (s.sold, s.days, s.velocity) == (56, 56, Decimal("1.000"))
    assert (s.lead_time_days, s.safety_days, s.reorder_point, s.reorder_quantity) == (14, 7, 20, 10)
    assert (s.available, s.on_order, s.need, s.pack_size) == (20, 10, 11, 12)
    assert s.quantity == 72
    assert s.unit_cost * s.quantity == Decimal("324.00")


def test_without_a_minimum_order_the_quantity_is_the_need_rounded_up_to_whole_packs(mug, warehouse, supplier):
    """velocity 56 / 56 = 1 a day; available 80 - 56 = 24, reorder point 30 -> low;
    need = 1 × (14 + 7) + 30 - 24 = 27 -> 3 packs of 12 = 36 units (no minimum order)."""
    supplier.supplier_terms.minimum_order = Decimal("0.00")
    supplier.supplier_terms.save()
    _sell(mug, warehouse, counter=42, online=14)
    _set_reorder(mug, warehouse, point=30)

    suggestions_compute(today=tomorrow())

    [s] = ReorderSuggestion.objects.all()
    assert (s.available, s.need, s.quantity) == (24, 27, 36)


def test_a_short_cover_reorders_even_without_a_reorder_point(mug, warehouse, supplier):
    """Sold 70 in 56 days (1.25 a day); 10 left cover 8 days < 14 days' lead time; no reorder point:
    need = ⌈1.25 × 21⌉ + 0 - 10 = ⌈26.25⌉ - 10 = 17 -> 2 packs = 24 units = $108.00 < $300.00 -> +4 packs = 72."""
    stock_services.stock_sell_in_store(variant=mug, location=warehouse, quantity=70)

    suggestions_compute(today=tomorrow())

    [s] = ReorderSuggestion.objects.all()
    assert (s.sold, s.available, s.reorder_point, s.need, s.quantity) == (70, 10, None, 17, 72)


def test_nothing_is_suggested_above_the_point_with_enough_cover_and_the_job_replaces_last_nights(
        mug, warehouse, supplier):
    _set_reorder(mug, warehouse, point=5)
    stock_services.stock_sell_in_store(variant=mug, location=warehouse, quantity=10)  # 70 left, cover 392 days
    ReorderSuggestion.objects.create(variant=mug, location=warehouse, sold=1, days=1, velocity=1, lead_time_days=1,
                                     safety_days=1, available=0, on_order=0, need=1, quantity=1,
                                     computed_at=timezone.now())

    assert reorder_suggestions_nightly() == 0
    assert not ReorderSuggestion.objects.exists()


def test_the_locations_that_ship_online_are_one_pool_and_a_store_reorders_for_itself(mug, warehouse, store,
                                                                                      supplier):
    """Pool: warehouse (point 20, available 80) + second warehouse (point 5, available 0) = point 25, available 80:
    not low. The store: 3 on hand, point 4 -> low; nothing sold: need = 0 + 4 - 3 = 1 -> 1 pack of 12, topped up to
    the $300.00 minimum: 72."""
    east = WarehouseFactory(name="East", code="east", priority=5)
    stock_services.stock_transfer(variant=mug, source=warehouse, destination=east, quantity=1)
    stock_services.stock_sell_in_store(variant=mug, location=east, quantity=1)  # 1 unit sold, from the pool
    stock_services.stock_receive(variant=mug, location=store, quantity=3)
    _set_reorder(mug, warehouse, point=20)
    _set_reorder(mug, east, point=5)
    _set_reorder(mug, store, point=4)

    suggestions_compute(today=tomorrow())

    [s] = ReorderSuggestion.objects.all()
    assert (s.location, s.online_pool, s.available, s.reorder_point, s.need, s.quantity) == (store, False, 3, 4, 1,
                                                                                             72)


def test_a_sku_without_a_supplier_is_suggested_without_one(warehouse):
    lonely = VariantFactory(sku="LONE-1")
    stock_services.stock_receive(variant=lonely, location=warehouse, quantity=2)
    _set_reorder(lonely, warehouse, point=5, quantity=10)

    suggestions_compute(today=tomorrow())

    [s] = ReorderSuggestion.objects.all()
    assert (s.supplier, s.lead_time_days, s.need, s.quantity) == (None, 0, 3, 10)
