from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import grant_role_permissions
    from meetings.permissions import ROLE_PERMISSIONS

    grant_role_permissions(apps, "meetings", ROLE_PERMISSIONS, strict=False)
    ReminderSettings = apps.get_model("meetings", "ReminderSettings")
    if not ReminderSettings.objects.exists():
        ReminderSettings.objects.create(version=1)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
