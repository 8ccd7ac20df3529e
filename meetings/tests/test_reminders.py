"""Reminders that escalate: each stage sent exactly once, also when the task runs twice or
late; e-mail plus a notification."""

from datetime import date
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.utils import timezone

from core.roles import ADMIN
from core.tests.factories import UserFactory
from kvis.models import KVIUpdate, Pack, UpdateStatus
from kvis.tests.factories import KVIFactory
from meetings import reminders, services
from meetings.models import Notification, Reminder, ReminderSettings
from meetings.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

# CoMC 16 Dec 2020: submissions due Wed 9 Dec, approval Fri 11 Dec, pack Mon 14 Dec.


@pytest.fixture
def meeting():
    return MeetingFactory()


@pytest.fixture
def owner(meeting):
    owner = UserFactory(username="owner", email="owner@example.org")
    for code in ("KVI-01", "KVI-02"):
        KVIFactory(code=code, owner=owner, committees=[meeting.committee])
    return owner


def send(day):
    return reminders.reminders_send(today=day)


def keys():
    return sorted(Reminder.objects.values_list("key", flat=True))


def test_nothing_before_the_first_stage(owner):
    assert send(date(2020, 12, 3)) == 0


def test_each_stage_goes_once_however_often_the_task_runs(owner, meeting):
    assert send(date(2020, 12, 4)) == 1  # 3 business days before
    assert send(date(2020, 12, 4)) == 0  # the same morning again
    assert send(date(2020, 12, 7)) == 0  # the stage is still the same
    assert send(date(2020, 12, 8)) == 1  # 1 business day before
    assert send(date(2020, 12, 9)) == 0  # deadline day: nothing new
    assert send(date(2020, 12, 10)) == 1  # missed
    assert send(date(2020, 12, 10)) == 0
    assert len(mail.outbox) == 3
    assert mail.outbox[0].to == ["owner@example.org"]
    assert "KVI-01, KVI-02" in mail.outbox[0].body
    assert Notification.objects.filter(recipient=owner, read_at__isnull=True).count() == 3
    assert [k.split(":")[3] for k in keys()] == ["before-1", "before-3", "missed"]


def test_a_late_run_sends_the_stage_in_force_not_those_it_superseded(owner):
    assert send(date(2020, 12, 8)) == 1
    assert [k.split(":")[3] for k in keys()] == ["before-1"]
    assert "Due Wednesday 09 December 2020" in mail.outbox[0].subject


def test_a_submitted_kvi_is_not_reminded_and_all_submitted_stops_reminders(owner, meeting):
    for code in ("KVI-01", "KVI-02"):
        KVIUpdate.objects.create(
            kvi=owner.owned_kvis.get(code=code),
            month=meeting.month_reviewed,
            status=UpdateStatus.SUBMITTED if code == "KVI-01" else UpdateStatus.DRAFT,
        )
    send(date(2020, 12, 4))
    assert "KVI-02" in mail.outbox[0].body and "KVI-01" not in mail.outbox[0].body
    KVIUpdate.objects.filter(kvi__code="KVI-02").update(status=UpdateStatus.SUBMITTED)
    assert send(date(2020, 12, 8)) == 0


def test_a_missed_deadline_copies_the_secretaries(owner, meeting):
    secretary = UserFactory(username="secretary")
    services.committee_calendar(meeting.committee).secretaries.add(secretary)
    assert send(date(2020, 12, 10)) == 2
    assert {m.to[0] for m in mail.outbox} == {"owner@example.org", "secretary@example.org"}
    assert send(date(2020, 12, 11)) == 0


def test_days_and_recipients_are_configuration(owner, meeting):
    config = ReminderSettings.current()
    config.owner_first_days, config.remind_missed = 5, False
    config.save()
    assert send(date(2020, 12, 2)) == 1  # 5 business days before 9 Dec
    assert send(date(2020, 12, 10)) == 0  # missed reminders switched off


def test_after_the_meeting_nothing_more_is_sent(owner):
    assert send(date(2020, 12, 17)) == 0


def test_a_failed_send_is_not_recorded_so_the_next_run_retries(owner):
    with (
        mock.patch("meetings.reminders.send_mail", side_effect=ConnectionError),
        pytest.raises(ConnectionError),
    ):
        send(date(2020, 12, 4))
    assert not Reminder.objects.exists() and not Notification.objects.exists()
    assert send(date(2020, 12, 4)) == 1


def test_approvers_are_reminded_when_updates_wait_near_the_approval_deadline(meeting):
    approver = UserFactory(username="approver")
    approver.groups.add(Group.objects.get(name=ADMIN))
    kvi = KVIFactory(code="KVI-03", committees=[meeting.committee])
    assert send(date(2020, 12, 10)) == 0  # nothing waiting
    KVIUpdate.objects.create(kvi=kvi, month=meeting.month_reviewed, status=UpdateStatus.SUBMITTED)
    assert send(date(2020, 12, 9)) == 0  # before the warning day
    assert send(date(2020, 12, 10)) == 1
    assert send(date(2020, 12, 11)) == 0
    assert mail.outbox[0].to == ["approver@example.org"]
    assert "KVI-03" in mail.outbox[0].body
    assert send(date(2020, 12, 14)) == 0  # past the approval deadline


def test_configured_approvers_replace_everyone_who_may_approve(meeting):
    UserFactory(username="approver").groups.add(Group.objects.get(name=ADMIN))
    chosen = UserFactory(username="chosen")
    ReminderSettings.current().approvers.add(chosen)
    kvi = KVIFactory(code="KVI-03", committees=[meeting.committee])
    KVIUpdate.objects.create(kvi=kvi, month=meeting.month_reviewed, status=UpdateStatus.SUBMITTED)
    send(date(2020, 12, 10))
    assert [m.to for m in mail.outbox] == [["chosen@example.org"]]


def test_secretaries_are_told_once_per_pack_version_ready_to_issue(meeting):
    secretary = UserFactory(username="secretary")
    services.committee_calendar(meeting.committee).secretaries.add(secretary)
    pack = Pack.objects.create(
        committee=meeting.committee,
        month=meeting.month_reviewed,
        version=1,
        requested_at=timezone.now(),
    )
    assert send(date(2020, 12, 14)) == 0  # queued, not ready
    Pack.objects.filter(pk=pack.pk).update(status="ready")
    assert send(date(2020, 12, 14)) == 1
    assert send(date(2020, 12, 15)) == 0
    assert "Ready to issue" in mail.outbox[0].subject


def test_the_beat_task_calls_the_service(owner):
    from meetings.tasks import send_calendar_reminders

    with mock.patch("meetings.reminders.localdate", return_value=date(2020, 12, 4)):
        assert send_calendar_reminders() == 1
        assert send_calendar_reminders() == 0
