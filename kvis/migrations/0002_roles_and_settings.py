from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import grant_role_permissions
    from kvis.permissions import ROLE_PERMISSIONS

    grant_role_permissions(apps, "kvis", ROLE_PERMISSIONS, strict=False)
    RagSettings = apps.get_model("kvis", "RagSettings")
    if not RagSettings.objects.exists():
        RagSettings.objects.create(version=1)


class Migration(migrations.Migration):
    dependencies = [("kvis", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
