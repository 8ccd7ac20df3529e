"""Which register sections each committee's pack carries, and in what order: data an admin
edits (`CommitteePackSection`), seeded by a data migration. A committee with no rows gets the
registry's defaults, so a new committee's pack is never empty by accident."""

from __future__ import annotations

from django.db import models

from kvis import registry


class CommitteePackSection(models.Model):
    """One register section of one committee's monthly pack, at a position."""

    committee = models.ForeignKey(
        "core.Committee", on_delete=models.CASCADE, related_name="pack_sections"
    )
    key = models.CharField(
        max_length=60, help_text="A registered pack section, e.g. issues.breaches."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "kvis"
        ordering = ["committee", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "key"], name="pack_section_once_per_committee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.committee.code}: {self.title}"

    @property
    def title(self) -> str:
        section = registry.pack_section(self.key)
        return section.title if section else f"{self.key} (not installed)"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if registry.pack_section(self.key) is None:
            raise ValidationError({"key": f"No installed app provides the section {self.key}."})


def sections_for(committee) -> list[registry.PackSection]:
    """The register sections of `committee`'s pack in order: its rows, else the defaults."""
    keys = list(
        CommitteePackSection.objects.filter(committee=committee)
        .order_by("position", "key")
        .values_list("key", flat=True)
    )
    if not keys:
        return registry.pack_sections(committee.code)
    return [s for s in (registry.pack_section(k) for k in keys) if s is not None]


#: Today's sections per committee code; the PAC does not repeat CoMC's provider registers.
DEFAULT_SECTIONS = {
    "CoMC": [
        "issues.register_summary",
        "issues.breaches",
        "issues.communications",
        "surveys.scores",
    ],
    "PAC": ["plans.parties"],
}


def pack_sections_seed(committee) -> int:
    """Give a committee its default sections when it has none yet; returns rows created."""
    if CommitteePackSection.objects.filter(committee=committee).exists():
        return 0
    keys = DEFAULT_SECTIONS.get(committee.code)
    if keys is None:
        return 0
    CommitteePackSection.objects.bulk_create(
        CommitteePackSection(committee=committee, key=key, position=(n + 1) * 10)
        for n, key in enumerate(keys)
    )
    return len(keys)
