"""Product search (catalog.search) on PostgreSQL: pg_trgm for misspellings, and GIN indexes on the full-text
vectors it searches, written as the exact expressions catalog.search uses so the planner picks them.

The indexes are not declared in Product.Meta (the search owns them, and they exist on PostgreSQL only), so they
are created here with RunPython; on other databases this migration does nothing.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import TrigramExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

# (model, index name, field, text search configuration): catalog.search.VECTORS, and the SKUs' words.
INDEXES = [
    ("Product", "product_search_name_en", "name_en", "english"),
    ("Product", "product_search_description_en", "description_en", "english"),
    ("Product", "product_search_name_fr", "name_fr", "french"),
    ("Product", "product_search_description_fr", "description_fr", "french"),
    ("ProductVariant", "variant_search_sku", "sku", "simple"),
]


def _indexes(apps):
    for model, name, field, config in INDEXES:
        yield apps.get_model("catalog", model), GinIndex(SearchVector(field, config=config), name=name)


def indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.execute(index.create_sql(model, schema_editor))


def indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.execute(index.remove_sql(model, schema_editor))


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0005_image_alt_translations"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(indexes_create, indexes_drop),
    ]
