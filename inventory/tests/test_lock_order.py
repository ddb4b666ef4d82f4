"""The lock order of the stock services, read from the SQL they send (Postgres: SQLite has no FOR UPDATE).

Two transactions that lock the same stock rows in different orders can deadlock; locking every row a change needs
in primary-key order, before writing any of them, makes them queue instead. The thread races only catch a wrong
order when the threads happen to overlap; these tests catch it every time: the rows are laid out so that the
model's default ordering (SKU, then location priority) is the reverse of their pk order.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import VariantFactory
from inventory import services
from inventory.models import Stock
from inventory.tests.factories import WarehouseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

STOCK_LOCK = re.compile(r'SELECT .+ FROM "inventory_stock" .*FOR UPDATE( OF "inventory_stock")?', re.S)
IN_PK_ORDER = re.compile(r' ORDER BY "inventory_stock"\."id" ASC FOR UPDATE( OF "inventory_stock")?$')
STOCK_UPDATE = re.compile(r'UPDATE "inventory_stock" SET .+ WHERE "inventory_stock"\."id" = (\d+)', re.S)


@pytest.fixture
def rows():
    """Two SKUs with 2 units at each of two warehouses; {(sku, location code): stock row} in pk order."""
    far = WarehouseFactory(code="far", priority=5)
    near = WarehouseFactory(code="near", priority=0)
    kettle, mug = VariantFactory(sku="KETTLE"), VariantFactory(sku="MUG")
    layout = {}
    for variant in (mug, kettle):
        for location in (far, near):
            services.stock_receive(variant=variant, location=location, quantity=2)
            layout[(variant.sku, location.code)] = Stock.objects.get(variant=variant, location=location)
    pks = [stock.pk for stock in layout.values()]
    # The premise: without an explicit order_by("pk") the rows would come (and be locked) in the reverse order.
    assert pks == sorted(pks)
    assert list(Stock.objects.filter(pk__in=pks).values_list("pk", flat=True)) == pks[::-1]
    return layout


def stock_writes(queries) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """(position, SQL) of each SELECT … FOR UPDATE of stock rows, and (position, stock id) of each UPDATE of one."""
    sqls = [query["sql"] for query in queries]
    locks = [(at, sql) for at, sql in enumerate(sqls) if STOCK_LOCK.fullmatch(sql)]
    updates = [(at, int(match[1])) for at, sql in enumerate(sqls) if (match := STOCK_UPDATE.fullmatch(sql))]
    return locks, updates


def rows_locked_by(sql: str) -> list[int]:
    """Run a captured locking SELECT again: the ids of the rows it locks, in the order Postgres locks them (the
    row locks are taken on the sorted rows)."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def assert_one_lock_in_pk_order_before_any_write(queries, *, locked: list[int], written: set[int]):
    locks, updates = stock_writes(queries)
    assert len(locks) == 1, [sql for _at, sql in locks]
    [(lock_at, lock_sql)] = locks
    assert IN_PK_ORDER.search(lock_sql), lock_sql
    assert rows_locked_by(lock_sql) == locked  # every row the change needs, in ascending pk order
    assert {stock_id for _at, stock_id in updates} == written
    assert all(lock_at < update_at for update_at, _stock_id in updates)  # nothing written before all are locked


def test_a_reservation_of_two_skus_from_two_warehouses_locks_all_four_rows_in_pk_order_before_writing(rows):
    kettle, mug = rows[("KETTLE", "near")].variant_id, rows[("MUG", "near")].variant_id
    every_row = [stock.pk for stock in rows.values()]

    with CaptureQueriesContext(connection) as captured:
        allocations = services.stock_reserve(lines=[(kettle, 3), (mug, 3)], reference="ORDER-1")

    assert len(allocations) == 4  # 2 near + 1 far of each SKU: all four rows change
    assert_one_lock_in_pk_order_before_any_write(captured.captured_queries, locked=every_row, written=set(every_row))


@pytest.mark.parametrize("service", [services.stock_release, services.stock_ship], ids=["release", "ship"])
def test_releasing_or_shipping_an_order_locks_its_rows_in_pk_order_before_writing(rows, service):
    kettle, mug = rows[("KETTLE", "near")].variant_id, rows[("MUG", "near")].variant_id
    allocations = services.stock_reserve(lines=[(kettle, 3), (mug, 3)], reference="ORDER-1")
    every_row = [stock.pk for stock in rows.values()]

    with CaptureQueriesContext(connection) as captured:
        service(allocations=allocations[::-1], reference="ORDER-1")  # in no particular order

    assert_one_lock_in_pk_order_before_any_write(captured.captured_queries, locked=every_row, written=set(every_row))


def test_a_transfer_locks_both_locations_in_pk_order_before_moving_anything(rows):
    source, destination = rows[("MUG", "near")], rows[("MUG", "far")]  # the source's row is the newer one
    assert destination.pk < source.pk

    with CaptureQueriesContext(connection) as captured:
        services.stock_transfer(variant=source.variant, source=source.location, destination=destination.location,
                                quantity=1)

    assert_one_lock_in_pk_order_before_any_write(captured.captured_queries, locked=[destination.pk, source.pk],
                                                 written={destination.pk, source.pk})


@pytest.mark.parametrize("change", [
    lambda stock: services.stock_receive(variant=stock.variant, location=stock.location, quantity=1),
    lambda stock: services.stock_sell_in_store(variant=stock.variant, location=stock.location, quantity=1),
    lambda stock: services.stock_return(variant=stock.variant, location=stock.location, quantity=1),
    lambda stock: services.stock_return_write_off(variant=stock.variant, location=stock.location, quantity=1),
    lambda stock: services.stock_correct(variant=stock.variant, location=stock.location, counted=5),
], ids=["receive", "sell in store", "return", "return written off", "correct"])
def test_a_change_to_one_stock_row_locks_it_before_writing_it(rows, change):
    stock = rows[("MUG", "far")]

    with CaptureQueriesContext(connection) as captured:
        change(stock)

    locks, updates = stock_writes(captured.captured_queries)
    assert len(locks) == 1
    [(lock_at, lock_sql)] = locks
    assert rows_locked_by(lock_sql) == [stock.pk]
    assert updates and {stock_id for _at, stock_id in updates} == {stock.pk}
    assert all(lock_at < update_at for update_at, _stock_id in updates)
