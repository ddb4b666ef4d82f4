"""Where an online order may take its units from: only active locations that ship online orders. A store that
does not ship keeps its shelf for its counter, and a closed (inactive) location holds nothing for anyone."""

import pytest

from inventory import services
from inventory.models import Stock, StockMovement
from inventory.tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db


def held(variant):
    return dict(Stock.objects.filter(variant=variant).values_list("location__code", "reserved"))


def test_units_only_at_a_store_that_does_not_ship_cannot_be_reserved_online(variant, store):
    services.stock_receive(variant=variant, location=store, quantity=4)

    with pytest.raises(services.InsufficientStock) as error:
        services.stock_reserve(lines=[(variant.pk, 1)], reference="ORDER-1")

    assert error.value.shortages == {variant.pk: 0}
    assert held(variant) == {"yyc": 0}
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION).exists()


def test_units_only_at_an_inactive_location_that_ships_cannot_be_reserved_online(variant):
    closed = WarehouseFactory(code="old-wh", is_active=False)
    services.stock_receive(variant=variant, location=closed, quantity=4)

    with pytest.raises(services.InsufficientStock) as error:
        services.stock_reserve(lines=[(variant.pk, 1)], reference="ORDER-1")

    assert error.value.shortages == {variant.pk: 0}
    assert held(variant) == {"old-wh": 0}
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION).exists()


def test_a_backorderable_sku_held_only_where_it_cannot_ship_is_all_backordered(variant, store):
    closed = WarehouseFactory(code="old-wh", priority=0, is_active=False)
    services.stock_receive(variant=variant, location=store, quantity=4)
    services.stock_receive(variant=variant, location=closed, quantity=4)

    allocations = services.stock_reserve(lines=[(variant.pk, 3)], reference="ORDER-1",
                                         backorderable=frozenset({variant.pk}))

    assert allocations == []  # nothing held: the caller records all 3 as backordered
    assert held(variant) == {"yyc": 0, "old-wh": 0}
    assert not StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION).exists()


def test_only_the_shipping_warehouse_counts_when_a_store_and_a_closed_warehouse_hold_more(variant, warehouse, store):
    # 2 at the warehouse that ships, 5 at the store that does not, 6 at a warehouse that is closed; the closed one
    # and the store come first by priority number, so a rule that forgot either would take from them first.
    closed = WarehouseFactory(code="old-wh", priority=0, is_active=False)
    store.priority = 0
    store.save()
    warehouse.priority = 9
    warehouse.save()
    services.stock_receive(variant=variant, location=warehouse, quantity=2)
    services.stock_receive(variant=variant, location=store, quantity=5)
    services.stock_receive(variant=variant, location=closed, quantity=6)

    with pytest.raises(services.InsufficientStock) as error:
        services.stock_reserve(lines=[(variant.pk, 3)], reference="ORDER-1")
    assert error.value.shortages == {variant.pk: 2}
    assert held(variant) == {"wh": 0, "yyc": 0, "old-wh": 0}

    allocations = services.stock_reserve(lines=[(variant.pk, 2)], reference="ORDER-2")

    assert [(a.location_id, a.quantity) for a in allocations] == [(warehouse.pk, 2)]
    assert held(variant) == {"wh": 2, "yyc": 0, "old-wh": 0}
    assert list(StockMovement.objects.filter(kind=StockMovement.Kind.ONLINE_RESERVATION)
                .values_list("location__code", "reserved_delta", "reference")) == [("wh", 2, "ORDER-2")]
