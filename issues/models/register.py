"""The issue register: issues, their scoring history, required actions and rectification tasks."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from issues import rules
from issues.models.common import (
    FINANCIAL_HELP,
    IMPACT_HELP,
    LEVEL_CHOICES,
    _in_future,
    month_bounds,
)
from kvis.models import RecordedAfterIssue


class Category(models.TextChoices):
    AQ_DEFECT = "aq_defect", "AQ defect"
    DATA = "data", "Data"
    PROCESS = "process", "Process"
    SYSTEM_INCIDENT = "system_incident", "System incident"
    CUSTOMER_QUERY = "customer_query", "Customer query"
    OTHER = "other", "Other"


class IdentifiedBy(models.TextChoices):
    PROVIDER = "provider", "Provider"
    CUSTOMER = "customer", "Customer"


class IssueStatus(models.TextChoices):
    OPEN = "open", "Open"
    PLAN_AGREED = "plan_agreed", "Plan agreed"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


class IssueQuerySet(models.QuerySet):
    def identified_in(self, month: date) -> IssueQuerySet:
        """Issues identified in the calendar month starting on `month` (Europe/London)."""
        start, end = month_bounds(month)
        return self.filter(identified_at__gte=start, identified_at__lt=end)

    def open_at(self, moment: datetime) -> IssueQuerySet:
        """Issues identified before `moment` and not resolved by then."""
        return self.filter(identified_at__lt=moment).filter(
            models.Q(resolved_at__isnull=True) | models.Q(resolved_at__gte=moment)
        )

    def with_overdue(self) -> IssueQuerySet:
        """Issues with a required action or a rectification task past its due time."""
        late_action = IssueAction.objects.overdue().filter(issue=models.OuterRef("pk"))
        late_task = RectificationTask.objects.overdue().filter(issue=models.OuterRef("pk"))
        return self.filter(models.Exists(late_action) | models.Exists(late_task))


def is_scored(issue: Issue) -> bool:
    """An issue is scored once both levels are set (a condition of resolving it)."""
    return issue.score is not None


class Issue(RecordedAfterIssue):
    """An issue on the register: scored by impact × financial/licence level."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField()
    internal_notes = models.TextField(blank=True, help_text="Not shown on the published register.")
    category = models.CharField(max_length=20, choices=Category)
    identified_by = models.CharField(max_length=10, choices=IdentifiedBy)
    identified_at = models.DateTimeField()
    affected_customers = models.ManyToManyField(
        "core.Organisation", blank=True, related_name="issues"
    )
    mprns_affected = models.PositiveIntegerField("number of MPRNs affected", default=0)
    impact = models.PositiveSmallIntegerField(
        choices=LEVEL_CHOICES, null=True, blank=True, help_text=IMPACT_HELP
    )
    financial = models.PositiveSmallIntegerField(
        "financial/licence level",
        choices=LEVEL_CHOICES,
        null=True,
        blank=True,
        help_text=FINANCIAL_HELP,
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    band = models.CharField(max_length=30, blank=True, editable=False)
    matrix_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    status = FSMField(max_length=12, choices=IssueStatus, default=IssueStatus.OPEN, protected=False)
    reopen_reason = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_issues"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[affected_customers])

    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["-identified_at"]
        indexes = [
            models.Index(fields=["status", "identified_at"]),
            # The register's newest-first pages and its band + month filter, at 100k issues.
            models.Index(fields=["identified_at"]),
            models.Index(fields=["band", "identified_at"]),
            # Issues open at a moment (each month's age profile): unresolved, or resolved
            # after it; a bitmap scan instead of reading every issue.
            models.Index(fields=["resolved_at", "identified_at"]),
        ]
        permissions = [
            ("view_internal_issue", "Can see internal issue notes and history"),
            ("rescore_issue", "Can score and re-score issues"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def clean(self) -> None:
        errors = {}
        if _in_future(self.identified_at):
            errors["identified_at"] = "Identified at cannot be in the future."
        if self.resolved_at and self.identified_at and self.resolved_at < self.identified_at:
            errors["resolved_at"] = "Resolved at cannot be before identified at."
        if _in_future(self.resolved_at):
            errors["resolved_at"] = "Resolved at cannot be in the future."
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self) -> bool:
        return self.status in (IssueStatus.OPEN, IssueStatus.PLAN_AGREED)

    # The status moves only through these transitions (issues.services.issue_set_status calls
    # them); each takes when and why, so the service calls them alike.

    @transition(field=status, source=IssueStatus.OPEN, target=IssueStatus.PLAN_AGREED)
    def agree_plan(self, *, at: datetime, reason: str = "") -> None:
        """Open → plan agreed (the service records the plan action done)."""

    @transition(
        field=status,
        source=[IssueStatus.OPEN, IssueStatus.PLAN_AGREED],
        target=IssueStatus.RESOLVED,
        conditions=[is_scored],
    )
    def resolve(self, *, at: datetime, reason: str = "") -> None:
        """Open or plan agreed → resolved at `at`; only a scored issue."""
        self.resolved_at = at

    @transition(field=status, source=IssueStatus.RESOLVED, target=IssueStatus.CLOSED)
    def close(self, *, at: datetime, reason: str = "") -> None:
        """Resolved → closed at `at`."""
        self.closed_at = at

    @transition(
        field=status,
        source=[IssueStatus.PLAN_AGREED, IssueStatus.RESOLVED, IssueStatus.CLOSED],
        target=IssueStatus.OPEN,
    )
    def reopen(self, *, at: datetime, reason: str) -> None:
        """Back to open, for `reason`; the resolution and closure are cleared."""
        self.reopen_reason = reason
        self.resolved_at = self.closed_at = None


class IssueScoring(models.Model):
    """One scoring of an issue: who scored it, against which matrix version, and why."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="scorings")
    impact = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES)
    financial = models.PositiveSmallIntegerField(choices=LEVEL_CHOICES)
    score = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=30)
    matrix_version = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    scored_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["issue", "-scored_at", "-id"]

    def __str__(self) -> str:
        return f"{self.issue.reference} scored {self.score}"


class ActionKind(models.TextChoices):
    NOTIFY = rules.NOTIFY, "Notify affected customers"
    PLAN = rules.PLAN, "Agree a rectification plan"
    REPORT_COMC = rules.REPORT_COMC, "Report to CoMC"


class IssueActionQuerySet(models.QuerySet):
    def not_done_at(self, at: datetime) -> IssueActionQuerySet:
        """Required actions not done at the moment `at` (never, or done after it)."""
        return self.filter(models.Q(done_at__isnull=True) | models.Q(done_at__gt=at))

    def overdue(self, at: datetime | None = None) -> IssueActionQuerySet:
        """Required actions past their due time and not done by `at` (default now)."""
        at = at or timezone.now()
        return self.filter(due_at__lt=at).not_done_at(at)


class IssueAction(models.Model):
    """An action the issue's band requires, due by a business-day deadline."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=12, choices=ActionKind)
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    objects = IssueActionQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "due_at"]
        constraints = [
            models.UniqueConstraint(fields=["issue", "kind"], name="one_action_of_a_kind_per_issue")
        ]
        # Actions overdue at a moment (not done, or done after it, and due before it): the
        # overview's and the pack's count, without reading every action.
        indexes = [models.Index(fields=["done_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.issue.reference}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.done_at and _in_future(self.done_at):
            raise ValidationError({"done_at": "Done at cannot be in the future."})


class RectificationTaskQuerySet(models.QuerySet):
    def not_done_on(self, day: date) -> RectificationTaskQuerySet:
        """Tasks not done by the end of `day` (never, or on a later day)."""
        return self.filter(models.Q(done_date__isnull=True) | models.Q(done_date__gt=day))

    def overdue(self, today: date | None = None) -> RectificationTaskQuerySet:
        """Tasks past their due date and not done by `today` (default today)."""
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).not_done_on(today)


class RectificationTask(models.Model):
    """A task of an issue's rectification plan, with its owner and timescale."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="tasks")
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rectification_tasks"
    )
    due_date = models.DateField()
    done_date = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    objects = RectificationTaskQuerySet.as_manager()

    class Meta:
        ordering = ["issue", "due_date", "id"]

    def __str__(self) -> str:
        return self.description

    def clean(self) -> None:
        if self.done_date and self.done_date > timezone.localdate():
            raise ValidationError({"done_date": "Done date cannot be in the future."})

    @property
    def is_overdue(self) -> bool:
        return self.done_date is None and self.due_date < timezone.localdate()


# --- Data breaches --------------------------------------------------------------------------
