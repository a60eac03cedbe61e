"""GIN indexes for ticket full-text search on PostgreSQL (``tickets.selectors.ticket_search``).

The expressions are exactly those Django writes for ``SearchVector(field, config="simple")``
so that the planner uses them. Other databases get nothing (SQLite searches with LIKE)."""

from django.db import migrations

INDEXES = {
    "ticket_title_fts_idx": ("tickets_ticket", "title"),
    "ticket_event_body_fts_idx": ("tickets_ticketevent", "body"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f"USING gin (to_tsvector('simple'::regconfig, COALESCE({column}, '')))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
