from django.db import migrations


def grant(apps, schema_editor):
    from core.permissions import ROLE_PERMISSIONS
    from core.roles import grant_role_permissions

    grant_role_permissions(apps, "core", ROLE_PERMISSIONS, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
