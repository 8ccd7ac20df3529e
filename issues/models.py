"""The issue register, the data-breach register, customer communications and their
configuration (scoring matrix and bands, breach policy, closure days)."""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from core.calendar import add_months, first_of_month, start_of_day
from core.models import VersionedSettings
from issues import rules

LEVEL_CHOICES = [(value, label) for value, label in rules.LEVELS.items()]

IMPACT_HELP = (
    "Impact to customer; consider the number of customers affected. Low 1, Medium 2, High 3."
)
FINANCIAL_HELP = (
    "Low: low or no financial impact and no licence obligation. "
    "Medium: financial impact, no licence obligation. "
    "High: high financial impact or a licence obligation affected."
)


def _in_future(moment: datetime | None) -> bool:
    # A minute's grace for the clocks of the browser and the server.
    return moment is not None and moment > timezone.now() + timezone.timedelta(minutes=1)


# --- Configuration --------------------------------------------------------------------------


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


class Issue(models.Model):
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
    def overdue(self, at: datetime | None = None) -> IssueActionQuerySet:
        """Required actions past their due time and not done by `at` (default now)."""
        at = at or timezone.now()
        return self.filter(due_at__lt=at).filter(
            models.Q(done_at__isnull=True) | models.Q(done_at__gt=at)
        )


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

    def __str__(self) -> str:
        return f"{self.issue.reference}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.done_at and _in_future(self.done_at):
            raise ValidationError({"done_at": "Done at cannot be in the future."})


class RectificationTaskQuerySet(models.QuerySet):
    def overdue(self, today: date | None = None) -> RectificationTaskQuerySet:
        """Tasks past their due date and not done by `today` (default today)."""
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).filter(
            models.Q(done_date__isnull=True) | models.Q(done_date__gt=today)
        )


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


class Breach(models.Model):
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


class Communication(models.Model):
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
        help_text="Out of 10, against the framework.",
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


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The aware start and end (exclusive) of a calendar month in Europe/London."""
    start = first_of_month(month)
    return start_of_day(start), start_of_day(add_months(start, 1))
