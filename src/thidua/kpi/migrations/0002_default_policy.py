"""The default scoring policy (Nghị định 335/2025/NĐ-CP), editable afterwards."""

from django.db import migrations


def create_default(apps, schema_editor):
    from thidua.kpi.policy import DEFAULT_POLICY

    ScoringPolicy = apps.get_model("kpi", "ScoringPolicy")
    if not ScoringPolicy.objects.filter(unit__isnull=True).exists():
        ScoringPolicy.objects.create(unit=None, name=DEFAULT_POLICY.name,
                                     rules=DEFAULT_POLICY.to_json())


class Migration(migrations.Migration):
    dependencies = [("kpi", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
