"""Full-text index of the bank over ``Initiative.search_text`` (folded words).

PostgreSQL: a stored generated column ``search_vector`` = to_tsvector('simple', search_text)
with a GIN index (ranking reads the stored vector instead of parsing the text of every match).
SQLite: an FTS5 external-content table over initiatives_initiative(search_text), kept in sync
by triggers, and its fts5vocab table (document frequencies for the duplicate check).
Other backends: nothing (search falls back to LIKE). The statements live in
``thidua.initiatives.search`` (``install_index``/``drop_index``, idempotent) because SQLite
drops a table's triggers when Django rebuilds the table in a later migration: the app
re-installs them after every ``migrate`` too.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.initiatives.search import install_index

    install_index(schema_editor.connection)


def backwards(apps, schema_editor):
    from thidua.initiatives.search import drop_index

    drop_index(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0002_default_fields")]
    operations = [migrations.RunPython(forwards, backwards)]
