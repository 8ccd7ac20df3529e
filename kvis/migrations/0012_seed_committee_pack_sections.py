"""Seed each committee's pack sections with what its pack printed before sections were data,
less the provider registers the PAC pack repeated from CoMC's."""

from django.db import migrations

SECTIONS = {
    "CoMC": [
        "issues.register_summary",
        "issues.breaches",
        "issues.communications",
        "surveys.scores",
    ],
    "PAC": ["plans.parties"],
}


def seed(apps, schema_editor):
    Committee = apps.get_model("core", "Committee")
    Section = apps.get_model("kvis", "CommitteePackSection")
    for committee in Committee.objects.filter(code__in=SECTIONS):
        if Section.objects.filter(committee=committee).exists():
            continue
        for n, key in enumerate(SECTIONS[committee.code]):
            Section.objects.create(committee=committee, key=key, position=(n + 1) * 10)


class Migration(migrations.Migration):
    dependencies = [("kvis", "0011_committee_pack_sections")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
