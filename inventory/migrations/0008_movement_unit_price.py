"""A counter sale records the price per unit the customer paid (the dashboards' revenue by store).

On SQLite the append-only triggers of 0006 name every column of the ledger line they keep unchanged: they are made
again here with the new one (on PostgreSQL the trigger compares whole rows, new columns included)."""

import importlib

from django.db import migrations

import core.money

append_only = importlib.import_module("inventory.migrations.0006_stock_movement_append_only")


def ledger_relock(apps, schema_editor):
    """The SQLite triggers again, naming the columns the ledger has at this point of the migrations."""
    if schema_editor.connection.vendor != "sqlite":
        return
    model = apps.get_model("inventory", "StockMovement")
    columns = [schema_editor.quote_name(f.column) for f in model._meta.concrete_fields]
    for sql in append_only.SQLITE_BACKWARD + append_only.sqlite_forward(columns):
        schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('inventory', '0007_stock_reorder_point'),
    ]

    operations = [
        # Backwards: once the column is gone, the triggers name the columns left.
        migrations.RunPython(migrations.RunPython.noop, ledger_relock, elidable=False),
        migrations.AddField(
            model_name='stockmovement',
            name='unit_price',
            field=core.money.MoneyField(blank=True, help_text='In-store sales: what the customer paid per unit, before taxes. Empty on other movements.', null=True, verbose_name='price per unit (CAD)'),
        ),
        migrations.RunPython(ledger_relock, migrations.RunPython.noop, elidable=False),
    ]
