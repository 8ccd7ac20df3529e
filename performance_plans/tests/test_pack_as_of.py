"""The PAC pack's plans section shows each plan as it stood at the end of the pack's month
(#13 finding 3: the November 2020 PAC pack showed "Next review 7 Dec 2026")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from performance_plans.models import Chase, Escalation, Plan, Review
from performance_plans.pack import parties_context as pack_parties_context
from performance_plans.rules import Step
from performance_plans.tests.factories import ActionFactory, PlanFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
NOV = date(2020, 11, 1)


def _recorded_on(obj, moment: datetime) -> None:
    """Date the object's history rows so far at `moment` (as if recorded then)."""
    obj.history.all().update(history_date=moment)


def test_a_plan_recorded_after_the_month_is_not_in_its_pack():
    PlanFactory(step=Step.UNDER_REVIEW, next_review_on=date(2026, 12, 7))
    context = pack_parties_context(None, NOV)
    assert context["open_plans"] == []


def test_step_rag_and_next_review_are_those_at_the_months_end():
    plan = PlanFactory(step=Step.NOTIFIED, next_review_on=date(2020, 12, 4))
    _recorded_on(plan, datetime(2020, 10, 20, 12, tzinfo=LONDON))
    held = Review.objects.create(
        plan=plan, scheduled_on=date(2020, 11, 20), held_on=date(2020, 11, 20), plan_rag="amber"
    )
    _recorded_on(held, datetime(2020, 11, 20, 15, tzinfo=LONDON))
    # After November: the plan moves on, a December review is held Green, the next review moves.
    december = Review.objects.create(
        plan=plan, scheduled_on=date(2020, 12, 4), held_on=date(2020, 12, 4), plan_rag="green"
    )
    _recorded_on(december, datetime(2020, 12, 4, 15, tzinfo=LONDON))
    Plan.objects.filter(pk=plan.pk).update(step=Step.UNDER_REVIEW)
    plan.refresh_from_db()
    plan.next_review_on = date(2026, 12, 7)
    plan.save()

    [row] = pack_parties_context(None, NOV)["open_plans"]
    assert row["next_review_on"] == date(2020, 12, 4)
    assert row["step"] == plan.__class__(step=Step.NOTIFIED).step_label
    assert row["rag"].value == "amber"
    [row] = pack_parties_context(None, date(2020, 12, 1))["open_plans"]
    assert row["rag"].value == "green"  # recorded in December: December's pack shows it


def test_actions_chases_and_escalations_are_those_at_the_months_end():
    plan = PlanFactory(step=Step.UNDER_REVIEW)
    _recorded_on(plan, datetime(2020, 10, 1, 12, tzinfo=LONDON))
    done_in_december = ActionFactory(plan=plan, description="Clear the backlog")
    _recorded_on(done_in_december, datetime(2020, 10, 2, 12, tzinfo=LONDON))
    done_in_december.percent_complete = 100
    done_in_december.save()
    done_in_december.history.filter(percent_complete=100).update(
        history_date=datetime(2020, 12, 5, 12, tzinfo=LONDON)
    )
    added_in_december = ActionFactory(plan=plan, description="Added later")
    _recorded_on(added_in_december, datetime(2020, 12, 3, 12, tzinfo=LONDON))
    chased = Chase.objects.create(plan=plan, chased_on=date(2020, 11, 10))
    _recorded_on(chased, datetime(2020, 11, 10, 9, tzinfo=LONDON))
    chased.answered = True
    chased.save()  # answered later: November's pack still shows it as it stood
    late_chase = Chase.objects.create(plan=plan, chased_on=date(2020, 11, 27))
    _recorded_on(late_chase, datetime(2020, 12, 2, 9, tzinfo=LONDON))
    escalated = Escalation.objects.create(
        plan=plan, escalated_to="cam", escalated_on=date(2020, 11, 20), missed_updates=3
    )
    _recorded_on(escalated, datetime(2020, 11, 20, 9, tzinfo=LONDON))

    [row] = pack_parties_context(None, NOV)["open_plans"]
    assert [a.description for a in row["actions"]] == ["Clear the backlog"]
    assert [(c.chased_on, c.answered) for c in row["chases"]] == [(date(2020, 11, 10), False)]
    assert [e.escalated_on for e in row["escalations"]] == [date(2020, 11, 20)]

    [today] = pack_parties_context(None, date(2020, 12, 1))["open_plans"]
    assert [a.description for a in today["actions"]] == ["Added later"]
    assert today["chases"] == []  # December's pack lists December's chases only


def test_a_plan_whose_steps_were_recorded_at_one_instant_is_listed_once():
    """The demo dates a plan's history rows on the day each step happened, several on one
    day: the pack listed such a plan once per row (six times for the demo's SES plan)."""
    plan = PlanFactory(step=Step.GAPS_OUTLINED)
    for step in (Step.ESTABLISHED, Step.NOTIFIED, Step.UNDER_REVIEW):
        Plan.objects.filter(pk=plan.pk).update(step=step)
        plan.refresh_from_db()
        plan.save()
    _recorded_on(plan, datetime(2020, 11, 10, 12, tzinfo=LONDON))

    rows = pack_parties_context(None, NOV)["open_plans"]
    assert [row["plan"].pk for row in rows] == [plan.pk]
    assert rows[0]["step"] == plan.__class__(step=Step.UNDER_REVIEW).step_label
