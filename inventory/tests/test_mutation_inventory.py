"""Boundaries of the stock rules that only mutation testing (make mutation) showed untested."""

import pytest
from django.urls import reverse

from inventory import services
from inventory.models import Stock, StockMovement

pytestmark = pytest.mark.django_db


@pytest.fixture
def warehouse_staff(client, staff_in):
    client.force_login(staff_in("Warehouse"))


def record(client, kind, **data):
    return client.post(reverse("admin:inventory_stock_record", args=[kind]), data, follow=True)


def test_staff_can_transfer_every_unit_a_location_has(client, warehouse_staff, variant, warehouse, store):
    services.stock_receive(variant=variant, location=warehouse, quantity=5)

    response = record(client, "transfer", variant="MUG-1", source=warehouse.pk, destination=store.pk, quantity=5)

    assert "Transfer recorded: MUG-1 at Calgary store, on hand now 5 (5 available)." in response.content.decode()
    assert Stock.objects.get(variant=variant, location=warehouse).on_hand == 0


def test_a_count_of_zero_empties_the_shelf(client, warehouse_staff, variant, store):
    services.stock_receive(variant=variant, location=store, quantity=3)

    response = record(client, "correction", variant="MUG-1", location=store.pk, counted=0, reason="all broken")

    assert "Count correction recorded: MUG-1 at Calgary store, on hand now 0 (0 available)." in (
        response.content.decode())
    assert Stock.objects.get(variant=variant, location=store).on_hand == 0


def test_a_count_equal_to_the_units_reserved_online_is_accepted(client, warehouse_staff, variant, warehouse):
    services.stock_receive(variant=variant, location=warehouse, quantity=5)
    services.stock_reserve(lines=[(variant.pk, 2)])

    response = record(client, "correction", variant="MUG-1", location=warehouse.pk, counted=2, reason="recount")

    assert "Count correction recorded: MUG-1 at Calgary Warehouse, on hand now 2 (0 available)." in (
        response.content.decode())
    assert Stock.objects.get(variant=variant, location=warehouse).on_hand == 2


def test_a_negative_count_is_refused_for_what_it_is_not_for_the_reserved_units(variant, store):
    services.stock_receive(variant=variant, location=store, quantity=3)

    with pytest.raises(services.StockError, match=r"^The counted quantity must be a whole number, zero or more\.$"):
        services.stock_correct(variant=variant, location=store, counted=-1, reason="x")

    assert StockMovement.objects.count() == 1


def test_a_bulk_receipt_with_a_line_of_no_units_is_refused_whole(variant, warehouse, store):
    with pytest.raises(services.StockError, match="greater than zero"):
        services.stock_receive_many(lines=[(variant.pk, warehouse.pk, 4), (variant.pk, store.pk, 0)])

    assert (Stock.objects.count(), StockMovement.objects.count()) == (0, 0)


def test_a_ledger_line_keeps_the_first_255_characters_of_the_reason_and_64_of_the_reference(variant, warehouse):
    movement = services.stock_receive(variant=variant, location=warehouse, quantity=1, reason="r" * 300,
                                      reference="P" * 80)

    movement.refresh_from_db()
    assert (movement.reason, movement.reference) == ("r" * 255, "P" * 64)


def test_reserve_takes_the_last_unit_from_the_next_location_when_the_first_runs_out(variant, warehouse):
    from inventory.tests.factories import WarehouseFactory

    second = WarehouseFactory(name="Overflow", code="ovf", priority=5)
    services.stock_receive(variant=variant, location=warehouse, quantity=2)
    services.stock_receive(variant=variant, location=second, quantity=5)

    allocations = services.stock_reserve(lines=[(variant.pk, 3)], reference="ORDER-4")

    assert [(a.location_id, a.quantity) for a in allocations] == [(warehouse.pk, 2), (second.pk, 1)]
    assert Stock.objects.get(variant=variant, location=second).reserved == 1


def two_held(variant, warehouse, store):
    """Two allocations of an order, the second asking for more units than its location still holds reserved."""
    services.stock_receive(variant=variant, location=warehouse, quantity=3)
    held = services.stock_reserve(lines=[(variant.pk, 2)], reference="ORDER-5")[0]
    other = services.stock_receive(variant=variant, location=store, quantity=1).stock
    short = services.Allocation(other.pk, variant.pk, store.pk, 1)
    return held, short


def test_a_release_that_cannot_give_back_one_allocation_gives_back_none(variant, warehouse, store):
    held, short = two_held(variant, warehouse, store)

    with pytest.raises(services.StockError, match="nothing was released"):
        services.stock_release(allocations=[held, short], reference="ORDER-5")

    assert Stock.objects.get(variant=variant, location=warehouse).reserved == 2
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RELEASE).exists()


def test_a_shipment_that_cannot_take_one_allocation_takes_none(variant, warehouse, store):
    held, short = two_held(variant, warehouse, store)

    with pytest.raises(services.StockError, match="nothing was shipped"):
        services.stock_ship(allocations=[held, short], reference="ORDER-5")

    stock = Stock.objects.get(variant=variant, location=warehouse)
    assert (stock.on_hand, stock.reserved) == (3, 2)
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_SALE).exists()
