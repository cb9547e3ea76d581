from django.db import migrations


def add_kinds(apps, schema_editor):
    from thidua.org.defaults import UNIT_KINDS

    UnitKind = apps.get_model("org", "UnitKind")
    for code, name, sector, order in UNIT_KINDS:
        UnitKind.objects.get_or_create(code=code, defaults={"name": name, "sector": sector,
                                                            "order": order})


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
