"""Evidence a passed gate relied on stays (issue #14, finding 11): a plan past a gate cannot be
saved with that gate's meeting date, signatures, notification or contact blanked."""

from dataclasses import replace
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from performance_plans import rules, services
from performance_plans.models import Plan
from performance_plans.rules import Step
from performance_plans.tests.test_rules import COMPLETE
from performance_plans.tests.test_services import _plan_at

pytestmark = pytest.mark.django_db

#: What a plan's record holds for each gate, and the blank that would erase it.
ERASURES = [
    (Step.ESTABLISHED, {"meeting_held_on": None}, rules.MISSING_MEETING),
    (
        Step.ESTABLISHED,
        {"signed_for_party_by": "", "signed_for_party_on": None},
        rules.MISSING_PARTY_SIGNATURE,
    ),
    (
        Step.ESTABLISHED,
        {"signed_for_provider_by": "", "signed_for_provider_on": None},
        rules.MISSING_PROVIDER_SIGNATURE,
    ),
    (Step.NOTIFIED, {"notified_on": None}, rules.MISSING_NOTIFICATION_DATE),
    (Step.NOTIFIED, {"notified_by": " "}, rules.MISSING_NOTIFICATION_BY),
    (Step.UNDER_REVIEW, {"party_contact_email": ""}, rules.MISSING_PARTY_CONTACT),
]


def _message(gate: Step, item: str) -> str:
    return rules.EVIDENCE_KEPT.format(gate.label, item)


# The rule --------------------------------------------------------------------------------------


@pytest.mark.parametrize("step", list(Step))
def test_a_change_that_keeps_the_evidence_is_allowed_at_every_step(step):
    changed = replace(COMPLETE, meeting_held_on=date(2022, 2, 2), notified_by="PAC chair")
    assert rules.evidence_removed(step, COMPLETE, changed) == []


def test_evidence_of_a_gate_not_yet_passed_may_be_removed():
    blanked = replace(COMPLETE, notified_on=None, party_signed=False)
    assert rules.evidence_removed(Step.GAPS_OUTLINED, COMPLETE, blanked) == []
    assert rules.evidence_removed(Step.ESTABLISHED, COMPLETE, blanked) == [
        _message(Step.ESTABLISHED, rules.MISSING_PARTY_SIGNATURE)
    ]
    assert rules.evidence_removed(Step.UNDER_REVIEW, COMPLETE, blanked) == [
        _message(Step.ESTABLISHED, rules.MISSING_PARTY_SIGNATURE),
        _message(Step.NOTIFIED, rules.MISSING_NOTIFICATION_DATE),
    ]


def test_what_was_already_missing_is_not_blamed_on_the_change():
    before = replace(COMPLETE, provider_signed=False)
    assert rules.evidence_removed(Step.NOTIFIED, before, before) == []


# The service and the form ----------------------------------------------------------------------


@pytest.mark.parametrize(("gate", "blanks", "item"), ERASURES)
def test_a_plan_under_review_keeps_its_gates_evidence(pafa_user, gate, blanks, item):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    with pytest.raises(services.ApplicationError) as refused:
        services.plan_update(plan=plan, version=plan.version, changes=blanks, by=pafa_user)
    assert refused.value.message == _message(gate, item)
    kept = Plan.objects.get(pk=plan.pk)
    assert kept.version == plan.version
    assert all(getattr(kept, name) == getattr(plan, name) for name in blanks)


def test_the_same_blank_is_allowed_before_the_gate_is_passed(pafa_user):
    plan = _plan_at(Step.GAPS_OUTLINED, pafa_user)
    plan = services.plan_update(
        plan=plan, version=plan.version, changes={"meeting_held_on": date(2022, 2, 1)}, by=pafa_user
    )
    plan = services.plan_update(
        plan=plan, version=plan.version, changes={"meeting_held_on": None}, by=pafa_user
    )
    assert plan.meeting_held_on is None


def test_the_edit_form_refuses_to_blank_a_passed_gates_evidence_with_409(pafa_user):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    client = Client()
    client.force_login(pafa_user)
    data = {
        "title": plan.title,
        "version": plan.version,
        "review_interval_days": plan.review_interval_days,
        "party_contact_email": plan.party_contact_email,
        # The meeting date, signatures and notification left blank.
    }
    response = client.post(reverse("plans:edit", args=[plan.pk]), data)
    assert response.status_code == 409
    text = response.content.decode()
    assert _message(Step.ESTABLISHED, rules.MISSING_MEETING).replace("'", "&#x27;") in text
    kept = Plan.objects.get(pk=plan.pk)
    assert kept.meeting_held_on == plan.meeting_held_on and kept.notified_on == plan.notified_on
