"""Meetings, the action log and the pack schedule: services and selectors."""

from datetime import date
from unittest import mock

import pytest

from core.errors import ApplicationError, StaleVersion
from core.tests.factories import ClosureDayFactory, CommitteeFactory, UserFactory
from kvis.models import ForwardPlanItem
from kvis.registry import NO_PACK_DATE
from meetings import selectors, services
from meetings.rules import ActionStatus
from meetings.tests.factories import ActionFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_a_meeting_takes_its_deadlines_from_the_committees_calendar():
    comc = CommitteeFactory()
    meeting = services.meeting_create(committee=comc, day=date(2020, 12, 16))
    assert meeting.month_reviewed == date(2020, 11, 1)
    assert meeting.submission_deadline == date(2020, 12, 9)
    assert meeting.approval_deadline == date(2020, 12, 11)
    assert meeting.pack_issue_date == date(2020, 12, 14)


def test_the_committees_number_of_days_and_closure_days_count():
    comc = CommitteeFactory()
    calendar = services.committee_calendar(comc)
    calendar.submission_days = 6
    calendar.save()
    ClosureDayFactory(day=date(2020, 12, 8), reason="Office move")
    meeting = services.meeting_create(committee=comc, day=date(2020, 12, 16))
    assert meeting.submission_deadline == date(2020, 12, 7)


def test_a_years_schedule_skips_meetings_already_entered():
    comc = CommitteeFactory()
    services.meeting_create(committee=comc, day=date(2020, 12, 16))
    created = services.meetings_schedule(
        committee=comc, days=[date(2020, 11, 18), date(2020, 12, 16), date(2021, 1, 20)]
    )
    assert [m.date for m in created] == [date(2020, 11, 18), date(2021, 1, 20)]
    with pytest.raises(ApplicationError):
        services.meeting_create(committee=comc, day=date(2020, 12, 16))


def test_a_meeting_update_needs_the_current_version():
    meeting = MeetingFactory()
    user = UserFactory()
    services.meeting_update(meeting=meeting, data={"location": "Online"}, version=1, by=user)
    with pytest.raises(StaleVersion):
        services.meeting_update(meeting=meeting, data={"location": "Solihull"}, version=1, by=user)


def test_the_owner_marks_an_action_complete_with_a_note_others_may_not():
    owner, other = UserFactory(), UserFactory()
    action = ActionFactory(owner=owner)
    with pytest.raises(ApplicationError, match="owner"):
        services.action_complete(action=action, note="Done", by=other, version=1)
    with pytest.raises(ApplicationError, match="note"):
        services.action_complete(action=action, note=" ", by=owner, version=1)
    done = services.action_complete(
        action=action, note="Sent to CoMC", by=owner, version=1, on=date(2021, 1, 10)
    )
    assert done.completed_on == date(2021, 1, 10)
    assert done.status_on(date(2021, 1, 10)) is ActionStatus.COMPLETE
    assert done.history.first().history_user == owner


def test_open_actions_carry_to_the_next_meeting_until_complete():
    comc = CommitteeFactory()
    nov = MeetingFactory(
        committee=comc,
        date=date(2020, 11, 18),
        month_reviewed=date(2020, 10, 1),
        submission_deadline=date(2020, 11, 11),
        approval_deadline=date(2020, 11, 13),
        pack_issue_date=date(2020, 11, 16),
    )
    dec = MeetingFactory(committee=comc)
    jan = MeetingFactory(
        committee=comc,
        date=date(2021, 1, 20),
        month_reviewed=date(2020, 12, 1),
        submission_deadline=date(2021, 1, 13),
        approval_deadline=date(2021, 1, 15),
        pack_issue_date=date(2021, 1, 18),
    )
    open_one = ActionFactory(meeting=nov, start=date(2020, 11, 18), due=date(2020, 12, 1))
    done_before_dec = ActionFactory(
        meeting=nov, start=date(2020, 11, 18), due=date(2020, 12, 1), completed_on=date(2020, 12, 1)
    )
    dec_rows = {r.action: r for r in selectors.meeting_actions(dec, today=date(2021, 3, 1))}
    assert dec_rows[open_one].carried and dec_rows[open_one].status is ActionStatus.DELAYED
    assert dec_rows[done_before_dec].status is ActionStatus.COMPLETE  # reported done once
    jan_actions = [r.action for r in selectors.meeting_actions(jan, today=date(2021, 3, 1))]
    assert jan_actions == [open_one]


def test_decisions_due_are_the_forward_plan_items_since_the_last_meeting():
    comc = CommitteeFactory()
    MeetingFactory(
        committee=comc,
        date=date(2020, 11, 18),
        month_reviewed=date(2020, 10, 1),
        submission_deadline=date(2020, 11, 11),
        approval_deadline=date(2020, 11, 13),
        pack_issue_date=date(2020, 11, 16),
    )
    dec = MeetingFactory(committee=comc)
    item = ForwardPlanItem.objects.create(
        committee=comc, decision_date=date(2020, 12, 16), item="Q2"
    )
    ForwardPlanItem.objects.create(committee=comc, decision_date=date(2020, 11, 18), item="Older")
    ForwardPlanItem.objects.create(committee=comc, decision_date=date(2021, 1, 20), item="Later")
    assert list(selectors.decisions_due(dec)) == [item]
    services.decision_record(
        meeting=dec, text="Noted", decided_by="CoMC", by=None, forward_plan_item=item
    )
    assert selectors.plan_item_status(selectors.forward_plan().get(pk=item.pk)).label == "Decided"


def test_a_decision_cannot_answer_another_committees_item():
    item = ForwardPlanItem.objects.create(
        committee=CommitteeFactory(code="PAC"), decision_date=date(2020, 12, 16), item="PIPs"
    )
    with pytest.raises(ApplicationError):
        services.decision_record(
            meeting=MeetingFactory(), text="x", decided_by="y", by=None, forward_plan_item=item
        )


# --- The monthly pack schedule ---------------------------------------------------------


def test_pack_date_from_the_meeting():
    meeting = MeetingFactory()
    comc = meeting.committee
    assert selectors.pack_issue_date(comc, date(2020, 12, 14)) == date(2020, 11, 1)
    # The 5th business day of December: a meeting reviews November, so nothing is due.
    assert selectors.pack_issue_date(comc, date(2020, 12, 7)) is None
    # No meeting reviews December: the 5th business day applies.
    assert selectors.pack_issue_date(comc, date(2021, 1, 8)) is NO_PACK_DATE


def test_the_monthly_task_requests_a_pack_on_its_meetings_pack_date():
    from kvis import tasks

    meeting = MeetingFactory()
    CommitteeFactory(code="PAC", name="Performance Assurance Committee")
    with (
        mock.patch("core.calendar.localdate", return_value=date(2020, 12, 14)),
        mock.patch.object(tasks.packs, "pack_request") as request,
    ):
        assert tasks.request_monthly_packs() == ["CoMC"]
    request.assert_called_once_with(committee=meeting.committee, month=date(2020, 11, 1), by=None)
    # On the 5th business day CoMC's meeting rules; PAC, without meetings, gets its pack.
    with (
        mock.patch("core.calendar.localdate", return_value=date(2020, 12, 7)),
        mock.patch.object(tasks.packs, "pack_request") as request,
    ):
        assert tasks.request_monthly_packs() == ["PAC"]
