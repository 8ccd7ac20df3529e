"""The demo registers reproduce the November 2020 figures of the seed documents."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from issues import selectors
from issues.models import Breach, Communication, Issue, RectificationTask
from kvis.rules import Rag

pytestmark = pytest.mark.django_db

NOVEMBER = date(2020, 11, 1)


@pytest.fixture
def demo():
    from core import demo as core_demo
    from issues import demo as issues_demo

    core_demo.load()
    issues_demo.load()


def test_three_low_breaches_in_november_are_green(demo):
    figures = selectors.breach_month(NOVEMBER)
    assert [(r["label"], r["count"]) for r in figures["rows"]] == [
        ("Critical/High", 0),
        ("Medium", 0),
        ("Low", 3),
    ]
    assert figures["suggestion"].rag == Rag.GREEN


def test_novembers_communications_score_9_7_from_their_checklists(demo):
    november = Communication.objects.sent_in(NOVEMBER)
    assert sorted(str(c.framework_score) for c in november) == ["10.0", "10.0", "9.1"]
    assert not any(c.score_adjusted for c in Communication.objects.all())


def test_communications_score_as_reported(demo):
    figures = selectors.comms_month(NOVEMBER)
    assert figures["mean"] == Decimal("9.7")
    assert figures["previous"] == Decimal("8.3")
    assert figures["change"] == Decimal("1.4")
    assert figures["ytd_mean"] == Decimal("8.1")
    assert (figures["class"], figures["ytd_class"]) == (
        "Exceeded Expectations",
        "Met Expectations",
    )


def test_aq_defects_ninety_percent_identified_by_the_provider(demo):
    figures = selectors.issue_month(NOVEMBER)
    assert figures["aq_by_provider_pct"] == Decimal("90.0")
    assert figures["unscored"] == 0
    assert figures["suggestion"].rag == Rag.GREEN
    ages = dict(figures["age_profile"])
    assert all(ages[label] for label in ("0–30 days", "31–90 days", "91–180 days", "180+ days"))


def test_one_open_issue_has_an_overdue_rectification_task(demo):
    overdue = RectificationTask.objects.overdue()
    assert overdue.count() == 1
    assert overdue.get().issue.status == "plan_agreed"


def test_demo_owned_by_ops_and_idempotent(demo):
    counts = (Issue.objects.count(), Breach.objects.count(), Communication.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Issue.objects.count(), Breach.objects.count(), Communication.objects.count()) == counts
    assert set(Issue.objects.values_list("owner__username", flat=True)) == {"ops"}
