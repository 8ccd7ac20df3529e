"""Writes of the reporting calendar: meetings and their schedule, decisions, the action log,
notifications. Reminders are in reminders.py."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.calendar import closed_days
from core.errors import ApplicationError, StaleVersion
from core.writes import current_values, model_create, model_update, stamp_history
from kvis.models import CommitteePackSection, ForwardPlanItem
from meetings import rules
from meetings.models import Action, CommitteeCalendar, Decision, Meeting, Notification

NOT_ACTION_OWNER = "Only the action's owner or an admin may mark it complete."
ALREADY_COMPLETE = "This action was already completed on {day:%d %b %Y}."
COMPLETION_NEEDS_NOTE = "Say what was done: a completion note is needed."
MEETING_EXISTS = "{committee} already has a meeting on {day:%d %B %Y}."
DECISION_ITEM_OTHER_COMMITTEE = "That forward-plan item belongs to another committee."

MEETING_FIELDS = [
    "date",
    "month_reviewed",
    "submission_deadline",
    "approval_deadline",
    "pack_issue_date",
    "location",
]
ACTION_FIELDS = ["title", "owner", "owner_name", "start", "due", "completed_on", "completion_note"]

#: The pack section of a committee's meeting (registered in meetings/apps.py).
PACK_SECTION = "meetings.meeting"


def committee_calendar(committee) -> CommitteeCalendar:
    """The committee's calendar settings, created with the defaults the first time."""
    calendar, _ = CommitteeCalendar.objects.get_or_create(committee=committee)
    return calendar


def meeting_dates_for(committee, day: date) -> rules.MeetingDates:
    """The month reviewed and deadlines of a meeting of `committee` on `day`, from the
    committee's calendar settings and the closed days."""
    calendar = committee_calendar(committee)
    return rules.meeting_dates(
        day,
        closed_days([day.year - 1, day.year]),
        submission_days=calendar.submission_days,
        approval_days=calendar.approval_days,
        pack_days=calendar.pack_days,
    )


@transaction.atomic
def meeting_create(*, committee, day: date, by=None, location: str = "", **given) -> Meeting:
    """A meeting of `committee` on `day`. The month reviewed and the deadlines follow the
    calendar unless given (an admin may set any of them)."""
    if Meeting.objects.filter(committee=committee, date=day).exists():
        raise ApplicationError(
            MEETING_EXISTS.format(committee=committee.code, day=day), field="date"
        )
    dates = meeting_dates_for(committee, day)
    data = {
        "committee": committee,
        "date": day,
        "location": location,
        "month_reviewed": dates.month_reviewed,
        "submission_deadline": dates.submission_deadline,
        "approval_deadline": dates.approval_deadline,
        "pack_issue_date": dates.pack_issue_date,
    }
    data.update({k: v for k, v in given.items() if k in MEETING_FIELDS and v is not None})
    return model_create(model=Meeting, data=data, by=by)


def meetings_schedule(*, committee, days: list[date], by=None) -> list[Meeting]:
    """A year's schedule: a meeting on each day not already scheduled (the others are left
    as they are), each with its deadlines from the calendar."""
    existing = set(Meeting.objects.filter(committee=committee).values_list("date", flat=True))
    meetings = [
        meeting_create(committee=committee, day=day, by=by)
        for day in sorted(set(days))
        if day not in existing
    ]
    pack_section_add(committee)
    return meetings


def pack_section_add(committee) -> None:
    """A committee that meets gets its meeting's decisions due and action log in its pack,
    after the sections it already has (an admin may remove it again under *Committee pack
    sections*: it is added once, when the committee has sections and not this one)."""
    sections = CommitteePackSection.objects.filter(committee=committee)
    if not sections.exists() or sections.filter(key=PACK_SECTION).exists():
        return
    last = sections.order_by("-position").values_list("position", flat=True).first()
    CommitteePackSection.objects.create(committee=committee, key=PACK_SECTION, position=last + 10)


def meeting_update(*, meeting: Meeting, data: dict, version: int | None, by) -> Meeting:
    """Change a meeting's date, month or deadlines under its version."""
    meeting, _ = model_update(
        instance=meeting, fields=MEETING_FIELDS, data=data, version=version, by=by
    )
    return meeting


@transaction.atomic
def decision_record(
    *, meeting: Meeting, text: str, decided_by: str, by, forward_plan_item=None
) -> Decision:
    """Record a decision taken at `meeting`; naming a forward-plan item marks it decided."""
    if forward_plan_item is not None and forward_plan_item.committee_id != meeting.committee_id:
        raise ApplicationError(DECISION_ITEM_OTHER_COMMITTEE, field="forward_plan_item")
    return model_create(
        model=Decision,
        data={
            "meeting": meeting,
            "text": text.strip(),
            "decided_by": decided_by.strip(),
            "forward_plan_item": forward_plan_item,
            "recorded_by": by,
        },
        by=by,
    )


def action_create(*, meeting: Meeting, data: dict, by) -> Action:
    """Raise an action at `meeting` (it stays on each later meeting's log until complete)."""
    fields = {k: v for k, v in data.items() if k in ACTION_FIELDS}
    fields.setdefault("start", meeting.date)
    if not fields.get("owner_name") and fields.get("owner"):
        fields["owner_name"] = fields["owner"].get_full_name() or fields["owner"].username
    return model_create(model=Action, data={"meeting": meeting, **fields}, by=by)


def action_update(*, action: Action, data: dict, version: int | None, by) -> Action:
    """Change an action under its version (admins: any field)."""
    action, _ = model_update(
        instance=action, fields=ACTION_FIELDS, data=data, version=version, by=by
    )
    return action


def may_complete(action: Action, user) -> bool:
    """The owner of an action, or anyone who may manage meetings, may mark it complete."""
    return (action.owner_id is not None and action.owner_id == user.pk) or user.has_perm(
        "meetings.add_action"
    )


def action_complete(
    *, action: Action, note: str, by, version: int | None, on: date | None = None
) -> Action:
    """The owner marks an action Complete with a note saying what was done."""
    if not may_complete(action, by):
        raise ApplicationError(NOT_ACTION_OWNER)
    if action.completed_on:
        raise ApplicationError(ALREADY_COMPLETE.format(day=action.completed_on))
    if not note.strip():
        raise ApplicationError(COMPLETION_NEEDS_NOTE, field="completion_note")
    action, _ = model_update(
        instance=action,
        fields=["completed_on", "completion_note"],
        data={"completed_on": on or timezone.localdate(), "completion_note": note.strip()},
        version=version,
        by=by,
        reason="Marked complete",
    )
    return action


def notification_send(*, recipient, subject: str, body: str = "", url: str = "") -> Notification:
    """Put a message in `recipient`'s notifications list."""
    return Notification.objects.create(recipient=recipient, subject=subject, body=body, url=url)


def notifications_mark_read(*, recipient, ids: list[int] | None = None) -> int:
    """Mark the recipient's notifications read (all of them when `ids` is None)."""
    unread = Notification.objects.filter(recipient=recipient, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# --- Forward plan -------------------------------------------------------------------------

FORWARD_PLAN_FIELDS = ["committee", "decision_date", "item", "service_area", "champion"]


def forward_plan_version(item: ForwardPlanItem) -> int:
    """A forward-plan item's version: how many times it has been saved (its history rows).
    The item has no version column; its history counts every write."""
    return item.history.count()


def forward_plan_item_create(*, data: dict, by) -> ForwardPlanItem:
    """Add a decision to a committee's forward plan."""
    fields = {k: v for k, v in data.items() if k in FORWARD_PLAN_FIELDS}
    item = ForwardPlanItem(**fields)
    item.full_clean()
    stamp_history(item, by=by)
    item.save()
    return item


@transaction.atomic
def forward_plan_item_update(
    *, item: ForwardPlanItem, data: dict, version: int | None, by
) -> ForwardPlanItem:
    """Change a forward-plan item under the version read (the row is locked while the
    version is compared, so of two writes from one version only the first is saved)."""
    item = ForwardPlanItem.objects.select_for_update().get(pk=item.pk)
    current = forward_plan_version(item)
    if version != current:
        raise StaleVersion(
            yours=version, theirs=current, current=current_values(item, FORWARD_PLAN_FIELDS)
        )
    changed = [f for f in FORWARD_PLAN_FIELDS if f in data and getattr(item, f) != data[f]]
    if changed:
        for name in changed:
            setattr(item, name, data[name])
        item.full_clean()
        stamp_history(item, by=by)
        item.save(update_fields=changed)
    return item
