"""Reminders of deadlines due within 24 hours and deadlines missed, each sent once.

A service module of its own: the beat task in tasks.py calls `reminders_send`. The unique
key of ReminderSent (subject, stage, deadline) is what makes a second run send nothing new;
a moved deadline is a new deadline and is reminded again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.calendar import end_of_day
from core.contacts import activity_lead_emails
from issues import rules
from issues.models import Breach, IssueAction, RectificationTask, ReminderSent

#: Activity keys a RACI can name a lead for.
BREACH_NOTIFICATION = "breach_notification"
BREACH_RESOLUTION = "breach_resolution"
ISSUE_ACTIONS = "issue_actions"
RECTIFICATION_TASKS = "rectification_tasks"

#: clock, the field that records it met, its activity, and what the owner must do.
BREACH_CLOCKS = [
    ("notification", "notified_at", BREACH_NOTIFICATION, "Notify customers of"),
    ("resolution", "resolved_at", BREACH_RESOLUTION, "Resolve"),
]

DUE_SOON = "due_soon"
MISSED = "missed"
WARNING = timedelta(hours=24)
#: Missed deadlines older than this are not reminded (a first run would otherwise mail the
#: whole history of the register).
MISSED_LOOKBACK = timedelta(days=14)


@dataclass(frozen=True)
class Deadline:
    subject_key: str
    what: str
    due: datetime
    owner_email: str
    activity: str


def open_deadlines(now: datetime) -> list[Deadline]:
    """Every deadline not yet met that falls between the lookback and 24 hours from now."""
    low, high = now - MISSED_LOOKBACK, now + WARNING
    found: list[Deadline] = []
    breaches = Breach.objects.select_related("owner")
    for clock, done_field, activity, verb in BREACH_CLOCKS:
        due_field = f"{clock}_due"
        late = breaches.filter(
            **{f"{done_field}__isnull": True, f"{due_field}__gte": low, f"{due_field}__lte": high}
        )
        for b in late:
            found.append(
                Deadline(
                    f"breach:{b.pk}:{clock}",
                    f"{verb} breach {b.reference} ({b.get_severity_display()})",
                    getattr(b, due_field),
                    b.owner.email,
                    activity,
                )
            )
    actions = IssueAction.objects.select_related("issue__owner").filter(
        done_at__isnull=True, due_at__gte=low, due_at__lte=high
    )
    for a in actions:
        found.append(
            Deadline(
                f"action:{a.pk}",
                f"{a.get_kind_display()} for issue {a.issue.reference}",
                a.due_at,
                a.issue.owner.email,
                ISSUE_ACTIONS,
            )
        )
    tasks = RectificationTask.objects.select_related("issue", "owner").filter(
        done_date__isnull=True,
        due_date__gte=timezone.localtime(low).date(),
        due_date__lte=timezone.localtime(high).date(),
    )
    for t in tasks:
        found.append(
            Deadline(
                f"task:{t.pk}",
                f"Rectification task for issue {t.issue.reference}: {t.description}",
                end_of_day(t.due_date),
                t.owner.email,
                RECTIFICATION_TASKS,
            )
        )
    return [d for d in found if low <= d.due <= high]


def _message(deadline: Deadline, stage: str, now: datetime) -> tuple[str, str]:
    due = timezone.localtime(deadline.due)
    if stage == MISSED:
        subject = f"Missed: {deadline.what}"
        body = f"{deadline.what} was due by {due:%H:%M on %d %b %Y} and is not recorded as done."
    else:
        subject = f"Due soon: {deadline.what}"
        left = rules.clock_state(deadline.due, None, now).text
        body = f"{deadline.what} is due by {due:%H:%M on %d %b %Y} ({left})."
    return subject, body + "\n\nThis reminder is sent once."


def reminders_send(*, now: datetime | None = None) -> int:
    """E-mail the owner and the activity's lead about each deadline due within 24 hours or
    missed; returns how many reminders went out. Safe to run any number of times."""
    now = now or timezone.now()
    sent = 0
    for deadline in open_deadlines(now):
        stage = MISSED if deadline.due < now else DUE_SOON
        recipients = [e for e in [deadline.owner_email] if e]
        recipients += [e for e in activity_lead_emails(deadline.activity) if e not in recipients]
        if not recipients:
            continue
        subject, body = _message(deadline, stage, now)
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    subject_key=deadline.subject_key,
                    stage=stage,
                    deadline=deadline.due,
                    recipients=", ".join(recipients),
                    sent_at=now,
                )
                # Inside the block: a failed send rolls the record back, so the next run retries.
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
        except IntegrityError:
            continue  # already sent
        sent += 1
    return sent
