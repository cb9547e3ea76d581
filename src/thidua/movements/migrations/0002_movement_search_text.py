from django.db import migrations, models


def fill(apps, schema_editor):
    from thidua.core.text import fold

    Movement = apps.get_model("movements", "Movement")
    for movement in Movement.objects.all():
        movement.search_text = fold(f"{movement.number}-{movement.symbol} {movement.title}")[:560]
        movement.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("movements", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="movement", name="search_text",
            field=models.CharField(db_index=True, default="", editable=False, max_length=560),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
