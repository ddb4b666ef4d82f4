"""The stock ledger (inventory_stockmovement) is append-only in the database itself, not only in StockMovement.save()
and delete(): a bulk QuerySet.update()/delete(), raw SQL or another client is refused too.

- PostgreSQL: a BEFORE UPDATE OR DELETE row trigger raises (SQLSTATE 23001, restrict_violation: Django raises
  IntegrityError).
- SQLite: a BEFORE UPDATE and a BEFORE DELETE row trigger RAISE(ABORT) (IntegrityError too).

The one change a ledger line accepts: forgetting who recorded it when that user account is deleted
(created_by is on_delete=SET_NULL), every other column unchanged. The line, its quantities and its date stay.
Nothing else in the shop deletes or edits a ledger line: the SKU, the location and the stock level are PROTECTed by
their movements, and a privacy erasure anonymises the account without deleting it.

Emptying the whole table stays possible, so that `manage.py flush` and the test suite's flush between transactional
tests work: PostgreSQL flushes with TRUNCATE, which fires no row trigger; on SQLite flush issues DELETE FROM, so the
inventory app's `flush` command (inventory/management/commands/flush.py) drops the triggers whose name contains
"_append_only", empties the tables and creates them again, in one transaction.

On SQLite a later migration that rebuilds this table (Django's SQLite schema editor copies it into a new table for
many column changes) drops the triggers with the old table: such a migration must create them again
(inventory/tests/test_ledger_append_only.py fails until it does).
"""

from django.db import migrations

TABLE = "inventory_stockmovement"
REFUSED = "Stock movements are append-only: a ledger line cannot be {}; record a correction instead."

POSTGRES_FORWARD = [
    f"""
    CREATE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- The user who recorded the line was deleted (created_by: on_delete=SET_NULL); nothing else changes.
        IF TG_OP = 'UPDATE' AND OLD.created_by_id IS NOT NULL AND NEW.created_by_id IS NULL
           AND to_jsonb(NEW) - 'created_by_id' = to_jsonb(OLD) - 'created_by_id' THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION USING ERRCODE = 'restrict_violation', MESSAGE = CASE TG_OP
            WHEN 'DELETE' THEN '{REFUSED.format("deleted")}' ELSE '{REFUSED.format("changed")}' END;
    END;
    $$
    """,
    f"""
    CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only()
    """,
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only()",
]


def sqlite_forward(columns: list[str]) -> list[str]:
    unchanged = " AND ".join(f"NEW.{column} IS OLD.{column}" for column in columns if column != '"created_by_id"')
    return [
        f"""
        CREATE TRIGGER {TABLE}_append_only_update BEFORE UPDATE ON {TABLE} FOR EACH ROW
        WHEN NOT (OLD.created_by_id IS NOT NULL AND NEW.created_by_id IS NULL AND {unchanged})
        BEGIN
            SELECT RAISE(ABORT, '{REFUSED.format("changed")}');
        END
        """,
        f"""
        CREATE TRIGGER {TABLE}_append_only_delete BEFORE DELETE ON {TABLE} FOR EACH ROW
        BEGIN
            SELECT RAISE(ABORT, '{REFUSED.format("deleted")}');
        END
        """,
    ]


SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_delete",
]


def ledger_lock(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = POSTGRES_FORWARD
    elif vendor == "sqlite":
        model = apps.get_model("inventory", "StockMovement")
        statements = sqlite_forward([schema_editor.quote_name(f.column) for f in model._meta.concrete_fields])
    else:
        raise NotImplementedError(f"No append-only trigger for the stock ledger on {vendor}.")
    for sql in statements:
        schema_editor.execute(sql, params=None)


def ledger_unlock(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, []):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0005_stock_movement_request_fingerprint'),
    ]

    operations = [
        migrations.RunPython(ledger_lock, ledger_unlock, elidable=False),
    ]
