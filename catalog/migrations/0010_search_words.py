"""The vocabulary of product names that product search corrects misspellings against (catalog.models.SearchWord),
kept by PostgreSQL itself: a statement trigger on catalog_product adds the words of the rows each INSERT or UPDATE
wrote (a bulk load of a thousand products runs it once), whatever wrote them (the admin, imports, seed_demo,
update()). The words are the 'simple' text search configuration's (lower-cased, split as the full-text search
splits), three characters or more and not numbers. Filled here from the products already there, with a trigram GIN
index (pg_trgm, migration 0006) for the corrections.

On SQLite the table stays empty: its search has no spelling correction.
"""

from django.db import migrations, models

TABLE = "catalog_searchword"
WORDS_OF = """
    SELECT DISTINCT lexeme FROM {rows}, unnest(to_tsvector('simple', coalesce({rows}.name_en, '') || ' '
                                                           || coalesce({rows}.name_fr, '')))
    WHERE length(lexeme) BETWEEN 3 AND 100 AND lexeme !~ '^[0-9]+$'
"""
POSTGRES_FORWARD = [
    f"CREATE INDEX {TABLE}_trgm ON {TABLE} USING gin (word gin_trgm_ops)",
    f"""
    CREATE FUNCTION {TABLE}_collect() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {TABLE} (word) {WORDS_OF.format(rows="written")} ON CONFLICT (word) DO NOTHING;
        RETURN NULL;
    END;
    $$
    """,
    f"""
    CREATE TRIGGER {TABLE}_collect_inserted AFTER INSERT ON catalog_product
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_collect()
    """,
    f"""
    CREATE TRIGGER {TABLE}_collect_updated AFTER UPDATE ON catalog_product
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_collect()
    """,
    f"INSERT INTO {TABLE} (word) {WORDS_OF.format(rows='catalog_product')} ON CONFLICT (word) DO NOTHING",
    # Trigram indexes on the product names, made by an earlier draft of 0008: the search no longer compares the
    # query with every name.
    "DROP INDEX IF EXISTS product_name_en_trgm",
    "DROP INDEX IF EXISTS product_name_fr_trgm",
]
POSTGRES_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {TABLE}_collect_inserted ON catalog_product",
    f"DROP TRIGGER IF EXISTS {TABLE}_collect_updated ON catalog_product",
    f"DROP FUNCTION IF EXISTS {TABLE}_collect()",
    f"DROP INDEX IF EXISTS {TABLE}_trgm",
]


def vocabulary_keep(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_FORWARD:
            schema_editor.execute(sql, params=None)


def vocabulary_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in POSTGRES_BACKWARD:
            schema_editor.execute(sql, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0009_product_listable_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=100, primary_key=True, serialize=False, verbose_name='word')),
            ],
            options={
                'verbose_name': 'search word',
                'verbose_name_plural': 'search words',
            },
        ),
        migrations.RunPython(vocabulary_keep, vocabulary_drop, elidable=False),
    ]
