from django.db import migrations


def forwards(apps, schema_editor):
    from core.roles import grant_role_permissions
    from surveys.permissions import ROLE_PERMISSIONS
    from surveys.standard import create_standard_surveys

    grant_role_permissions(apps, "surveys", ROLE_PERMISSIONS)
    SurveySettings = apps.get_model("surveys", "SurveySettings")
    if not SurveySettings.objects.exists():
        SurveySettings.objects.create(version=1)
    create_standard_surveys(apps)


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial"), ("core", "0002_roles")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
