"""Plain SQL for the few hot reads where building the query costs more than running it (the product page: three
one-row or few-row queries, see storefront.selectors.product_for_page). The column lists come from the models, so a
field added later is read too; values go through Model.objects.raw(), which applies each field's converters (money
in cents back to Decimal) as the ORM does."""

from django.db import connection


def columns(model, *, alias: str | None = None, exclude=()) -> str:
    """The model's concrete columns, quoted and qualified by its table (or `alias`), without those in `exclude`
    (attribute names); those are deferred on the instances raw() builds."""
    quote = connection.ops.quote_name
    table = alias or quote(model._meta.db_table)
    return ", ".join(f"{table}.{quote(field.column)}" for field in model._meta.concrete_fields
                     if field.attname not in exclude)


def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)
