"""A plan and what it is built from: its settings, root causes, gaps, evidence and actions."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import Committee, Organisation, VersionedSettings
from performance_plans import rules
from performance_plans.rules import STEP_LABELS, ActionRag, Outcome, Step


def validate_review_interval(days: int | None) -> None:
    """Refuse fewer days between reviews than the rules allow, with the rules' one message."""
    if days is not None and rules.review_interval_too_short(days):
        raise ValidationError(rules.REVIEW_INTERVAL_TOO_SHORT, code="min_value")


class ReviewIntervalField(models.PositiveIntegerField):
    """Days between reviews. Its form field refuses a short interval with the same message as
    the model (a plain PositiveIntegerField's form says "≥ 0" where the model says "≥ 1")."""

    default_validators = [validate_review_interval]

    def formfield(self, **kwargs):
        limits = {
            "min_value": rules.MIN_REVIEW_INTERVAL_DAYS,
            "error_messages": {"min_value": rules.REVIEW_INTERVAL_TOO_SHORT},
        }
        return super().formfield(**{**limits, **kwargs})


class StepChoices(models.TextChoices):
    MANDATED = Step.MANDATED.value, STEP_LABELS[Step.MANDATED]
    GAPS_OUTLINED = Step.GAPS_OUTLINED.value, STEP_LABELS[Step.GAPS_OUTLINED]
    ESTABLISHED = Step.ESTABLISHED.value, STEP_LABELS[Step.ESTABLISHED]
    NOTIFIED = Step.NOTIFIED.value, STEP_LABELS[Step.NOTIFIED]
    UNDER_REVIEW = Step.UNDER_REVIEW.value, STEP_LABELS[Step.UNDER_REVIEW]
    CLOSED = Step.CLOSED.value, STEP_LABELS[Step.CLOSED]


class OutcomeChoices(models.TextChoices):
    IMPROVED = Outcome.IMPROVED.value, "Improved"
    INSUFFICIENT = Outcome.INSUFFICIENT.value, "Insufficient"


class ActionRagChoices(models.TextChoices):
    ON_TRACK = ActionRag.ON_TRACK.value, ActionRag.ON_TRACK.label
    AT_RISK = ActionRag.AT_RISK.value, ActionRag.AT_RISK.label
    OFF_TRACK = ActionRag.OFF_TRACK.value, ActionRag.OFF_TRACK.label


class PlanSettings(VersionedSettings):
    """Intervals and thresholds the plan rules use. Rows are versions: a change adds a row, and
    every action RAG records the version it was judged with. Version 1 comes from the data
    migration; `current()` only reads."""

    mandated_review_interval_days = ReviewIntervalField(
        default=14,
        help_text="Days between reviews when PAC mandates regular meetings (fortnightly).",
    )
    review_interval_days = ReviewIntervalField(
        default=28,
        help_text="Days between reviews when PAC has not mandated meetings.",
    )
    missed_updates_before_escalation = models.PositiveIntegerField(
        default=2,
        validators=[MinValueValidator(1)],
        help_text="Consecutive unanswered chases that flag a party for escalation.",
    )
    on_track_max_shortfall = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=10,
        help_text="An action is on track when it is at most this many points behind plan.",
    )
    at_risk_max_shortfall = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=25,
        help_text="An action is at risk up to this many points behind plan; beyond, off track.",
    )
    history = HistoricalRecords()

    class Meta(VersionedSettings.Meta):
        verbose_name = "plan settings version"
        verbose_name_plural = "plan settings"

    def __str__(self) -> str:
        return f"Plan settings v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if self.version is None:  # a new version (the admin's form, a test): the next number
            last = PlanSettings.objects.order_by("-version").values_list("version", flat=True)
            self.version = (last.first() or 0) + 1
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.on_track_max_shortfall > self.at_risk_max_shortfall:
            raise ValidationError("'On track' must end at or before 'at risk' ends.")


class PlanQuerySet(models.QuerySet):
    def open(self) -> PlanQuerySet:
        """Plans not yet closed."""
        return self.exclude(step=Step.CLOSED)

    def closed_in(self, first: object, last: object) -> PlanQuerySet:
        """Plans closed between two dates, inclusive."""
        return self.filter(step=Step.CLOSED, closed_on__range=(first, last))

    def for_party_user(self, user) -> PlanQuerySet:
        """Plans of the parties the user works for."""
        return self.filter(party__users=user)


class Plan(models.Model):
    """A party's performance improvement plan, from mandate to closure."""

    party = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="improvement_plans",
        limit_choices_to={"is_party": True},
    )
    title = models.CharField(max_length=200)
    step = models.CharField(max_length=20, choices=StepChoices, default=Step.MANDATED)
    mandated_by = models.ForeignKey(
        Committee, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mandated_on = models.DateField(null=True, blank=True, help_text="Date of the meeting.")
    reviews_mandated = models.BooleanField(
        default=False, help_text="PAC mandated regular (e.g. fortnightly) review meetings."
    )
    review_interval_days = ReviewIntervalField()
    party_contact_name = models.CharField(max_length=200, blank=True)
    party_contact_email = models.EmailField(
        blank=True, help_text="The party's DSC contract manager (Customer Ops provide it)."
    )
    cam_email = models.EmailField(
        "CAM e-mail", blank=True, help_text="The party's Customer Advocate Manager."
    )
    # Step 2
    meeting_held_on = models.DateField("formal meeting held on", null=True, blank=True)
    meeting_notes = models.TextField(blank=True)
    signed_for_party_by = models.CharField(max_length=200, blank=True)
    signed_for_party_on = models.DateField(null=True, blank=True)
    signed_for_provider_by = models.CharField(max_length=200, blank=True)
    signed_for_provider_on = models.DateField(null=True, blank=True)
    # Step 3
    notified_on = models.DateField("written notification sent on", null=True, blank=True)
    notified_by = models.CharField("notification sent by", max_length=200, blank=True)
    notification_document = models.FileField(upload_to="plans/notifications/", blank=True)
    # Step 4
    reviews_start_on = models.DateField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    escalation_flagged_on = models.DateField(null=True, blank=True)
    # Step 5
    outcome = models.CharField(max_length=20, choices=OutcomeChoices, blank=True)
    actions_taken = models.TextField("final documentation: actions taken", blank=True)
    results_achieved = models.TextField("final documentation: results achieved", blank=True)
    impact_notified_on = models.DateField("contractual impact notified on", null=True, blank=True)
    impact_notified_by = models.CharField(max_length=200, blank=True)
    impact_document = models.FileField(upload_to="plans/impact/", blank=True)
    closed_on = models.DateField(null=True, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Increases on every save; a stale version is refused."
    )
    history = HistoricalRecords()

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["party__name", "-created_at"]

    def __str__(self) -> str:
        return f"{self.party.short_name or self.party.name}: {self.title}"

    @property
    def step_label(self) -> str:
        return STEP_LABELS[Step(self.step)]

    def clean(self) -> None:
        if self.party_id and not self.party.is_party:
            raise ValidationError({"party": "Only a party (an assured organisation) has a plan."})
        for who, when in (
            ("signed_for_party_by", "signed_for_party_on"),
            ("signed_for_provider_by", "signed_for_provider_on"),
        ):
            if bool(getattr(self, who).strip()) != bool(getattr(self, when)):
                raise ValidationError({when: "A signature needs both who signed and when."})
        dates = {later: getattr(self, later) for pair in rules.DATE_ORDER for later in pair[:2]}
        if contradictions := rules.plan_date_contradictions(dates):
            raise ValidationError(contradictions)


class RootCauseChoices(models.TextChoices):
    UNDERSTANDING = (
        "understanding",
        "Incomplete understanding of need, or an insufficient statement of work",
    )
    LOCAL_MANAGEMENT = "local_management", "Lack of local management"
    CLIENT_ENGAGEMENT = "client_engagement", "Lack of client engagement"
    MARKET_DYNAMICS = "market_dynamics", "Market dynamics"


class PlanRootCause(models.Model):
    """A root cause ticked on a plan, with its explanation."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="root_causes")
    cause = models.CharField(max_length=30, choices=RootCauseChoices)
    explanation = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "cause"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "cause"], name="one_root_cause_each_per_plan")
        ]

    def __str__(self) -> str:
        return self.get_cause_display()


class Gap(models.Model):
    """Where the party's performance misses expectations (step 1)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="gaps")
    description = models.CharField(max_length=300)
    expectation = models.TextField(blank=True, help_text="What was expected.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.description


class EvidenceKind(models.TextChoices):
    PERFORMANCE_DATA = "performance_data", "Performance data"
    SCORECARD = "scorecard", "Scorecard result"
    SURVEY = "survey", "Survey response"
    AUDIT = "audit", "Audit finding"


class Evidence(models.Model):
    """What documents a gap: a link to a KVI, issue or breach, an uploaded file, or both."""

    gap = models.ForeignKey(Gap, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind)
    summary = models.CharField(max_length=300)
    # A link to any record (KVI, issue, breach) without importing the app that holds it.
    linked_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked = GenericForeignKey("linked_type", "linked_id")
    file = models.FileField(upload_to="plans/evidence/", blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["gap", "pk"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.summary

    def clean(self) -> None:
        if bool(self.linked_type_id) != bool(self.linked_id):
            raise ValidationError("A linked record needs both its type and its id.")
        if not self.linked_type_id and not self.file:
            raise ValidationError("Evidence needs a linked KVI, issue or breach, or a file.")


class ActionOwner(models.TextChoices):
    PARTY = "party", "Party"
    PROVIDER = "provider", "Provider"


class Action(models.Model):
    """A specific action of the plan, with its owner, target and timing (step 2)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(max_length=300)
    owner_side = models.CharField(max_length=10, choices=ActionOwner)
    owner_name = models.CharField(max_length=200, help_text="Who is accountable.")
    target = models.CharField(max_length=300, help_text="The measurable result expected.")
    start_on = models.DateField()
    due_on = models.DateField()
    percent_complete = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "due_on", "pk"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if self.start_on and self.due_on and self.due_on < self.start_on:
            raise ValidationError({"due_on": "The due date cannot be before the start date."})
