from django.db import migrations


def grant(apps, schema_editor):
    from core.permissions import PACKAGE_ROLE_PERMISSIONS
    from core.roles import grant_role_permissions

    grant_role_permissions(apps, "knox", PACKAGE_ROLE_PERMISSIONS["knox"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_closureday"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
