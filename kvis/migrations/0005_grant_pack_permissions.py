from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import grant_role_permissions
    from kvis.permissions import ROLE_PERMISSIONS

    grant_role_permissions(apps, "kvis", ROLE_PERMISSIONS, strict=False)


class Migration(migrations.Migration):
    dependencies = [("kvis", "0004_packs")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
