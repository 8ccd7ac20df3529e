"""The calendar's pure rules: deadlines across bank holidays, derived statuses, stages."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import bank_holidays, business_days_between, is_business_day
from meetings import rules
from meetings.rules import ActionStatus, PlanStatus

HOLIDAYS = bank_holidays(range(2019, 2024))


@pytest.mark.parametrize(
    ("meeting", "submission", "approval", "pack"),
    [
        # CoMC 16 Dec 2020 (Wed): 5, 3 and 2 business days before.
        (date(2020, 12, 16), date(2020, 12, 9), date(2020, 12, 11), date(2020, 12, 14)),
        # 6 Jan 2021 (Wed): New Year's Day and Boxing Day's substitute (Mon 28 Dec)
        # are skipped.
        (date(2021, 1, 6), date(2020, 12, 29), date(2020, 12, 31), date(2021, 1, 4)),
        # 8 Apr 2020 (Wed before Easter): no holiday inside the window.
        (date(2020, 4, 8), date(2020, 4, 1), date(2020, 4, 3), date(2020, 4, 6)),
        # 15 Apr 2020 (Wed after Easter): Good Friday 10 and Easter Monday 13 are skipped.
        (date(2020, 4, 15), date(2020, 4, 6), date(2020, 4, 8), date(2020, 4, 9)),
        # 3 Jun 2020 (Wed): the late May bank holiday (25 May) is skipped.
        (date(2020, 6, 3), date(2020, 5, 27), date(2020, 5, 29), date(2020, 6, 1)),
    ],
)
def test_deadlines_skip_weekends_and_bank_holidays(meeting, submission, approval, pack):
    dates = rules.meeting_dates(meeting, HOLIDAYS)
    assert (dates.submission_deadline, dates.approval_deadline, dates.pack_issue_date) == (
        submission,
        approval,
        pack,
    )


def test_a_closure_day_is_skipped_too():
    closed = set(HOLIDAYS) | {date(2020, 12, 10)}
    assert rules.meeting_dates(date(2020, 12, 16), closed).submission_deadline == date(2020, 12, 8)


def test_the_number_of_days_is_the_committees():
    dates = rules.meeting_dates(date(2020, 12, 16), HOLIDAYS, submission_days=10)
    assert dates.submission_deadline == date(2020, 12, 2)


def test_a_meeting_reviews_the_month_before():
    assert rules.meeting_dates(date(2020, 12, 16), HOLIDAYS).month_reviewed == date(2020, 11, 1)
    assert rules.month_reviewed(date(2021, 1, 20)) == date(2020, 12, 1)


def test_deadlines_out_of_order_are_refused():
    with pytest.raises(ValueError):
        rules.meeting_dates(date(2020, 12, 16), HOLIDAYS, submission_days=2, approval_days=3)


meeting_days = st.dates(date(2019, 1, 7), date(2023, 12, 20))
day_counts = st.integers(min_value=0, max_value=10)


@given(meeting_days, day_counts, day_counts, day_counts)
def test_each_deadline_is_a_business_day_the_stated_number_before(day, a, b, c):
    submission_days, approval_days, pack_days = sorted((a, b, c), reverse=True)
    dates = rules.meeting_dates(
        day,
        HOLIDAYS,
        submission_days=submission_days,
        approval_days=approval_days,
        pack_days=pack_days,
    )
    for deadline, n in [
        (dates.submission_deadline, submission_days),
        (dates.approval_deadline, approval_days),
        (dates.pack_issue_date, pack_days),
    ]:
        if n == 0:
            assert deadline == day
            continue
        assert is_business_day(deadline, HOLIDAYS)
        assert deadline < day
        # n business days before the meeting: counting from the deadline to the day before
        # the meeting gives n - 1 more business days, plus the meeting day when it is one.
        between = business_days_between(deadline, day - timedelta(days=1), HOLIDAYS)
        assert between == n - 1
    assert dates.submission_deadline <= dates.approval_deadline <= dates.pack_issue_date <= day


# --- Actions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "completed_on", "on", "status"),
    [
        (date(2020, 1, 31), None, date(2020, 12, 16), ActionStatus.DELAYED),
        (date(2020, 1, 31), None, date(2020, 1, 31), ActionStatus.ON_TARGET),
        (date(2020, 1, 31), None, date(2020, 2, 1), ActionStatus.DELAYED),
        (date(2020, 1, 31), date(2020, 2, 10), date(2020, 12, 16), ActionStatus.COMPLETE),
        (date(2020, 1, 31), date(2020, 2, 10), date(2020, 2, 5), ActionStatus.DELAYED),
        (date(2020, 3, 31), date(2020, 3, 1), date(2020, 3, 1), ActionStatus.COMPLETE),
        (date(2020, 3, 31), date(2020, 3, 2), date(2020, 3, 1), ActionStatus.ON_TARGET),
    ],
)
def test_action_status_table(due, completed_on, on, status):
    assert rules.action_status(due=due, completed_on=completed_on, on=on) is status


days = st.dates(date(2019, 1, 1), date(2022, 12, 31))


@given(days, st.none() | days, days)
def test_action_status_is_one_of_three_and_follows_its_definition(due, completed_on, on):
    status = rules.action_status(due=due, completed_on=completed_on, on=on)
    done = completed_on is not None and completed_on <= on
    assert (status is ActionStatus.COMPLETE) == done
    assert (status is ActionStatus.DELAYED) == (not done and due < on)


@given(days, days)
def test_once_complete_an_action_stays_complete(completed_on, due):
    later = completed_on + timedelta(days=400)
    assert (
        rules.action_status(due=due, completed_on=completed_on, on=later) is ActionStatus.COMPLETE
    )


def test_plan_status():
    d = date(2020, 12, 16)
    assert rules.plan_status(decision_date=d, decided=True, on=d) is PlanStatus.DECIDED
    assert rules.plan_status(decision_date=d, decided=False, on=d) is PlanStatus.PLANNED
    assert rules.plan_status(decision_date=d, decided=False, on=d + timedelta(1)) is (
        PlanStatus.OVERDUE
    )


# --- Reminder stages --------------------------------------------------------------------

DEADLINE = date(2020, 12, 9)  # Wednesday
STAGES = rules.owner_stages(DEADLINE, 3, HOLIDAYS)


def test_owner_stages_are_n_and_1_business_days_before_and_the_day_after():
    assert [(s.key, s.starts, s.ends) for s in STAGES] == [
        ("before-3", date(2020, 12, 4), DEADLINE),
        ("before-1", date(2020, 12, 8), DEADLINE),
        ("missed", date(2020, 12, 10), None),
    ]


def test_a_before_stage_ends_with_the_deadline():
    before_only = STAGES[:2]
    assert rules.stage_due(before_only, date(2020, 12, 9), until=date(2020, 12, 16)).key == (
        "before-1"
    )
    assert rules.stage_due(before_only, date(2020, 12, 10), until=date(2020, 12, 16)) is None


def test_owner_stages_across_christmas():
    stages = rules.owner_stages(date(2020, 12, 24), 3, HOLIDAYS)
    assert [s.starts for s in stages] == [
        date(2020, 12, 21),
        date(2020, 12, 23),
        date(2020, 12, 29),
    ]


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (date(2020, 12, 3), None),
        (date(2020, 12, 4), "before-3"),
        (date(2020, 12, 7), "before-3"),
        (date(2020, 12, 8), "before-1"),
        (date(2020, 12, 9), "before-1"),
        (date(2020, 12, 10), "missed"),
        (date(2020, 12, 16), "missed"),
        (date(2020, 12, 17), None),  # after the meeting nothing is reminded
    ],
)
def test_the_stage_in_force(today, stage):
    due = rules.stage_due(STAGES, today, until=date(2020, 12, 16))
    assert (due.key if due else None) == stage


@given(st.dates(date(2020, 11, 1), date(2021, 1, 31)), st.integers(1, 10))
def test_a_stage_in_force_has_started_and_no_later_stage_has(today, first_days):
    stages = rules.owner_stages(DEADLINE, first_days, HOLIDAYS)
    due = rules.stage_due(stages, today, until=date(2020, 12, 16))
    if due is None:
        assert today > date(2020, 12, 16) or all(s.starts > today for s in stages)
    else:
        later = stages[stages.index(due) + 1 :]
        assert due.starts <= today and all(s.starts > today for s in later)
        assert today <= (due.ends or date(2020, 12, 16))


def test_approval_stage():
    assert rules.approval_stage(date(2020, 12, 11), 1, HOLIDAYS).starts == date(2020, 12, 10)
    assert rules.approval_stage(date(2020, 12, 11), 0, HOLIDAYS).starts == date(2020, 12, 11)
