from django.db import migrations


def grant(apps, schema_editor):
    from core.roles import grant_role_permissions
    from performance_plans.permissions import ROLE_PERMISSIONS

    grant_role_permissions(apps, "performance_plans", ROLE_PERMISSIONS)
    PlanSettings = apps.get_model("performance_plans", "PlanSettings")
    if not PlanSettings.objects.exists():
        PlanSettings.objects.create(version=1)


class Migration(migrations.Migration):
    dependencies = [("performance_plans", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
