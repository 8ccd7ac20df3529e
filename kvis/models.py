"""KVIs, their measure cards, reporting periods, results and monthly updates."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

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


class RagSettings(models.Model):
    """Tolerances and bands the rules use. Rows are versions: a change adds a row, and every
    suggestion records the version it was made with."""

    version = models.PositiveIntegerField(unique=True, editable=False)
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
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = "RAG settings version"
        verbose_name_plural = "RAG settings"

    def __str__(self) -> str:
        return f"RAG settings v{self.version}"

    def clean(self) -> None:
        if self.score_amber_from > self.score_green_from:
            raise ValidationError("Amber must start at or below the Green score.")
        if self.score_green_from > self.score_exceeded_from:
            raise ValidationError("'Met' must start at or below 'Exceeded'.")


def month_lock_error(month: date | None) -> ValidationError | None:
    """The error to raise when `month` is locked (the last line of defence, e.g. the admin)."""
    if month is None:
        return None
    period = ReportingPeriod.objects.filter(month=month, locked_at__isnull=False).first()
    if period is None:
        return None
    return ValidationError(
        f"{month:%B %Y} is locked: its pack was issued on {period.locked_at:%d %b %Y}. "
        "Changes are refused."
    )


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
        if error := month_lock_error(self.month):
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
        if not self.corrected_after_issue and (error := month_lock_error(self.month)):
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


class ForwardPlanItem(models.Model):
    """A decision coming to a committee: the pack's forward plan."""

    committee = models.ForeignKey(
        "core.Committee", on_delete=models.CASCADE, related_name="forward_plan"
    )
    decision_date = models.DateField("proposed date of decision")
    item = models.CharField(max_length=300)
    service_area = models.CharField(max_length=200, blank=True)
    champion = models.CharField("champion", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["decision_date", "item"]

    def __str__(self) -> str:
        return f"{self.decision_date:%d %b %Y} {self.item}"


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


def pack_upload_to(pack: Pack, filename: str) -> str:
    return f"packs/{pack.committee.code}/{pack.month:%Y-%m}/v{pack.version}.pdf"


class Pack(models.Model):
    """A committee's monthly pack: one PDF per version, frozen with the inputs it was built from."""

    committee = models.ForeignKey("core.Committee", on_delete=models.PROTECT, related_name="packs")
    month = models.DateField()
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=PackStatus, default="queued")
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    forced_reason = models.TextField(
        blank=True, help_text="Why the pack was built although some KVIs were not approved."
    )
    not_approved = models.JSONField(
        default=list, blank=True, help_text="KVI codes not approved when a forced pack was built."
    )
    inputs = models.JSONField(
        default=dict, blank=True, help_text="The approved update revisions the pack was built from."
    )
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=pack_upload_to, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month", "committee", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "month", "version"], name="one_pack_per_version"
            )
        ]
        permissions = [("view_all_packs", "Can read every committee's packs")]

    def __str__(self) -> str:
        return f"{self.committee.code} {self.month:%B %Y} v{self.version}"


class PackDelivery(models.Model):
    """The pack e-mailed to one committee member."""

    pack = models.ForeignKey(Pack, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    email = models.EmailField()
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["pack", "email"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "email"], name="one_delivery_per_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.pack} to {self.email}"
