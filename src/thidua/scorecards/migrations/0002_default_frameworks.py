"""The frameworks shipped with the system ("bốn tốt", party-organisation grading, "Nụ cười
công sở"); see thidua.scorecards.defaults."""

from django.db import migrations


def install(apps, schema_editor):
    from thidua.scorecards.defaults import install as install_frameworks

    install_frameworks(apps.get_model("scorecards", "Framework"),
                       apps.get_model("scorecards", "Criterion"),
                       apps.get_model("org", "UnitKind"))


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0001_initial"), ("org", "0002_default_unit_kinds")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
