"""The pack's issue list gives each issue's next action due as it stood at the month's end."""

from datetime import date, datetime

import pytest

from core.calendar import LONDON
from issues.models import RectificationTask
from issues.pack import issue_register_context
from issues.tests.factories import IssueFactory, RectificationTaskFactory

pytestmark = pytest.mark.django_db
JUNE = date(2021, 6, 1)


def _next_due(issue) -> date | None:
    [row] = [r for r in issue_register_context(None, JUNE)["rows"] if r["issue"] == issue]
    return row["next_due"]


def test_an_action_done_after_the_month_is_still_its_next_due_in_that_months_pack():
    issue = IssueFactory(impact=3, financial=3)  # High: required actions due in June
    first = issue.actions.order_by("due_at").first()
    due_day = first.due_at.astimezone(LONDON).date()
    assert _next_due(issue) == due_day
    first.done_at = datetime(2021, 7, 2, 9, tzinfo=LONDON)  # done in July
    first.save()
    assert _next_due(issue) == due_day
    first.done_at = datetime(2021, 6, 20, 9, tzinfo=LONDON)  # done in June: the next one
    first.save()
    assert (
        _next_due(issue)
        == issue.actions.exclude(pk=first.pk)
        .order_by("due_at")
        .first()
        .due_at.astimezone(LONDON)
        .date()
    )


def test_a_task_done_after_the_month_is_still_due_in_that_months_pack():
    issue = IssueFactory(impact=3, financial=3)
    issue.actions.update(done_at=datetime(2021, 6, 15, 9, tzinfo=LONDON))
    task = RectificationTaskFactory(issue=issue, due_date=date(2021, 6, 28))
    assert _next_due(issue) == date(2021, 6, 28)
    RectificationTask.objects.filter(pk=task.pk).update(done_date=date(2021, 7, 2))
    assert _next_due(issue) == date(2021, 6, 28)
    # A day has no hour: the month's figures count a task done on the 1st as done by the
    # month's end (first instant of the 1st), and so does its list.
    RectificationTask.objects.filter(pk=task.pk).update(done_date=date(2021, 7, 1))
    assert _next_due(issue) is None
    RectificationTask.objects.filter(pk=task.pk).update(done_date=date(2021, 6, 30))
    assert _next_due(issue) is None


def test_an_action_due_just_after_midnight_in_summer_is_due_on_that_london_day():
    issue = IssueFactory(impact=3, financial=3)
    issue.actions.update(due_at=datetime(2021, 6, 22, 0, 30, tzinfo=LONDON))  # 23:30 UTC on 21st
    assert _next_due(issue) == date(2021, 6, 22)
