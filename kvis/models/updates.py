"""Reporting months and their locks, measure results, and each KVI's monthly update."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from kvis.models.catalogue import KVI, Measure, MeasureKind, RagChoices


def lock_message(month: date | None, kvi_id: int | None = None) -> str | None:
    """Why `month` is locked for the KVI `kvi_id` (a whole month locked by hand, or the KVI's
    month locked by the first issued pack it was in), or None when it is open."""
    if month is None:
        return None
    period = ReportingPeriod.objects.filter(month=month, locked_at__isnull=False).first()
    if period is not None:
        return f"{month:%B %Y} is locked for every KVI since {period.locked_at:%d %b %Y}."
    lock = (
        KVILock.objects.filter(kvi_id=kvi_id, month=month)
        .select_related("kvi", "pack__committee")
        .first()
        if kvi_id
        else None
    )
    if lock is None:
        return None
    return (
        f"{month:%B %Y} is locked for {lock.kvi.code}: it was issued in {lock.pack} "
        f"on {lock.locked_at:%d %b %Y}."
    )


def month_lock_error(month: date | None, kvi_id: int | None = None) -> ValidationError | None:
    """The error to raise when `month` is locked for the KVI (the last line of defence, e.g.
    the admin)."""
    message = lock_message(month, kvi_id)
    return ValidationError(f"{message} Changes are refused.") if message else None


class ReportingPeriod(models.Model):
    """A calendar month. Locked once its pack is issued: its updates then refuse edits."""

    month = models.DateField(unique=True, help_text="The first day of the month.")
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lock_reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class KVILock(models.Model):
    """A KVI's month locked by the first issued pack that printed it: its update and results
    then refuse edits. Other KVIs' months stay open."""

    kvi = models.ForeignKey(KVI, on_delete=models.CASCADE, related_name="locks")
    month = models.DateField(help_text="The first day of the month.")
    pack = models.ForeignKey("kvis.Pack", on_delete=models.PROTECT, related_name="locks")
    locked_at = models.DateTimeField()

    class Meta:
        ordering = ["-month", "kvi"]
        constraints = [
            models.UniqueConstraint(fields=["kvi", "month"], name="one_lock_per_kvi_month")
        ]

    def __str__(self) -> str:
        return f"{self.kvi.code} {self.month:%b %Y} locked by {self.pack}"


class MeasureResult(models.Model):
    """The actual of a measure for a month: entered, imported, or computed by a register."""

    class Source(models.TextChoices):
        ENTERED = "entered", "Entered"
        IMPORTED = "imported", "Imported from CSV"
        REGISTER = "register", "Computed from a register"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="results")
    month = models.DateField()
    actual = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    met_on = models.DateField(null=True, blank=True, help_text="For milestones: when it was met.")
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ENTERED)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "month"], name="one_result_per_measure_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.month:%Y-%m}: {self.actual}"

    def clean(self) -> None:
        kvi_id = self.measure.kvi_id if self.measure_id else None
        if error := month_lock_error(self.month, kvi_id):
            raise error
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "A reporting month is given by its first day."})
        if self.measure_id and self.actual is not None:
            kind = self.measure.kind
            if kind == MeasureKind.PERCENTAGE and not 0 <= self.actual <= 100:
                raise ValidationError({"actual": "A percentage must be between 0 and 100."})
            if kind == MeasureKind.SCORE and not 0 <= self.actual <= 10:
                raise ValidationError({"actual": "A score must be between 0 and 10."})
            if kind in (MeasureKind.COUNT, MeasureKind.PACE) and self.actual < 0:
                raise ValidationError({"actual": "A count cannot be negative."})


class UpdateStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"


class KVIUpdateQuerySet(models.QuerySet):
    def current(self) -> KVIUpdateQuerySet:
        """The latest revision of each KVI-month."""
        return self.filter(is_current=True)

    def in_months(self, months: list[date]) -> KVIUpdateQuerySet:
        """Updates for any of the given months."""
        return self.filter(month__in=months)

    def approved(self) -> KVIUpdateQuerySet:
        """Updates approved for the committee pack."""
        return self.filter(status=UpdateStatus.APPROVED)


class KVIUpdate(models.Model):
    """A KVI's monthly update: narrative, suggested and reported RAG, approval.

    A correction after the month is locked is a new revision; the earlier one stays as
    reported, with `is_current` False.
    """

    kvi = models.ForeignKey(KVI, on_delete=models.PROTECT, related_name="updates")
    month = models.DateField(help_text="The first day of the reporting month.")
    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    corrected_after_issue = models.BooleanField(default=False)
    correction_reason = models.TextField(blank=True)
    status = FSMField(default=UpdateStatus.DRAFT, choices=UpdateStatus, protected=False)
    figures = models.TextField(blank=True, help_text="The month's figures as reported.")
    last_update = models.TextField(blank=True)
    drivers = models.TextField(blank=True)
    next_update = models.CharField(
        max_length=200,
        blank=True,
        help_text="A date or text, e.g. \"Jan'21 following Dec'20 survey\".",
    )
    suggested_rag = models.CharField(
        max_length=12, choices=RagChoices, default=RagChoices.NOT_REPORTED
    )
    suggestion_explanation = models.TextField(blank=True)
    rag_settings_version = models.PositiveIntegerField(null=True, blank=True)
    reported_rag = models.CharField(
        max_length=12, choices=RagChoices, default=RagChoices.NOT_REPORTED
    )
    override_justification = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Increases on every save; a stale version is refused."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = KVIUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["kvi", "-month", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["kvi", "month", "revision"], name="one_revision_number_per_kvi_month"
            ),
            models.UniqueConstraint(
                fields=["kvi", "month"],
                condition=models.Q(is_current=True),
                name="one_current_update_per_kvi_month",
            ),
        ]
        indexes = [models.Index(fields=["month", "is_current"])]
        permissions = [("approve_kviupdate", "Can approve KVI updates")]

    def __str__(self) -> str:
        return f"{self.kvi.code} {self.month:%b %Y} r{self.revision}"

    @property
    def is_overridden(self) -> bool:
        return self.reported_rag != self.suggested_rag

    # The workflow, in one place. Services call these inside their transactions.
    @transition(field=status, source=UpdateStatus.DRAFT, target=UpdateStatus.SUBMITTED)
    def submit(self) -> None:
        """Draft → submitted, for approval."""

    @transition(field=status, source=UpdateStatus.SUBMITTED, target=UpdateStatus.APPROVED)
    def approve(self) -> None:
        """Submitted → approved: it may go into a committee pack."""

    @transition(
        field=status,
        source=[UpdateStatus.SUBMITTED, UpdateStatus.APPROVED],
        target=UpdateStatus.DRAFT,
    )
    def return_to_draft(self) -> None:
        """Back to the owner for changes."""

    def clean(self) -> None:
        if not self.corrected_after_issue and (error := month_lock_error(self.month, self.kvi_id)):
            raise error
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "A reporting month is given by its first day."})
        if self.is_overridden and not self.override_justification.strip():
            raise ValidationError(
                {
                    "override_justification": (
                        "The reported RAG differs from the suggested RAG: "
                        "write a justification for the override."
                    )
                }
            )
