"""Indexes for finding a case by a fragment of a name, on PostgreSQL.

Search matches `search_name LIKE '%fragment%'`; a trigram GIN index answers that
without reading every row. Fragments shorter than a trigram are matched as a
prefix, which the text_pattern_ops index answers. SQLite, the embedded default, has no such index and
scans, which is fine at its scale. The indexes are not in the models' state
because Django cannot express "only on PostgreSQL" there.
"""

from django.db import migrations

INDEXED = [("intake_caller", "search_name"), ("intake_child", "search_name")]


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column in INDEXED:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {table}_{column}_prefix ON {table} ({column} text_pattern_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in INDEXED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_trgm")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_{column}_prefix")


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_callers_children_calls")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
