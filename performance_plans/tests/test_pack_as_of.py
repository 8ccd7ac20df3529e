"""The PAC pack's plans section shows each plan as it stood at the end of the pack's month
(#13 finding 3: the November 2020 PAC pack showed "Next review 7 Dec 2026")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from performance_plans.models import Plan, Review
from performance_plans.pack import parties_context as pack_parties_context
from performance_plans.rules import Step
from performance_plans.tests.factories import PlanFactory

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
