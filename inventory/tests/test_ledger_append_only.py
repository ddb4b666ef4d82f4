"""The stock ledger is append-only in the database (migration 0006), on PostgreSQL and on SQLite: bulk updates and
deletes, and raw SQL, are refused like save() and delete() on a line; only the deletion of the account that recorded
a line may clear who recorded it; flushing the whole database still works."""

import datetime
import uuid

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from catalog.tests.factories import VariantFactory
from inventory import services
from inventory.models import StockMovement
from inventory.tests.factories import WarehouseFactory

CHANGED = "Stock movements are append-only: a ledger line cannot be changed; record a correction instead."
DELETED = "Stock movements are append-only: a ledger line cannot be deleted; record a correction instead."
TABLE = connection.ops.quote_name(StockMovement._meta.db_table)


def snapshot():
    """Every column of every ledger line, by id."""
    return {row["id"]: row for row in StockMovement.objects.values()}


@pytest.fixture
def ledger(db, django_user_model, warehouse, store):
    """(first, second): mugs received at the warehouse, recorded by Ana; kettles moved into the store by Ben (they
    were received at another warehouse, recorded by nobody)."""
    ana = django_user_model.objects.create_user("ana")
    ben = django_user_model.objects.create_user("ben")
    mug, kettle = VariantFactory(sku="MUG-1"), VariantFactory(sku="KET-1")
    first = services.stock_receive(variant=mug, location=warehouse, quantity=5, user=ana, reason="Spring order",
                                   reference="PO-7", idempotency_key="till-1", request_fingerprint="a" * 64)
    services.stock_receive(variant=kettle, location=WarehouseFactory(code="other"), quantity=3)
    _out, second = services.stock_transfer(variant=kettle, source=kettle.stocks.get().location, destination=store,
                                           quantity=2, user=ben, reason="Restock", reference="TR-1")
    return first, second


def refused(statement, message=CHANGED):
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        statement()
    assert message in str(error.value)


def test_a_bulk_update_of_ledger_lines_is_refused_and_changes_nothing(ledger):
    before = snapshot()

    refused(lambda: StockMovement.objects.filter(kind=StockMovement.Kind.RECEIPT).update(on_hand_delta=500))
    refused(lambda: StockMovement.objects.update(reason="tidied up"))

    assert snapshot() == before


def test_a_bulk_delete_of_ledger_lines_is_refused_and_deletes_nothing(ledger):
    before = snapshot()

    refused(lambda: StockMovement.objects.filter(reference="PO-7").delete(), DELETED)
    refused(lambda: StockMovement.objects.all().delete(), DELETED)

    assert snapshot() == before


def test_raw_sql_cannot_edit_or_delete_a_ledger_line(ledger):
    first, _second = ledger
    before = snapshot()

    def raw(sql, params):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
        return run

    refused(raw(f"UPDATE {TABLE} SET on_hand_delta = %s, on_hand_after = %s WHERE id = %s", [50, 50, first.pk]))
    refused(raw(f"DELETE FROM {TABLE} WHERE id = %s", [first.pk]), DELETED)
    refused(raw(f"DELETE FROM {TABLE}", []), DELETED)

    assert snapshot() == before


# A new value for each column of the first line that the database would otherwise accept (types, foreign keys,
# unique and check constraints). A column added to StockMovement must be added here, and to the SQLite trigger.
NEW_VALUES = {
    "id": lambda first, second: first.pk + 1000,
    "stock": lambda first, second: second.stock_id,
    "variant": lambda first, second: second.variant_id,
    "location": lambda first, second: second.location_id,
    "kind": lambda first, second: StockMovement.Kind.CORRECTION,
    "on_hand_delta": lambda first, second: first.on_hand_delta + 1,
    "reserved_delta": lambda first, second: first.reserved_delta + 1,
    "on_hand_after": lambda first, second: first.on_hand_after + 1,
    "reserved_after": lambda first, second: first.reserved_after + 1,
    "reason": lambda first, second: "tidied up",
    "reference": lambda first, second: "PO-8",
    "transfer_id": lambda first, second: uuid.uuid4(),
    "idempotency_key": lambda first, second: "till-2",
    "request_fingerprint": lambda first, second: "b" * 64,
    "unit_price": lambda first, second: 1234,  # cents: a price on a line that had none
    "created_by": lambda first, second: second.created_by_id,
    "created_at": lambda first, second: first.created_at - datetime.timedelta(days=1),
}


COLUMNS = [f.name for f in StockMovement._meta.concrete_fields]


@pytest.mark.parametrize("field, forgetting_who", [
    *[pytest.param(name, False, id=name) for name in COLUMNS],
    # The one change allowed (created_by set to NULL) must not carry another one with it.
    *[pytest.param(name, True, id=f"{name} while forgetting who") for name in COLUMNS if name != "created_by"],
])
def test_no_column_of_a_ledger_line_can_be_changed_even_by_raw_sql(ledger, field, forgetting_who):
    first, second = ledger
    model_field = StockMovement._meta.get_field(field)
    changes = {model_field.column: model_field.get_db_prep_save(NEW_VALUES[field](first, second), connection)}
    if forgetting_who:
        changes["created_by_id"] = None
    before = snapshot()

    def change():
        assignments = ", ".join(f"{connection.ops.quote_name(column)} = %s" for column in changes)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET {assignments} WHERE id = %s", [*changes.values(), first.pk])

    refused(change)
    assert snapshot() == before


def test_every_column_of_the_ledger_is_covered_by_the_test_above():
    assert set(NEW_VALUES) == set(COLUMNS)


def test_deleting_the_account_that_recorded_a_line_keeps_the_line_and_forgets_only_who(ledger, django_user_model):
    first, second = ledger
    before = snapshot()

    django_user_model.objects.get(username="ana").delete()

    after = snapshot()
    assert after[first.pk] == {**before[first.pk], "created_by_id": None}
    assert after[second.pk] == before[second.pk]


def test_who_recorded_a_line_can_be_forgotten_but_never_changed_to_someone_else(ledger):
    first, second = ledger
    before = snapshot()

    refused(lambda: StockMovement.objects.filter(pk=first.pk).update(created_by_id=second.created_by_id))
    refused(lambda: StockMovement.objects.filter(pk=first.pk).update(created_by=None, reason="who?"))
    nobody = StockMovement.objects.get(reference="", created_by__isnull=True, kind=StockMovement.Kind.RECEIPT)
    refused(lambda: StockMovement.objects.filter(pk=nobody.pk).update(created_by_id=first.created_by_id))

    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_flushing_the_database_empties_the_ledger_and_it_is_append_only_again_afterwards():
    location = WarehouseFactory(code="wh")
    services.stock_receive(variant=VariantFactory(sku="MUG-1"), location=location, quantity=5)

    call_command("flush", interactive=False, verbosity=0)  # what the test suite does after a transactional test

    assert not StockMovement.objects.exists()
    services.stock_receive(variant=VariantFactory(sku="MUG-2"), location=WarehouseFactory(code="wh"), quantity=2)
    refused(lambda: StockMovement.objects.all().delete(), DELETED)
    refused(lambda: StockMovement.objects.update(reason="tidied up"))
    assert StockMovement.objects.count() == 1
