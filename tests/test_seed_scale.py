"""seed_scale: consistent with the apps' rules, and a second run with the same arguments
changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from core import calendar
from issues import rules, selectors
from issues.models import Breach, Issue, IssueAction
from kvis.models import KVI, KVIUpdate
from kvis.selectors import kvi_suggestion
from performance_plans.models import Plan

pytestmark = pytest.mark.django_db

ARGS = [
    "--kvis",
    "2",
    "--months",
    "3",
    "--issues",
    "40",
    "--breaches",
    "10",
    "--plans",
    "2",
    "--comms-per-month",
    "2",
]


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (KVIUpdate, Issue, IssueAction, Breach, Plan))


def test_seed_scale_follows_the_rules_and_is_idempotent():
    call_command("seed_scale", *ARGS, stdout=StringIO())
    first = _counts()
    call_command("seed_scale", *ARGS, stdout=StringIO())
    assert _counts() == first

    bands = selectors.matrix_current().band_rules()
    closed = calendar.closed_days(range(2020, 2022))
    issues = Issue.objects.filter(title__startswith="Scale issue").prefetch_related("actions")
    assert issues.count() == 40
    for issue in issues:
        assert issue.history.count() == 1
        if issue.score is None:
            assert not issue.actions.all() and issue.status == "open"
            continue
        assert issue.score == rules.issue_score(issue.impact, issue.financial)
        band = rules.band_for(issue.score, bands)
        assert issue.band == band.name
        due = rules.required_actions(issue.identified_at, band, closed)
        assert {a.kind: a.due_at for a in issue.actions.all()} == due
        if issue.resolved_at:
            assert issue.resolved_at > issue.identified_at
            assert all(a.done_at for a in issue.actions.all())
    for breach in Breach.objects.filter(description__startswith="Scale breach"):
        assert breach.resolution_due == rules.breach_resolution_due(breach.identified_at, closed)
        assert breach.notification_due == rules.breach_notification_due(
            breach.identified_at, breach.severity
        )
    for update in KVIUpdate.objects.filter(kvi__code__startswith="SCALE-").select_related("kvi"):
        suggestion, _ = kvi_suggestion(update.kvi, update.month)
        assert (update.suggested_rag, update.reported_rag) == (suggestion.rag.value,) * 2
    assert KVI.objects.filter(code__startswith="SCALE-").count() == 2
