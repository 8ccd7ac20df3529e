"""KVIs, their commitments and measure cards, and the RAG settings the rules use."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import VersionedSettings
from kvis.rules import Rag


class RagChoices(models.TextChoices):
    GREEN = Rag.GREEN.value, "Green"
    AMBER = Rag.AMBER.value, "Amber"
    RED = Rag.RED.value, "Red"
    NOT_REPORTED = Rag.NOT_REPORTED.value, "Not reported"


class KVIQuerySet(models.QuerySet):
    def active_between(self, first_month: date, last_month: date) -> KVIQuerySet:
        """KVIs active at some point from `first_month` to the end of `last_month`."""
        return self.filter(active_from__lte=last_month.replace(day=28)).filter(
            models.Q(active_to__isnull=True) | models.Q(active_to__gte=first_month)
        )

    def for_committee(self, committee) -> KVIQuerySet:
        """KVIs that report to `committee`."""
        return self.filter(committees=committee)


class KVI(models.Model):
    """A commitment the provider makes to its customers, reported monthly with a RAG."""

    code = models.SlugField(max_length=40, unique=True, help_text="Short code, e.g. KVI-07.")
    title = models.CharField(max_length=200)
    description = models.TextField()
    scope = models.TextField(blank=True)
    measure_text = models.TextField("measure", blank=True, help_text="How success is measured.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_kvis",
    )
    committees = models.ManyToManyField("core.Committee", related_name="kvis")
    active_from = models.DateField(default=date(2020, 4, 1))
    active_to = models.DateField(null=True, blank=True)
    display_order = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(m2m_fields=[committees])

    objects = KVIQuerySet.as_manager()

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = "KVI"
        verbose_name_plural = "KVIs"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if self.active_to and self.active_to < self.active_from:
            raise ValidationError({"active_to": "Active to must be on or after active from."})


class Commitment(models.Model):
    kvi = models.ForeignKey(KVI, on_delete=models.CASCADE, related_name="commitments")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["kvi", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class MeasureKind(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage against a target"
    COUNT = "count", "Count against a threshold"
    SCORE = "score", "Score out of 10"
    MILESTONE = "milestone", "Milestone date"
    PACE = "pace", "Updates keeping pace with quarters"
    REGISTER = "register", "Computed by a register"
    NARRATIVE = "narrative", "Reported in words (no target yet)"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    ANNUALLY = "annually", "Annually"
    AS_REQUIRED = "as_required", "As required"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Measure(models.Model):
    """A measure card: what is measured, against what target, and who acts on it."""

    kvi = models.ForeignKey(KVI, on_delete=models.CASCADE, related_name="measures")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=MeasureKind)
    owner = models.CharField(max_length=200, blank=True)
    co_owners = models.TextField("co-owners", blank=True)
    purpose = models.TextField(blank=True)
    links = models.TextField(blank=True)
    formula = models.TextField(blank=True)
    source_of_data = models.TextField(blank=True)
    frequency = models.CharField(max_length=12, choices=Frequency, default="monthly")
    frequency_note = models.CharField(max_length=200, blank=True)
    target_value = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Percentage (0–100), count, or score out of 10, by kind.",
    )
    target_date = models.DateField(null=True, blank=True, help_text="For milestones.")
    target_text = models.CharField(
        max_length=200, blank=True, help_text="The target as the card words it."
    )
    direction = models.CharField(max_length=6, choices=Direction, default="higher")
    rule_key = models.CharField(
        max_length=60, blank=True, help_text="For kind 'register': which register rule applies."
    )
    rewards_penalties = models.TextField("rewards/penalties", blank=True)
    who_measures = models.TextField(blank=True)
    who_acts = models.TextField("who acts on the data", blank=True)
    what_will_be_done = models.TextField(blank=True)
    feedback = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kvi", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kvi", "name"], name="measure_name_unique_per_kvi")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER

    def clean(self) -> None:
        errors = {}
        if self.kind in (MeasureKind.PERCENTAGE, MeasureKind.COUNT, MeasureKind.SCORE):
            if self.target_value is None:
                errors["target_value"] = f"A {self.get_kind_display().lower()} needs a target."
        if self.kind == MeasureKind.PERCENTAGE and self.target_value is not None:
            if not 0 <= self.target_value <= 100:
                errors["target_value"] = "A percentage target must be between 0 and 100."
        if self.kind == MeasureKind.SCORE and self.target_value is not None:
            if not 0 <= self.target_value <= 10:
                errors["target_value"] = "A score target must be between 0 and 10."
        if self.kind == MeasureKind.COUNT and self.target_value is not None:
            if self.target_value < 0:
                errors["target_value"] = "A count target cannot be negative."
        if self.kind == MeasureKind.MILESTONE and self.target_date is None:
            errors["target_date"] = "A milestone needs a target date."
        if self.kind == MeasureKind.REGISTER and not self.rule_key:
            errors["rule_key"] = "A measure computed by a register needs its rule key."
        if errors:
            raise ValidationError(errors)

    def target_display(self) -> str:
        if self.target_text:
            return self.target_text
        if self.kind == MeasureKind.MILESTONE and self.target_date:
            return f"{self.target_date:%d %b %Y}"
        if self.target_value is None:
            return ""
        value = f"{self.target_value.normalize():f}"
        return {"percentage": f"{value}%", "score": f"{value}/10"}.get(self.kind, value)


class RagSettings(VersionedSettings):
    """Tolerances and bands the rules use. Rows are versions: a change adds a row, and every
    suggestion records the version it was made with. Version 1 comes from a data migration."""

    percentage_amber_tolerance = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=5,
        help_text="Points below (or above) a percentage target that are Amber rather than Red.",
    )
    count_amber_tolerance = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        default=1,
        help_text="How far a count may miss and be Amber.",
    )
    score_green_from = models.DecimalField(
        max_digits=4, decimal_places=2, default=7, help_text="'Met Expectations' from this score."
    )
    score_amber_from = models.DecimalField(max_digits=4, decimal_places=2, default=5)
    score_exceeded_from = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=9,
        help_text="'Exceeded Expectations' from this score.",
    )
    milestone_warning_days = models.PositiveIntegerField(
        default=14, help_text="An unmet milestone due within this many days is Amber."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta(VersionedSettings.Meta):
        verbose_name = "RAG settings version"
        verbose_name_plural = "RAG settings"

    def __str__(self) -> str:
        return f"RAG settings v{self.version}"

    def clean(self) -> None:
        if self.score_amber_from > self.score_green_from:
            raise ValidationError("Amber must start at or below the Green score.")
        if self.score_green_from > self.score_exceeded_from:
            raise ValidationError("'Met' must start at or below 'Exceeded'.")
