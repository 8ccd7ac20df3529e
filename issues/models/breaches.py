"""Data breaches, customer communications and the reminders sent about them."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from issues.models.common import (
    _in_future,
    month_bounds,
)
from issues.models.register import Issue
from kvis.models import RecordedAfterIssue


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class BreachQuerySet(models.QuerySet):
    def identified_in(self, month: date) -> BreachQuerySet:
        """Breaches identified in the calendar month starting on `month` (Europe/London)."""
        start, end = month_bounds(month)
        return self.filter(identified_at__gte=start, identified_at__lt=end)

    def overdue(self) -> BreachQuerySet:
        """Breaches with a clock past due and not yet met."""
        now = timezone.now()
        return self.filter(
            models.Q(notified_at__isnull=True, notification_due__lt=now)
            | models.Q(resolved_at__isnull=True, resolution_due__lt=now)
        )


class Breach(RecordedAfterIssue):
    """A data-security breach with its two clocks: notification and resolution."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    severity = models.CharField(max_length=10, choices=Severity)
    identified_at = models.DateTimeField()
    description = models.TextField()
    customers_impacted = models.ManyToManyField(
        "core.Organisation", blank=True, related_name="breaches"
    )
    notified_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_breaches"
    )
    root_cause = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    notification_due = models.DateTimeField(null=True, blank=True, editable=False)
    resolution_due = models.DateTimeField(editable=False)
    policy_version = models.PositiveIntegerField(editable=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[customers_impacted])

    objects = BreachQuerySet.as_manager()

    class Meta:
        ordering = ["-identified_at"]
        indexes = [models.Index(fields=["identified_at"])]
        verbose_name_plural = "breaches"

    def __str__(self) -> str:
        return f"{self.reference} ({self.get_severity_display()})"

    def clean(self) -> None:
        errors = {}
        if _in_future(self.identified_at):
            errors["identified_at"] = "Identified at cannot be in the future."
        for field in ("notified_at", "resolved_at"):
            value = getattr(self, field)
            label = field.replace("_", " ").capitalize()
            if value and self.identified_at and value < self.identified_at:
                errors[field] = f"{label} cannot be before identified at."
            elif _in_future(value):
                errors[field] = f"{label} cannot be in the future."
        if errors:
            raise ValidationError(errors)


# --- Communications -------------------------------------------------------------------------

#: The framework of DOMAIN rule 4, as checklist fields and the words a reader sees.
CHECKLIST = [
    ("distribution_list_named", "Distribution list kept and recipients named"),
    ("states_subject", "Says what it is about"),
    ("states_action_taken", "Says what action is being taken"),
    ("states_customer_action", "Says what the customer must do"),
    ("states_impact", "States material/financial impact and who is impacted"),
    ("states_known_unknown", "Says what is known, what is not and when more will follow"),
    ("gives_contact", "Gives a contact name"),
]


class CommunicationKind(models.TextChoices):
    AD_HOC = "ad_hoc", "Ad hoc"
    SCHEDULED = "scheduled", "Scheduled"


class CommunicationQuerySet(models.QuerySet):
    def sent_in(self, month: date) -> CommunicationQuerySet:
        """Communications sent in the calendar month starting on `month` (Europe/London)."""
        start, end = month_bounds(month)
        return self.filter(sent_at__gte=start, sent_at__lt=end)


class Communication(RecordedAfterIssue):
    """A communication to customers, scored out of 10 against the framework."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=CommunicationKind)
    sent_at = models.DateTimeField()
    subject = models.CharField(max_length=200)
    recipients = models.ManyToManyField(
        "core.Organisation", blank=True, related_name="communications"
    )
    distribution_lists = models.CharField(
        max_length=300, blank=True, help_text="Names of the distribution lists it went to."
    )
    issues = models.ManyToManyField(Issue, blank=True, related_name="communications")
    breaches = models.ManyToManyField(Breach, blank=True, related_name="communications")
    distribution_list_named = models.BooleanField(default=False)
    states_subject = models.BooleanField(default=False)
    states_action_taken = models.BooleanField(default=False)
    states_customer_action = models.BooleanField(default=False)
    states_impact = models.BooleanField(default=False)
    states_known_unknown = models.BooleanField(default=False)
    gives_contact = models.BooleanField(default=False)
    quality_score = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
        help_text="Out of 10: the framework's score, unless an assessor adjusted it.",
    )
    framework_score = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        null=True,
        editable=False,
        help_text="Out of 10: the weights of the framework points met.",
    )
    weights_version = models.PositiveIntegerField(null=True, editable=False)
    score_reason = models.TextField(
        "Reason for adjusting the score",
        blank=True,
        help_text="Needed when the score differs from the framework's.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="communications"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[recipients, issues, breaches])

    objects = CommunicationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def score_adjusted(self) -> bool:
        """Whether an assessor's score replaced the framework's."""
        return self.framework_score is not None and self.quality_score != self.framework_score

    def clean(self) -> None:
        if _in_future(self.sent_at):
            raise ValidationError({"sent_at": "Sent at cannot be in the future."})


# --- Reminders ------------------------------------------------------------------------------


class ReminderSent(models.Model):
    """A reminder that went out; the unique key makes each reminder go once."""

    subject_key = models.CharField(max_length=60, help_text="e.g. breach:12:resolution")
    stage = models.CharField(max_length=10)  # "due_soon" or "missed"
    deadline = models.DateTimeField()
    recipients = models.TextField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_key", "stage", "deadline"], name="each_reminder_sent_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_key} {self.stage}"
