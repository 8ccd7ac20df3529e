"""Reads of the reporting calendar: the next meeting, an owner's updates for it, a meeting's
page (pack, decisions due, action log), the forward plan, notifications."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet

from core.calendar import add_months, closed_days, first_of_month, localdate
from kvis import selectors as kvi_selectors
from kvis.models import KVI, ForwardPlanItem, KVIUpdate, UpdateStatus
from kvis.registry import NO_PACK_DATE
from meetings import rules
from meetings.models import Action, Decision, Meeting, Notification

# --- Meetings -------------------------------------------------------------------------------


def meetings_list(*, committee=None) -> QuerySet[Meeting]:
    """Meetings with their committee, optionally of one committee."""
    qs = Meeting.objects.select_related("committee")
    return qs.for_committee(committee) if committee else qs


def meeting_detail(pk: int) -> Meeting:
    """One meeting with its committee (DoesNotExist when there is none)."""
    return Meeting.objects.select_related("committee").get(pk=pk)


def previous_meeting(meeting: Meeting) -> Meeting | None:
    """The committee's meeting before this one."""
    return (
        Meeting.objects.for_committee(meeting.committee_id)
        .before(meeting.date)
        .order_by("-date")
        .first()
    )


def next_meeting(committees, today: date) -> Meeting | None:
    """The first meeting of any of `committees` on or after today; when none is scheduled,
    the last one held (so the page still shows the latest round)."""
    qs = Meeting.objects.select_related("committee").filter(committee__in=committees)
    return qs.on_or_after(today).order_by("date").first() or qs.order_by("-date").first()


def upcoming_meetings(committees, today: date) -> QuerySet[Meeting]:
    """The meetings of `committees` from today on, soonest first."""
    return (
        Meeting.objects.select_related("committee")
        .filter(committee__in=committees)
        .on_or_after(today)
        .order_by("date")
    )


def pack_issue_date(committee, today: date):
    """For kvis' monthly pack schedule: the month whose pack `committee` issues today (its
    meeting's pack issue date), None when its meetings set no pack for today, NO_PACK_DATE
    when last month has no meeting (the 5th business day applies)."""
    due = Meeting.objects.filter(committee=committee, pack_issue_date=today).first()
    if due is not None:
        return due.month_reviewed
    last_month = add_months(first_of_month(today), -1)
    if Meeting.objects.filter(committee=committee, month_reviewed=last_month).exists():
        return None
    return NO_PACK_DATE


def meeting_pack(meeting: Meeting):
    """The latest pack of the meeting's committee and month (draft or issued), or None."""
    return meeting.committee.packs.filter(month=meeting.month_reviewed).order_by("-version").first()


def status_day(meeting: Meeting, today: date | None = None) -> date:
    """The day a meeting's log is shown as at: the meeting day once it has been held, else
    today."""
    today = today or localdate()
    return min(meeting.date, today)


@dataclass(frozen=True)
class ActionRow:
    action: Action
    status: rules.ActionStatus
    carried: bool


def meeting_actions(meeting: Meeting, today: date | None = None) -> list[ActionRow]:
    """The meeting's action log: actions raised at it, and actions raised earlier that were
    still open at the previous meeting (they carry until complete), each with its status as
    at the meeting (or today, before it is held)."""
    on = status_day(meeting, today)
    previous = previous_meeting(meeting)
    carried = Q(meeting__date__lt=meeting.date)
    if previous is not None:
        carried &= Q(completed_on__isnull=True) | Q(completed_on__gt=previous.date)
    actions = (
        Action.objects.for_committee(meeting.committee_id)
        .filter(Q(meeting=meeting) | carried)
        .select_related("meeting", "owner")
        .order_by("start", "due", "id")
    )
    return [ActionRow(a, a.status_on(on), a.meeting_id != meeting.pk) for a in actions]


def decisions_due(meeting: Meeting) -> QuerySet[ForwardPlanItem]:
    """Forward-plan items whose decision date falls after the committee's previous meeting
    and on or before this one."""
    previous = previous_meeting(meeting)
    qs = ForwardPlanItem.objects.filter(
        committee=meeting.committee_id, decision_date__lte=meeting.date
    ).select_related("decision")
    if previous is not None:
        qs = qs.filter(decision_date__gt=previous.date)
    return qs.order_by("decision_date", "item")


def actions_list() -> QuerySet[Action]:
    """Every action with its meeting and owner, oldest first."""
    return Action.objects.select_related("meeting__committee", "owner").order_by("start", "id")


def meeting_decisions(meeting: Meeting) -> QuerySet[Decision]:
    """Decisions recorded at the meeting, with who recorded them."""
    return meeting.decisions.select_related("recorded_by", "forward_plan_item")


def pack_meeting_section(committee, month: date) -> dict:
    """The pack's section for the meeting that reviews `month`: its decisions due and its
    action log as at the pack's issue date (fixed, so a rebuilt pack prints the same)."""
    meeting = (
        Meeting.objects.select_related("committee")
        .filter(committee=committee, month_reviewed=month)
        .order_by("date")
        .first()
    )
    if meeting is None:
        return {"meeting": None}
    return {
        "meeting": meeting,
        "as_at": meeting.pack_issue_date,
        "decisions_due": list(decisions_due(meeting)),
        "actions": meeting_actions(meeting, today=meeting.pack_issue_date),
    }


# --- Forward plan ---------------------------------------------------------------------------


def forward_plan() -> QuerySet[ForwardPlanItem]:
    """Every forward-plan item with its committee and whether a decision is recorded."""
    return (
        ForwardPlanItem.objects.select_related("committee")
        .annotate(decided=Exists(Decision.objects.filter(forward_plan_item=OuterRef("pk"))))
        .order_by("decision_date", "committee__code", "item")
    )


def plan_item_status(item: ForwardPlanItem, today: date | None = None) -> rules.PlanStatus:
    """A forward-plan item's status (the queryset of `forward_plan` carries `decided`)."""
    decided = getattr(item, "decided", None)
    if decided is None:
        decided = Decision.objects.filter(forward_plan_item=item).exists()
    return rules.plan_status(
        decision_date=item.decision_date, decided=decided, on=today or localdate()
    )


# --- My updates -----------------------------------------------------------------------------


class UpdateState:
    NOT_STARTED = "not started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"


@dataclass(frozen=True)
class MyUpdateRow:
    kvi: KVI
    update: KVIUpdate | None
    state: str
    returned_reason: str
    previous: KVIUpdate | None

    @property
    def editable(self) -> bool:
        return self.state in (UpdateState.NOT_STARTED, UpdateState.DRAFT, UpdateState.RETURNED)


def owned_kvis(user) -> QuerySet[KVI]:
    """The KVIs `user` owns, with their committees and measures."""
    return KVI.objects.filter(owner=user).prefetch_related("committees", "measures")


def kvis_reporting_to(meeting: Meeting) -> QuerySet[KVI]:
    """The KVIs active in the meeting's month that report to its committee, with owners."""
    month = meeting.month_reviewed
    return (
        KVI.objects.for_committee(meeting.committee_id)
        .active_between(month, month)
        .select_related("owner")
    )


def owns_kvis(user) -> bool:
    """Whether `user` owns any KVI."""
    return user.is_authenticated and KVI.objects.filter(owner=user).exists()


def home_for_owner(user) -> str | None:
    """KVI owners who may write updates start from My updates."""
    if owns_kvis(user) and user.has_perm("kvis.change_kviupdate"):
        return "meetings:my_updates"
    return None


def update_state(update: KVIUpdate | None) -> tuple[str, str]:
    """(state, reason it was returned) of a KVI-month's current update."""
    if update is None:
        return UpdateState.NOT_STARTED, ""
    if update.status == UpdateStatus.APPROVED:
        return UpdateState.APPROVED, ""
    if update.status == UpdateStatus.SUBMITTED:
        return UpdateState.SUBMITTED, ""
    if update.submitted_at is not None:  # a draft that was submitted once came back
        last = update.history.order_by("-history_date").first()
        return UpdateState.RETURNED, (last.history_change_reason or "") if last else ""
    return UpdateState.DRAFT, ""


def my_updates(user, meeting: Meeting) -> list[MyUpdateRow]:
    """Each KVI `user` owns that reports to the meeting's committee, with its update for the
    month reviewed, its state and last month's update to start from."""
    month = meeting.month_reviewed
    kvis = list(
        owned_kvis(user)
        .for_committee(meeting.committee_id)
        .active_between(month, month)
        .order_by("display_order", "code")
    )
    updates = {u.kvi_id: u for u in KVIUpdate.objects.current().filter(kvi__in=kvis, month=month)}
    previous = {
        u.kvi_id: u
        for u in KVIUpdate.objects.current().filter(kvi__in=kvis, month=add_months(month, -1))
    }
    rows = []
    for kvi in kvis:
        update = updates.get(kvi.pk)
        state, reason = update_state(update)
        rows.append(MyUpdateRow(kvi, update, state, reason, previous.get(kvi.pk)))
    return rows


@dataclass(frozen=True)
class Deadline:
    day: date
    days_left: int


def deadline(day: date, today: date | None = None) -> Deadline:
    """A deadline with the business days left until it."""
    today = today or localdate()
    return Deadline(day, rules.days_left(today, day, closed_days([today.year, day.year])))


def waiting_approval(meeting: Meeting) -> QuerySet[KVIUpdate]:
    """Submitted updates of the meeting's month and committee, waiting for an approver."""
    return kvi_selectors.approval_queue().filter(
        month=meeting.month_reviewed, kvi__committees=meeting.committee_id
    )


def approval_rounds(today: date | None = None) -> list[tuple[Meeting, Deadline, int]]:
    """The meetings whose month has updates waiting for approval, with the approval deadline
    and how many wait, soonest meeting first (for the approval queue)."""
    today = today or localdate()
    waiting = KVIUpdate.objects.current().filter(status=UpdateStatus.SUBMITTED)
    rounds = []
    for meeting in meetings_list().filter(month_reviewed__in=waiting.values("month")):
        count = waiting_approval(meeting).count()
        if count:
            rounds.append((meeting, deadline(meeting.approval_deadline, today), count))
    return rounds


# --- Notifications --------------------------------------------------------------------------


def notifications_for(user) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user)


def unread_count(user) -> int:
    """How many of the user's notifications are unread."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
