"""Stored search documents for product search (storefront.search): generated tsvector columns per site language
(the document a query matches, GIN-indexed on PostgreSQL, and the names alone, which results are ranked on),
computed by the database on every write. They replace the per-field expression indexes of 0006 (the SKUs' index
stays). And a partial index on the active SKUs by product: every listing asks whether a product has one.

The GIN indexes exist on PostgreSQL only, so they are made with RunPython and not declared in Product.Meta (as in
0006); on SQLite the columns are NULL and nothing else happens.
"""

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models

import catalog.models

OLD_INDEXES = [  # 0006: (index name, field, configuration)
    ("product_search_name_en", "name_en", "english"),
    ("product_search_description_en", "description_en", "english"),
    ("product_search_name_fr", "name_fr", "french"),
    ("product_search_description_fr", "description_fr", "french"),
]
NEW_INDEXES = [
    GinIndex(fields=["search_en"], name="product_search_en"),
    GinIndex(fields=["search_fr"], name="product_search_fr"),
]


def _old_indexes():
    for name, field, config in OLD_INDEXES:
        yield GinIndex(SearchVector(field, config=config), name=name)


def _swap(apps, schema_editor, *, drop, create):
    if schema_editor.connection.vendor != "postgresql":
        return
    product = apps.get_model("catalog", "Product")
    for index in drop:
        schema_editor.execute(index.remove_sql(product, schema_editor))
    for index in create:
        schema_editor.execute(index.create_sql(product, schema_editor))


def indexes_forward(apps, schema_editor):
    _swap(apps, schema_editor, drop=list(_old_indexes()), create=NEW_INDEXES)


def indexes_backward(apps, schema_editor):
    _swap(apps, schema_editor, drop=NEW_INDEXES, create=list(_old_indexes()))


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_money_in_cents'),
    ]

    operations = [
        migrations.AddField(
            model_name='product',
            name='search_en',
            field=catalog.models.StoredGeneratedField(db_persist=True, expression=catalog.models.SearchDocument(django.contrib.postgres.search.SearchVector('name_en', config='english', weight='A'), django.contrib.postgres.search.SearchVector('description_en', config='english', weight='D')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='product',
            name='search_fr',
            field=catalog.models.StoredGeneratedField(db_persist=True, expression=catalog.models.SearchDocument(django.contrib.postgres.search.SearchVector('name_fr', config='french', weight='A'), django.contrib.postgres.search.SearchVector('name_en', config='english', weight='B'), django.contrib.postgres.search.SearchVector('description_fr', config='french', weight='D'), django.contrib.postgres.search.SearchVector('description_en', config='english', weight='D')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='product',
            name='search_names_en',
            field=catalog.models.StoredGeneratedField(db_persist=True, expression=catalog.models.SearchDocument(django.contrib.postgres.search.SearchVector('name_en', config='english', weight='A')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddField(
            model_name='product',
            name='search_names_fr',
            field=catalog.models.StoredGeneratedField(db_persist=True, expression=catalog.models.SearchDocument(django.contrib.postgres.search.SearchVector('name_fr', config='french', weight='A'), django.contrib.postgres.search.SearchVector('name_en', config='english', weight='B')), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='productvariant',
            index=models.Index(condition=models.Q(('is_active', True)), fields=['product'], name='variant_active_product'),
        ),
        migrations.RunPython(indexes_forward, indexes_backward),
    ]
