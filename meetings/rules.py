"""The reporting calendar's rules, pure: a meeting's deadlines from its date and the calendar,
an action's derived status, a forward-plan item's status, and which reminder stage is due.

Nothing here reads the database: `closed` is any container of closed days (a `holidays`
calendar from `core.calendar.closed_days`, or a set in tests).
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.calendar import (
    add_business_days,
    add_months,
    business_days_between,
    first_of_month,
)

#: The documents' default: submissions are due 5 business days before the meeting.
DEFAULT_SUBMISSION_DAYS = 5
DEFAULT_APPROVAL_DAYS = 3
DEFAULT_PACK_DAYS = 2


@dataclass(frozen=True)
class MeetingDates:
    """What a meeting's date sets: the month it reviews and the three deadlines before it."""

    month_reviewed: date
    submission_deadline: date
    approval_deadline: date
    pack_issue_date: date


def month_reviewed(meeting_date: date) -> date:
    """A monthly meeting reviews the month before the one it sits in (16 Dec 2020 → Nov 2020)."""
    return add_months(first_of_month(meeting_date), -1)


def business_days_before(meeting_date: date, days: int, closed: Container[date]) -> date:
    """The `days`-th business day before the meeting; 0 is the meeting day itself."""
    return meeting_date if days == 0 else add_business_days(meeting_date, -days, closed)


def meeting_dates(
    meeting_date: date,
    closed: Container[date],
    *,
    submission_days: int = DEFAULT_SUBMISSION_DAYS,
    approval_days: int = DEFAULT_APPROVAL_DAYS,
    pack_days: int = DEFAULT_PACK_DAYS,
) -> MeetingDates:
    """The deadlines of a meeting on `meeting_date`, each a number of business days before it
    (weekends, bank holidays and closure days are skipped)."""
    if not submission_days >= approval_days >= pack_days >= 0:
        raise ValueError("Submission, approval and pack issue must come in that order.")
    return MeetingDates(
        month_reviewed=month_reviewed(meeting_date),
        submission_deadline=business_days_before(meeting_date, submission_days, closed),
        approval_deadline=business_days_before(meeting_date, approval_days, closed),
        pack_issue_date=business_days_before(meeting_date, pack_days, closed),
    )


def days_left(today: date, deadline: date, closed: Container[date]) -> int:
    """Business days from today to the deadline (0 on the day, negative once it has passed)."""
    return business_days_between(today, deadline, closed)


# --- Actions ------------------------------------------------------------------------------


class ActionStatus(StrEnum):
    """The statuses of the KVI review plan."""

    COMPLETE = "complete"
    DELAYED = "delayed"
    ON_TARGET = "on_target"

    @property
    def label(self) -> str:
        return {"complete": "Complete", "delayed": "Delayed", "on_target": "On target"}[self]


def action_status(*, due: date, completed_on: date | None, on: date) -> ActionStatus:
    """Complete when done by `on`; Delayed when past due and not done; On target otherwise."""
    if completed_on is not None and completed_on <= on:
        return ActionStatus.COMPLETE
    if due < on:
        return ActionStatus.DELAYED
    return ActionStatus.ON_TARGET


# --- Forward plan -------------------------------------------------------------------------


class PlanStatus(StrEnum):
    """Where a decision on the forward plan stands."""

    DECIDED = "decided"
    OVERDUE = "overdue"
    PLANNED = "planned"

    @property
    def label(self) -> str:
        return {"decided": "Decided", "overdue": "Overdue", "planned": "Planned"}[self]


def plan_status(*, decision_date: date, decided: bool, on: date) -> PlanStatus:
    """Decided once a meeting records the decision; Overdue when its date has passed without
    one; Planned otherwise."""
    if decided:
        return PlanStatus.DECIDED
    return PlanStatus.OVERDUE if decision_date < on else PlanStatus.PLANNED


# --- Reminder stages ------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """A reminder stage: its key (part of the reminder's unique key), the day it starts and
    the last day it may still go (None: until the meeting)."""

    key: str
    starts: date
    ends: date | None = None


def owner_stages(deadline: date, first_days: int, closed: Container[date]) -> list[Stage]:
    """The owner's reminders for a submission deadline: `first_days` and 1 business days
    before it, and the business day after it (if still missing), in order."""
    days = sorted({first_days, 1}, reverse=True)
    stages = [
        Stage(f"before-{n}", add_business_days(deadline, -n, closed), ends=deadline)
        for n in days
        if n > 0
    ]
    stages.append(Stage("missed", add_business_days(deadline, 1, closed)))
    return stages


def stage_due(stages: list[Stage], today: date, *, until: date) -> Stage | None:
    """The latest stage that has started by `today`, unless it has ended (its own end, or
    `until`).

    A run that comes late sends the stage now in force, once, and never the earlier ones it
    superseded: an owner does not get "3 days left" and "1 day left" on the same morning, nor
    "1 day left" once the deadline has passed.
    """
    started = [s for s in stages if s.starts <= today]
    if not started:
        return None
    latest = started[-1]
    return latest if today <= min(latest.ends or until, until) else None


def approval_stage(approval_deadline: date, warning_days: int, closed: Container[date]) -> Stage:
    """The approvers' reminder: `warning_days` business days before the approval deadline
    (0: on the day)."""
    starts = (
        approval_deadline
        if warning_days == 0
        else add_business_days(approval_deadline, -warning_days, closed)
    )
    return Stage(f"approval-{warning_days}", starts)
