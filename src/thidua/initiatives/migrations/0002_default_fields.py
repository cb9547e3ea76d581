from django.db import migrations


def forwards(apps, schema_editor):
    from thidua.initiatives.defaults import ensure_fields

    ensure_fields(apps.get_model("initiatives", "ApplicationField"))


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
