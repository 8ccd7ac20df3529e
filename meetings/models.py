"""The reporting calendar: each committee's meeting schedule and settings, meetings with their
deadlines, decisions and action log; reminders sent and the portal's notifications."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import VersionedSettings
from meetings import rules


class CommitteeCalendar(models.Model):
    """A committee's reporting calendar: how many business days before each meeting its
    deadlines fall, and its secretaries (who issue the pack)."""

    committee = models.OneToOneField(
        "core.Committee", on_delete=models.CASCADE, related_name="calendar"
    )
    submission_days = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_SUBMISSION_DAYS,
        help_text="Business days before the meeting that owners' updates are due.",
    )
    approval_days = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_APPROVAL_DAYS,
        help_text="Business days before the meeting that updates must be approved.",
    )
    pack_days = models.PositiveSmallIntegerField(
        default=rules.DEFAULT_PACK_DAYS,
        help_text="Business days before the meeting that the pack is issued.",
    )
    secretaries = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="committees_as_secretary",
        help_text="Told when the pack is ready to issue.",
    )
    history = HistoricalRecords(m2m_fields=[secretaries])

    class Meta:
        ordering = ["committee__code"]

    def __str__(self) -> str:
        return f"{self.committee.code} calendar"

    def clean(self) -> None:
        if not self.submission_days >= self.approval_days >= self.pack_days:
            raise ValidationError(
                "Submissions come before approval, and approval before the pack's issue."
            )


class MeetingQuerySet(models.QuerySet):
    def for_committee(self, committee) -> MeetingQuerySet:
        """Meetings of `committee`."""
        return self.filter(committee=committee)

    def on_or_after(self, day) -> MeetingQuerySet:
        """Meetings on `day` or later."""
        return self.filter(date__gte=day)

    def before(self, day) -> MeetingQuerySet:
        """Meetings before `day`."""
        return self.filter(date__lt=day)


class Meeting(models.Model):
    """A committee meeting: the month it reviews and the deadlines before it."""

    committee = models.ForeignKey(
        "core.Committee", on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField()
    month_reviewed = models.DateField(help_text="The first day of the month the meeting reviews.")
    submission_deadline = models.DateField(help_text="Owners' updates are due by the end of it.")
    approval_deadline = models.DateField()
    pack_issue_date = models.DateField()
    location = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["date", "committee__code"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "date"], name="one_meeting_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.committee.code} {self.date:%d %B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.month_reviewed and self.month_reviewed.day != 1:
            errors["month_reviewed"] = "A reporting month is given by its first day."
        if self.date and self.submission_deadline and self.submission_deadline > self.date:
            errors["submission_deadline"] = "The submission deadline falls after the meeting."
        if (
            self.submission_deadline
            and self.approval_deadline
            and not self.submission_deadline <= self.approval_deadline
        ):
            errors["approval_deadline"] = "Approval falls before the submission deadline."
        if (
            self.approval_deadline
            and self.pack_issue_date
            and not self.approval_deadline <= self.pack_issue_date
        ):
            errors["pack_issue_date"] = "The pack is issued before the approval deadline."
        if self.date and self.pack_issue_date and self.pack_issue_date > self.date:
            errors["pack_issue_date"] = "The pack is issued after the meeting."
        if errors:
            raise ValidationError(errors)


class Decision(models.Model):
    """A decision recorded at a meeting, optionally the one a forward-plan item asked for."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    decided_by = models.CharField(
        "by whom", max_length=200, help_text="Who decided, e.g. 'CoMC members'."
    )
    forward_plan_item = models.OneToOneField(
        "kvis.ForwardPlanItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "recorded_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionQuerySet(models.QuerySet):
    def for_committee(self, committee) -> ActionQuerySet:
        """Actions of `committee`'s meetings."""
        return self.filter(meeting__committee=committee)

    def open_on(self, day) -> ActionQuerySet:
        """Actions not completed by `day`."""
        return self.filter(models.Q(completed_on__isnull=True) | models.Q(completed_on__gt=day))


class Action(models.Model):
    """An entry of a committee's action log, raised at a meeting; its status is derived
    (rules.action_status) from its due date and when it was completed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField("action", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meeting_actions",
        help_text="The person who may mark it complete.",
    )
    owner_name = models.CharField(
        "owner", max_length=200, help_text="As the log names the owner, e.g. 'Xoserve', 'CMs'."
    )
    start = models.DateField()
    due = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    completion_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["start", "due", "id"]

    def __str__(self) -> str:
        return self.title

    def status_on(self, day) -> rules.ActionStatus:
        """The derived status on `day`."""
        return rules.action_status(due=self.due, completed_on=self.completed_on, on=day)

    def clean(self) -> None:
        if self.start and self.due and self.due < self.start:
            raise ValidationError({"due": "An action is due on or after its start."})
        if self.start and self.completed_on and self.completed_on < self.start:
            raise ValidationError({"completed_on": "An action completes on or after its start."})


class ReminderSettings(VersionedSettings):
    """When reminders go and to whom (a change is a new version)."""

    owner_first_days = models.PositiveSmallIntegerField(
        default=3,
        help_text="Owners are first reminded this many business days before the submission "
        "deadline (and again 1 day before, and the day after if still missing).",
    )
    remind_missed = models.BooleanField(
        default=True, help_text="Remind owners the business day after a missed deadline."
    )
    copy_secretaries_on_missed = models.BooleanField(
        default=True, help_text="Copy the committee's secretaries on a missed deadline."
    )
    approval_warning_days = models.PositiveSmallIntegerField(
        default=1,
        help_text="Approvers are reminded this many business days before the approval "
        "deadline when updates are waiting.",
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Who is reminded to approve; empty: everyone who may approve KVI updates.",
    )

    class Meta(VersionedSettings.Meta):
        verbose_name = "reminder settings version"
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return f"Reminder settings v{self.version}"


class Notification(models.Model):
    """A message in a user's notifications list (also sent by e-mail)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class Reminder(models.Model):
    """A reminder sent: its unique key (kind, meeting, subject, stage, recipient) is what makes
    a second or late run send nothing twice."""

    class Kind(models.TextChoices):
        OWNER = "owner", "Owner: submission due"
        APPROVER = "approver", "Approver: approval due"
        SECRETARY = "secretary", "Secretary: pack ready to issue"

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    notification = models.OneToOneField(
        Notification, on_delete=models.SET_NULL, null=True, related_name="reminder"
    )
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return self.key
