"""Closure days are part of the shared calendar (core.calendar): copy them to core, drop ours."""

from django.db import migrations


def copy_to_core(apps, schema_editor):
    ours = apps.get_model("issues", "ClosureDay")
    theirs = apps.get_model("core", "ClosureDay")
    for row in ours.objects.all():
        theirs.objects.update_or_create(day=row.day, defaults={"reason": row.reason})


def copy_back(apps, schema_editor):
    ours = apps.get_model("issues", "ClosureDay")
    theirs = apps.get_model("core", "ClosureDay")
    for row in theirs.objects.all():
        ours.objects.update_or_create(day=row.day, defaults={"reason": row.reason})


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0003_register_indexes"),
        ("core", "0003_closureday"),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(name="HistoricalClosureDay"),
        migrations.DeleteModel(name="ClosureDay"),
    ]
