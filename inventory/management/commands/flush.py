"""`flush` that keeps the stock ledger's append-only triggers working on SQLite.

The ledger (inventory_stockmovement) refuses UPDATE and DELETE in the database (migration 0006). PostgreSQL's flush
empties tables with TRUNCATE, which fires no row trigger, so nothing changes there. SQLite's flush empties each
table with DELETE FROM, which the BEFORE DELETE trigger would refuse; this command sets aside the triggers whose
name contains "_append_only" while the tables are emptied, and creates them again as they were, in the same
transaction: a flush that fails leaves them in place. Django's test suite flushes through this command too (after
every transactional test), so it keeps working on both databases.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

GUARD_MARK = "_append_only"


def _guard_triggers(connection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of each append-only trigger of this SQLite database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND instr(name, %s) > 0 "
                       "ORDER BY name", [GUARD_MARK])
        return cursor.fetchall()


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        execute_sql_flush = connection.ops.execute_sql_flush

        def execute_sql_flush_with_guards_set_aside(sql_list):
            with transaction.atomic(using=connection.alias):
                guards = _guard_triggers(connection) if sql_list else []
                with connection.cursor() as cursor:
                    for name, _create in guards:
                        cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
                execute_sql_flush(sql_list)
                with connection.cursor() as cursor:
                    for _name, create in guards:
                        cursor.execute(create)

        connection.ops.execute_sql_flush = execute_sql_flush_with_guards_set_aside
        try:
            return super().handle(**options)
        finally:
            del connection.ops.execute_sql_flush
