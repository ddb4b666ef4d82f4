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


def test_a_receipt_stands_and_is_answered_when_refreshing_the_cached_pages_fails(
    client, warehouse_staff, variant, warehouse, monkeypatch, django_capture_on_commit_callbacks
):
    def cache_down(**_ids):
        raise ConnectionError("cache server unreachable")

    monkeypatch.setattr(services, "catalog_pages_refresh_after_stock_change", cache_down)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = record(client, "receipt", variant="MUG-1", location=warehouse.pk, quantity=4)

    assert any(getattr(c, "func", None) is cache_down for c in callbacks)  # tried, after the commit
    assert response.status_code == 200
    assert "Receipt recorded: MUG-1 at" in response.content.decode()
    assert Stock.objects.get(variant=variant, location=warehouse).on_hand == 4


def test_a_bulk_receipt_writes_one_ledger_line_per_shelf_with_nothing_reserved(variant, warehouse, store):
    services.stock_receive_many(lines=[(variant.pk, warehouse.pk, 4), (variant.pk, store.pk, 2)], reference="IMPORT")

    assert sorted(StockMovement.objects.values_list("location_id", "kind", "on_hand_delta", "on_hand_after",
                                                    "reserved_after", "reference")) == sorted([
        (warehouse.pk, StockMovement.Kind.RECEIPT, 4, 4, 0, "IMPORT"),
        (store.pk, StockMovement.Kind.RECEIPT, 2, 2, 0, "IMPORT"),
    ])


def test_a_bulk_receipt_whose_ledger_cannot_be_written_leaves_no_stock(variant, warehouse, store, monkeypatch):
    from django.db import DatabaseError

    def disk_full(*args, **kwargs):
        raise DatabaseError("could not extend file")

    monkeypatch.setattr(StockMovement.objects, "bulk_create", disk_full)

    with pytest.raises(DatabaseError):
        services.stock_receive_many(lines=[(variant.pk, warehouse.pk, 4), (variant.pk, store.pk, 2)])

    assert not Stock.objects.filter(variant=variant).exists()  # no units without their ledger lines


STOCK_CHANGES = {
    "return": lambda v, a, b: services.stock_return(variant=v, location=a, quantity=2),
    "damaged return": lambda v, a, b: services.stock_return_write_off(variant=v, location=a, quantity=2),
    "count": lambda v, a, b: services.stock_correct(variant=v, location=a, counted=7),
    "receipt": lambda v, a, b: services.stock_receive(variant=v, location=a, quantity=2),
    "in-store sale": lambda v, a, b: services.stock_sell_in_store(variant=v, location=a, quantity=2),
    "transfer": lambda v, a, b: services.stock_transfer(variant=v, source=a, destination=b, quantity=2),
}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", STOCK_CHANGES)
def test_each_stock_change_called_outside_a_transaction_takes_one_for_its_row_locks(variant, warehouse, store,
                                                                                     change):
    """A job or a management command calls the services in autocommit mode: each opens its own transaction, or
    PostgreSQL could not hold its SELECT ... FOR UPDATE (Django refuses it outside one)."""
    services.stock_receive(variant=variant, location=warehouse, quantity=5)
    before = StockMovement.objects.count()

    STOCK_CHANGES[change](variant, warehouse, store)

    assert StockMovement.objects.count() > before
