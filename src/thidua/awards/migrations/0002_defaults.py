"""The shipped catalogue of titles and forms and the base salary (defaults.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from thidua.awards.defaults import ensure_catalogue

    ensure_catalogue(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0001_initial"),
        ("org", "0002_default_unit_kinds"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
