"""The register configuration: scoring matrix and its bands, the breach policy."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import VersionedSettings
from issues import rules


class ScoringMatrix(VersionedSettings):
    """A version of the issue-resolution matrix; its bands say which actions a score needs.
    A change is a new version; each issue stamps the version it was scored with."""

    impact_low_help = models.CharField(max_length=300, default="Few customers affected.")
    impact_medium_help = models.CharField(max_length=300, default="Several customers affected.")
    impact_high_help = models.CharField(
        max_length=300, default="Many customers or a whole constituency affected."
    )
    financial_low_help = models.CharField(
        max_length=300, default="Low or no financial impact and no licence obligation."
    )
    financial_medium_help = models.CharField(
        max_length=300, default="Financial impact, no licence obligation."
    )
    financial_high_help = models.CharField(
        max_length=300, default="High financial impact or a licence obligation affected."
    )
    history = HistoricalRecords()

    class Meta(VersionedSettings.Meta):
        verbose_name_plural = "scoring matrices"

    def __str__(self) -> str:
        return f"Scoring matrix v{self.version}"

    def band_rules(self) -> list[rules.BandRule]:
        return [band.as_rule() for band in self.bands.all()]


class Band(models.Model):
    """A range of scores and the actions (with business-day due dates) it requires."""

    matrix = models.ForeignKey(ScoringMatrix, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=30)
    min_score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    max_score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(9)])
    notify_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Notify affected customers within this many business days (0: same day). "
        "Empty: not required.",
    )
    plan_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Agree a rectification plan within this many business days. Empty: none.",
    )
    report_to_comc = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["matrix", "min_score"]

    def __str__(self) -> str:
        return f"{self.name} ({self.min_score}–{self.max_score})"

    def clean(self) -> None:
        if self.min_score and self.max_score and self.min_score > self.max_score:
            raise ValidationError("The lowest score of a band cannot exceed its highest.")

    def as_rule(self) -> rules.BandRule:
        return rules.BandRule(
            name=self.name,
            min_score=self.min_score,
            max_score=self.max_score,
            notify_days=self.notify_days,
            plan_days=self.plan_days,
            report_to_comc=self.report_to_comc,
        )


class BreachPolicy(VersionedSettings):
    """A version of the breach clocks and monthly thresholds; each breach stamps its version."""

    notify_within_hours = models.PositiveSmallIntegerField(default=4)
    resolve_within_business_days = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1)]
    )
    max_critical_high = models.PositiveSmallIntegerField(default=0)
    max_medium = models.PositiveSmallIntegerField(default=1)
    max_low = models.PositiveSmallIntegerField(default=5)
    history = HistoricalRecords()

    class Meta(VersionedSettings.Meta):
        verbose_name_plural = "breach policies"

    def __str__(self) -> str:
        return f"Breach policy v{self.version}"

    def thresholds(self) -> rules.BreachThresholds:
        return rules.BreachThresholds(
            max_critical_high=self.max_critical_high,
            max_medium=self.max_medium,
            max_low=self.max_low,
        )


# --- Issues ---------------------------------------------------------------------------------
