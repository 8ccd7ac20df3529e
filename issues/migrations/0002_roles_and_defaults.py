from django.db import migrations

#: The default bands of DOMAIN rule 1: name, scores, notify days, plan days, report to CoMC.
DEFAULT_BANDS = [
    ("Low", 1, 2, None, None, False),
    ("Medium", 3, 4, 5, 10, False),
    ("High", 6, 9, 0, 2, True),
]


def grant_and_seed(apps, schema_editor):
    from core.roles import grant_role_permissions
    from issues.permissions import ROLE_PERMISSIONS

    grant_role_permissions(apps, "issues", ROLE_PERMISSIONS)
    ScoringMatrix = apps.get_model("issues", "ScoringMatrix")
    Band = apps.get_model("issues", "Band")
    BreachPolicy = apps.get_model("issues", "BreachPolicy")
    matrix, created = ScoringMatrix.objects.get_or_create(version=1)
    if created:
        for name, low, high, notify, plan, comc in DEFAULT_BANDS:
            Band.objects.create(
                matrix=matrix,
                name=name,
                min_score=low,
                max_score=high,
                notify_days=notify,
                plan_days=plan,
                report_to_comc=comc,
            )
    BreachPolicy.objects.get_or_create(version=1)


class Migration(migrations.Migration):
    dependencies = [
        ("issues", "0001_initial"),
        ("core", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_and_seed, migrations.RunPython.noop)]
