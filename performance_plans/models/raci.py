"""The RACI matrix: who leads and who supports each activity of performance engagement."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords


class RaciRole(models.Model):
    """A role in the RACI matrix. Its people are the members of a Django group (PAFA, Customer
    Ops) and/or the named contacts listed here (e.g. the CAMs, who have no portal role)."""

    key = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100)
    group_name = models.CharField(
        max_length=150, blank=True, help_text="Django group whose members hold this role."
    )
    contact_emails = models.TextField(
        blank=True, help_text="Named contacts for this role, one e-mail address per line."
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "RACI role"

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    """An activity of performance engagement, with its lead and supporting roles."""

    key = models.SlugField(max_length=80, unique=True, help_text="Stable key other apps use.")
    name = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "activities"

    def __str__(self) -> str:
        return self.name


class Responsibility(models.TextChoices):
    LEAD = "lead", "Lead"
    SUPPORT = "support", "Supporting"


class ActivityRole(models.Model):
    """What a role does in an activity: leads it or supports it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="roles")
    role = models.ForeignKey(RaciRole, on_delete=models.PROTECT, related_name="activities")
    responsibility = models.CharField(max_length=10, choices=Responsibility)
    duties = models.TextField(help_text="What this role does in the activity.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "responsibility", "role"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "role"], name="one_cell_per_activity_role")
        ]
        verbose_name = "activity role"

    def __str__(self) -> str:
        return f"{self.role} ({self.get_responsibility_display()}) in {self.activity}"
