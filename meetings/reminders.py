"""Reminders of the reporting calendar that escalate, each sent once and recorded.

To KVI owners N and 1 business days before a meeting's submission deadline and the business day
after it while updates are still missing; to approvers when the approval deadline nears with
updates waiting; to the committee's secretaries when the meeting's pack is ready to issue.

Each reminder is one `Reminder` row whose unique key names the meeting, the deadline, the stage
and the recipient: a second run finds the row and sends nothing, a run that comes late sends
the stage then in force (never the ones it superseded), a moved deadline is a new deadline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.calendar import closed_days, localdate
from core.models import SettingsMissing
from kvis.models import PackStatus
from meetings import rules, selectors
from meetings.models import Meeting, Reminder, ReminderSettings
from meetings.services import notification_send

#: Meetings further back than this are not reminded about (a first run would otherwise mail
#: the whole history).
LOOKBACK_DAYS = 31


@dataclass(frozen=True)
class Outgoing:
    key: str
    kind: str
    meeting: Meeting
    recipient: object
    subject: str
    body: str
    url: str


def reminder_settings() -> ReminderSettings:
    """The reminder settings in force (the data migration creates version 1)."""
    return ReminderSettings.current()


def approvers(config: ReminderSettings):
    """Who is reminded to approve: the configured approvers, else everyone who may approve."""
    chosen = list(config.approvers.filter(is_active=True))
    if chosen:
        return chosen
    perm = Q(codename="approve_kviupdate", content_type__app_label="kvis")
    User = get_user_model()
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=_permissions(perm))
            | Q(user_permissions__in=_permissions(perm))
        )
        .distinct()
        .order_by("username")
    )


def _permissions(q: Q):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(q)


def _secretaries(meeting: Meeting) -> list:
    calendar = getattr(meeting.committee, "calendar", None)
    return list(calendar.secretaries.filter(is_active=True)) if calendar else []


def owner_reminders(meeting: Meeting, today: date, config, closed) -> list[Outgoing]:
    """Owners whose KVIs for the meeting are not yet submitted, at the stage now in force."""
    stages = rules.owner_stages(meeting.submission_deadline, config.owner_first_days, closed)
    if not config.remind_missed:
        stages = [s for s in stages if s.key != "missed"]
    stage = rules.stage_due(stages, today, until=meeting.date)
    if stage is None:
        return []
    owners = {
        kvi.owner
        for kvi in selectors.kvis_reporting_to(meeting)
        if kvi.owner is not None and kvi.owner.is_active
    }
    url = reverse("meetings:my_updates") + f"?meeting={meeting.pk}"
    outgoing = []
    for owner in sorted(owners, key=lambda u: u.username):
        missing = [r.kvi.code for r in selectors.my_updates(owner, meeting) if r.editable]
        if not missing:
            continue
        due = f"{meeting.submission_deadline:%A %d %B %Y}"
        if stage.key == "missed":
            subject = f"Missed: {meeting} updates were due {due}"
            lead = f"Your updates for {meeting.month_reviewed:%B %Y} were due by {due}"
        else:
            subject = f"Due {due}: your {meeting.month_reviewed:%B %Y} updates for {meeting}"
            lead = f"Your updates for {meeting.month_reviewed:%B %Y} are due by {due}"
        body = f"{lead}; still to submit: {', '.join(missing)}."
        recipients = [owner]
        if stage.key == "missed" and config.copy_secretaries_on_missed:
            recipients += [s for s in _secretaries(meeting) if s != owner]
        for person in recipients:
            outgoing.append(
                Outgoing(
                    f"owner:{meeting.pk}:{meeting.submission_deadline}:{stage.key}:{owner.pk}"
                    f":{person.pk}",
                    Reminder.Kind.OWNER,
                    meeting,
                    person,
                    subject,
                    body,
                    url,
                )
            )
    return outgoing


def approver_reminders(meeting: Meeting, today: date, config, closed) -> list[Outgoing]:
    """Approvers, when the approval deadline nears with the meeting's updates waiting."""
    stage = rules.approval_stage(meeting.approval_deadline, config.approval_warning_days, closed)
    if rules.stage_due([stage], today, until=meeting.approval_deadline) is None:
        return []
    waiting = list(selectors.waiting_approval(meeting).values_list("kvi__code", flat=True))
    if not waiting:
        return []
    due = f"{meeting.approval_deadline:%A %d %B %Y}"
    subject = f"Approve by {due}: {len(waiting)} updates for {meeting} are waiting"
    body = f"Waiting for approval for {meeting.month_reviewed:%B %Y}: {', '.join(waiting)}."
    return [
        Outgoing(
            f"approver:{meeting.pk}:{meeting.approval_deadline}:{stage.key}:{person.pk}",
            Reminder.Kind.APPROVER,
            meeting,
            person,
            subject,
            body,
            meeting.get_absolute_url(),
        )
        for person in approvers(config)
    ]


def secretary_reminders(meeting: Meeting, today: date) -> list[Outgoing]:
    """Secretaries, once per pack version, when the meeting's pack is ready to issue."""
    if today > meeting.date:
        return []
    pack = selectors.meeting_pack(meeting)
    if pack is None or pack.status != PackStatus.READY:
        return []
    subject = f"Ready to issue: {pack} for {meeting}"
    body = f"{pack} is built and ready to issue by {meeting.pack_issue_date:%A %d %B %Y}."
    return [
        Outgoing(
            f"secretary:{meeting.pk}:pack-{pack.pk}:{person.pk}",
            Reminder.Kind.SECRETARY,
            meeting,
            person,
            subject,
            body,
            meeting.get_absolute_url(),
        )
        for person in _secretaries(meeting)
    ]


def reminders_due(today: date) -> list[Outgoing]:
    """Every reminder in force today, sent or not (sending skips those already recorded)."""
    try:
        config = reminder_settings()
    except SettingsMissing:
        return []
    closed = closed_days([today.year - 1, today.year, today.year + 1])
    meetings = selectors.meetings_list().filter(date__gte=today - timedelta(days=LOOKBACK_DAYS))
    outgoing: list[Outgoing] = []
    for meeting in meetings:
        outgoing += owner_reminders(meeting, today, config, closed)
        outgoing += approver_reminders(meeting, today, config, closed)
        outgoing += secretary_reminders(meeting, today)
    return outgoing


def reminders_send(*, today: date | None = None) -> int:
    """Send every reminder due today that has not been sent, by e-mail and in the portal;
    returns how many went out. Safe to run any number of times, also late."""
    today = today or localdate()
    sent = 0
    due = reminders_due(today)
    already = set(
        Reminder.objects.filter(key__in=[o.key for o in due]).values_list("key", flat=True)
    )
    for item in due:
        if item.key in already:
            continue
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(
                    key=item.key,
                    kind=item.kind,
                    meeting=item.meeting,
                    recipient=item.recipient,
                    sent_at=timezone.now(),
                )
                reminder.notification = notification_send(
                    recipient=item.recipient, subject=item.subject, body=item.body, url=item.url
                )
                reminder.save(update_fields=["notification"])
                # Inside the block: a failed send rolls the record back, so the next run retries.
                if item.recipient.email:
                    send_mail(
                        item.subject,
                        item.body + "\n\nThis reminder is sent once.",
                        settings.DEFAULT_FROM_EMAIL,
                        [item.recipient.email],
                    )
        except IntegrityError:
            continue  # another run sent it meanwhile
        sent += 1
    return sent
