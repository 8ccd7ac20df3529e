"""What the KVI app sees of the registers: three rules and three pack sections."""

from datetime import date, datetime

import pytest
from django.template.loader import render_to_string

from core.calendar import LONDON
from core.models import Committee
from issues.tests.factories import BreachFactory, CommunicationFactory, IssueFactory
from kvis import registry
from kvis.rules import Rag, Suggestion

pytestmark = pytest.mark.django_db

NOVEMBER = date(2020, 11, 1)


@pytest.mark.parametrize(
    "key", ["issues.breaches_monthly", "issues.communications_monthly", "issues.issue_resolution"]
)
def test_rules_are_registered_and_answer_a_suggestion(key):
    rule = registry.rule(key)
    assert rule is not None
    suggestion = rule.provider(NOVEMBER)
    assert isinstance(suggestion, Suggestion)


def test_breach_rule_follows_the_register():
    provider = registry.rule("issues.breaches_monthly").provider
    assert provider(NOVEMBER).rag == Rag.GREEN
    BreachFactory(severity="critical", identified_at=datetime(2020, 11, 5, 9, tzinfo=LONDON))
    assert provider(NOVEMBER).rag == Rag.RED


def test_communications_rule_is_not_reported_without_communications():
    provider = registry.rule("issues.communications_monthly").provider
    assert provider(NOVEMBER).rag == Rag.NOT_REPORTED
    CommunicationFactory(sent_at=datetime(2020, 11, 5, 9, tzinfo=LONDON), quality_score=4)
    assert provider(NOVEMBER).rag == Rag.RED


def test_issue_rule_is_red_with_an_unscored_new_issue():
    IssueFactory(identified_at=datetime(2020, 11, 5, 9, tzinfo=LONDON))
    assert registry.rule("issues.issue_resolution").provider(NOVEMBER).rag == Rag.RED


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("issues.register_summary", "Open issues by age"),
        ("issues.breaches", "Both clocks per breach"),
        ("issues.communications", "KVI year to date"),
    ],
)
def test_pack_sections_render_plain_fragments(key, expected):
    IssueFactory(identified_at=datetime(2020, 11, 5, 9, tzinfo=LONDON), impact=3, financial=3)
    BreachFactory(severity="high", identified_at=datetime(2020, 11, 5, 9, tzinfo=LONDON))
    CommunicationFactory(sent_at=datetime(2020, 11, 5, 9, tzinfo=LONDON))
    committee = Committee.objects.create(code="CoMC", name="Contract Management Committee")
    section = next(s for s in registry.pack_sections("CoMC") if s.key == key)
    html = render_to_string(section.template_name, section.context(committee, NOVEMBER))
    assert expected in html
    assert "<html" not in html and "November 2020" in html
    assert 'class="rag rag-' in html
