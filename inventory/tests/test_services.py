import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum

from inventory import services
from inventory.models import Stock, StockMovement
from inventory.selectors import availability_by_variant

pytestmark = pytest.mark.django_db


def ledger_totals(variant, location):
    return StockMovement.objects.filter(variant=variant, location=location).aggregate(
        on_hand=Sum("on_hand_delta"), reserved=Sum("reserved_delta")
    )


def test_receipt_adds_stock_and_writes_one_ledger_line_with_who_and_why(variant, warehouse, admin_user):
    movement = services.stock_receive(variant=variant, location=warehouse, quantity=12, user=admin_user,
                                      reason="Spring order", reference="PO-7")

    stock = Stock.objects.get(variant=variant, location=warehouse)
    assert (stock.on_hand, stock.reserved) == (12, 0)
    assert movement.kind == StockMovement.Kind.RECEIPT
    assert (movement.on_hand_delta, movement.on_hand_after) == (12, 12)
    assert movement.created_by == admin_user
    assert (movement.reason, movement.reference) == ("Spring order", "PO-7")
    assert movement.created_at is not None


def test_in_store_sale_of_the_last_unit_makes_it_unavailable_online_at_once(variant, warehouse):
    services.stock_receive(variant=variant, location=warehouse, quantity=1)
    assert availability_by_variant([variant.pk])[variant.pk].online == 1

    warehouse.kind = "store"
    warehouse.save()
    services.stock_sell_in_store(variant=variant, location=warehouse, quantity=1)

    availability = availability_by_variant([variant.pk])[variant.pk]
    assert availability.online == 0
    assert availability.message == "Out of stock online"


def test_in_store_sale_cannot_take_more_than_the_shelf_holds(variant, store):
    services.stock_receive(variant=variant, location=store, quantity=2)

    with pytest.raises(services.InsufficientStock) as error:
        services.stock_sell_in_store(variant=variant, location=store, quantity=3)

    assert "Only 2 units of MUG-1 are available at Calgary store" in str(error.value)
    assert Stock.objects.get(variant=variant, location=store).on_hand == 2
    assert StockMovement.objects.filter(kind=StockMovement.Kind.IN_STORE_SALE).count() == 0


def test_online_availability_counts_only_shipping_locations_minus_reserved(variant, warehouse, store):
    services.stock_receive(variant=variant, location=warehouse, quantity=5)
    services.stock_receive(variant=variant, location=store, quantity=4)
    services.stock_reserve(lines=[(variant.pk, 2)], reference="ORDER-1")

    availability = availability_by_variant([variant.pk])[variant.pk]

    assert availability.online == 3
    assert availability.message == "Only 3 left"
    assert [(s.name, s.quantity) for s in availability.stores] == [("Calgary store", 4)]


def test_reserve_takes_from_the_highest_priority_shipping_location_first_and_spills_over(variant, warehouse):
    from inventory.tests.factories import WarehouseFactory

    second = WarehouseFactory(name="Overflow", code="ovf", priority=5)
    services.stock_receive(variant=variant, location=warehouse, quantity=2)
    services.stock_receive(variant=variant, location=second, quantity=5)

    allocations = services.stock_reserve(lines=[(variant.pk, 4)], reference="ORDER-2")

    assert [(a.location_id, a.quantity) for a in allocations] == [(warehouse.pk, 2), (second.pk, 2)]
    assert Stock.objects.get(variant=variant, location=warehouse).reserved == 2
    assert Stock.objects.get(variant=variant, location=second).reserved == 2


def test_reserve_is_all_or_nothing_when_one_sku_is_short(variant, warehouse):
    from catalog.tests.factories import VariantFactory

    other = VariantFactory(sku="KETTLE-1")
    services.stock_receive(variant=variant, location=warehouse, quantity=5)
    services.stock_receive(variant=other, location=warehouse, quantity=1)

    with pytest.raises(services.InsufficientStock) as error:
        services.stock_reserve(lines=[(variant.pk, 2), (other.pk, 2)])

    assert error.value.shortages == {other.pk: 1}
    assert Stock.objects.get(variant=variant, location=warehouse).reserved == 0
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION).exists()


def test_release_and_ship_move_reserved_units_with_ledger_lines(variant, warehouse):
    services.stock_receive(variant=variant, location=warehouse, quantity=5)
    held = services.stock_reserve(lines=[(variant.pk, 3)], reference="ORDER-3")

    services.stock_release(allocations=[held[0].__class__(held[0].stock_id, variant.pk, warehouse.pk, 1)],
                           reference="ORDER-3")
    services.stock_ship(allocations=[held[0].__class__(held[0].stock_id, variant.pk, warehouse.pk, 2)],
                        reference="ORDER-3")

    stock = Stock.objects.get(variant=variant, location=warehouse)
    assert (stock.on_hand, stock.reserved) == (3, 0)
    assert ledger_totals(variant, warehouse) == {"on_hand": 3, "reserved": 0}


def test_transfer_writes_two_linked_lines_and_keeps_the_total(variant, warehouse, store):
    services.stock_receive(variant=variant, location=warehouse, quantity=10)

    out, into = services.stock_transfer(variant=variant, source=warehouse, destination=store, quantity=4)

    assert out.transfer_id == into.transfer_id is not None
    assert (out.on_hand_delta, into.on_hand_delta) == (-4, 4)
    assert Stock.objects.get(variant=variant, location=warehouse).on_hand == 6
    assert Stock.objects.get(variant=variant, location=store).on_hand == 4


def test_transfer_cannot_move_reserved_units(variant, warehouse, store):
    services.stock_receive(variant=variant, location=warehouse, quantity=3)
    services.stock_reserve(lines=[(variant.pk, 2)])

    with pytest.raises(services.InsufficientStock):
        services.stock_transfer(variant=variant, source=warehouse, destination=store, quantity=2)

    assert Stock.objects.get(variant=variant, location=warehouse).on_hand == 3


def test_correction_sets_on_hand_to_the_count_and_records_the_difference(variant, store):
    services.stock_receive(variant=variant, location=store, quantity=10)

    movement = services.stock_correct(variant=variant, location=store, counted=7, reason="2 broken, 1 lost")

    assert (movement.on_hand_delta, movement.on_hand_after) == (-3, 7)
    assert services.stock_correct(variant=variant, location=store, counted=7, reason="recount") is None
    assert ledger_totals(variant, store)["on_hand"] == 7


@pytest.mark.parametrize("counted", [-1, "3", 2.5, None, True])
def test_correction_refuses_a_count_that_is_not_a_whole_number_of_zero_or_more(variant, store, counted):
    services.stock_receive(variant=variant, location=store, quantity=4)

    with pytest.raises(services.StockError):
        services.stock_correct(variant=variant, location=store, counted=counted, reason="x")

    assert StockMovement.objects.count() == 1


def test_correction_cannot_go_below_what_is_reserved(variant, warehouse):
    services.stock_receive(variant=variant, location=warehouse, quantity=4)
    services.stock_reserve(lines=[(variant.pk, 3)])

    with pytest.raises(services.StockError, match="3 units are reserved"):
        services.stock_correct(variant=variant, location=warehouse, counted=2, reason="recount")


@pytest.mark.parametrize("quantity", [0, -2, 1.5, "2"])
def test_bad_quantities_are_refused_before_anything_is_written(variant, warehouse, quantity):
    with pytest.raises(services.StockError):
        services.stock_receive(variant=variant, location=warehouse, quantity=quantity)
    assert not Stock.objects.exists() or Stock.objects.get().on_hand == 0
    assert not StockMovement.objects.exists()


def test_the_database_refuses_reserved_above_on_hand_even_if_code_tried(variant, warehouse):
    services.stock_receive(variant=variant, location=warehouse, quantity=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(variant=variant).update(reserved=2)


def test_ledger_lines_cannot_be_edited_or_deleted(variant, warehouse):
    movement = services.stock_receive(variant=variant, location=warehouse, quantity=1)

    with pytest.raises(ValueError):
        movement.save()
    with pytest.raises(ValueError):
        movement.delete()


def test_ledger_sums_to_the_stock_level_after_a_mixed_day(variant, warehouse, store):
    services.stock_receive(variant=variant, location=warehouse, quantity=20)
    services.stock_transfer(variant=variant, source=warehouse, destination=store, quantity=5)
    services.stock_sell_in_store(variant=variant, location=store, quantity=2)
    services.stock_return(variant=variant, location=store, quantity=1)
    held = services.stock_reserve(lines=[(variant.pk, 4)])
    services.stock_ship(allocations=held)
    services.stock_correct(variant=variant, location=warehouse, counted=10, reason="count")

    for location in (warehouse, store):
        stock = Stock.objects.get(variant=variant, location=location)
        assert ledger_totals(variant, location) == {"on_hand": stock.on_hand, "reserved": stock.reserved}
    assert Stock.objects.get(variant=variant, location=store).on_hand == 4
