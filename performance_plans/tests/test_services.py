"""Services: every allowed and refused transition against the database, reviews, chasing and
escalation, evidence files, concurrency, history."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import STALE_VERSION
from core.models import Committee, SettingsMissing
from core.tests.factories import ClosureDayFactory, PartyFactory
from performance_plans import rules, selectors, services
from performance_plans.models import (
    ActionProgress,
    Escalation,
    EscalationTarget,
    Evidence,
    EvidenceKind,
    Plan,
    PlanSettings,
    Review,
    RootCauseChoices,
)
from performance_plans.rules import Step
from performance_plans.tests.factories import (
    PDF_BYTES,
    ActionFactory,
    EvidenceFactory,
    GapFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db


def _gate_error(to: Step, *missing: str) -> str:
    return rules.GATE_REFUSED.format(to.label, "; ".join(missing))


def _move(plan, to, user):
    return services.plan_transition(plan=plan, to=to, by=user, version=plan.version)


def _ready_for_established(plan):
    ActionFactory(plan=plan)
    plan.meeting_held_on = date(2022, 2, 1)
    plan.signed_for_party_by, plan.signed_for_party_on = "Party director", date(2022, 2, 1)
    plan.signed_for_provider_by, plan.signed_for_provider_on = "PAFA", date(2022, 2, 1)
    plan.save()


def _ready_for_notified(plan):
    plan.notified_on, plan.notified_by = date(2022, 2, 8), "PAFA for PAC"
    plan.notification_document = ContentFile(PDF_BYTES, name="notice.pdf")
    plan.save()


def _plan_at(step: Step, user) -> Plan:
    plan = PlanFactory(party_contact_email="cm@party.example")
    EvidenceFactory(gap=GapFactory(plan=plan))
    prepare = {
        Step.ESTABLISHED: _ready_for_established,
        Step.NOTIFIED: _ready_for_notified,
    }
    for target in list(Step)[1 : step.number + 1]:
        prepare.get(target, lambda p: None)(plan)
        plan = _move(plan, target, user)
    return plan


def test_plan_create_defaults_to_fortnightly_reviews_when_pac_mandates(pafa_user):
    pac = Committee.objects.create(code="PAC", name="Performance Assurance Committee")
    plan = services.plan_create(
        party=PartyFactory(),
        title="Reads",
        mandated_by=pac,
        mandated_on=date(2022, 1, 18),
        reviews_mandated=True,
        root_causes={RootCauseChoices.MARKET_DYNAMICS: "Skilled labour shortage"},
        by=pafa_user,
    )
    assert plan.review_interval_days == PlanSettings.current().mandated_review_interval_days
    assert plan.review_interval_days == 14
    assert plan.step == Step.MANDATED
    assert plan.root_causes.get().explanation == "Skilled labour shortage"


def test_plan_create_without_mandate_uses_the_ordinary_interval_from_settings(pafa_user):
    PlanSettings.objects.create(review_interval_days=21)
    plan = services.plan_create(
        party=PartyFactory(),
        title="Reads",
        mandated_by=None,
        mandated_on=None,
        reviews_mandated=False,
        root_causes={},
        by=pafa_user,
    )
    assert plan.review_interval_days == 21


def test_a_non_party_cannot_be_put_on_a_plan(pafa_user):
    with pytest.raises(services.ApplicationError, match="Only a party"):
        services.plan_create(
            party=PartyFactory(is_party=False),
            title="x",
            mandated_by=None,
            mandated_on=None,
            reviews_mandated=False,
            root_causes={},
            by=pafa_user,
        )


# Each gate, refused then allowed ------------------------------------------------------------


def test_gaps_outlined_refused_without_gaps_then_without_evidence_then_allowed(pafa_user):
    plan = PlanFactory()
    with pytest.raises(services.ApplicationError) as exc:
        _move(plan, Step.GAPS_OUTLINED, pafa_user)
    assert exc.value.message == _gate_error(Step.GAPS_OUTLINED, rules.MISSING_GAP)
    gap = GapFactory(plan=plan, description="Late reads")
    with pytest.raises(services.ApplicationError) as exc:
        _move(plan, Step.GAPS_OUTLINED, pafa_user)
    assert exc.value.message == _gate_error(
        Step.GAPS_OUTLINED, rules.MISSING_EVIDENCE.format("Late reads")
    )
    EvidenceFactory(gap=gap)
    assert _move(plan, Step.GAPS_OUTLINED, pafa_user).step == Step.GAPS_OUTLINED
    plan.refresh_from_db()
    assert plan.step == Step.GAPS_OUTLINED


def test_established_refused_until_meeting_actions_and_both_signatures(pafa_user):
    plan = _plan_at(Step.GAPS_OUTLINED, pafa_user)
    with pytest.raises(services.ApplicationError) as exc:
        _move(plan, Step.ESTABLISHED, pafa_user)
    assert exc.value.message == _gate_error(
        Step.ESTABLISHED,
        rules.MISSING_MEETING,
        rules.MISSING_ACTION,
        rules.MISSING_PARTY_SIGNATURE,
        rules.MISSING_PROVIDER_SIGNATURE,
    )
    _ready_for_established(plan)
    assert _move(plan, Step.ESTABLISHED, pafa_user).step == Step.ESTABLISHED


def test_notified_refused_until_the_notification_is_recorded(pafa_user):
    plan = _plan_at(Step.ESTABLISHED, pafa_user)
    with pytest.raises(services.ApplicationError) as exc:
        _move(plan, Step.NOTIFIED, pafa_user)
    assert exc.value.message == _gate_error(
        Step.NOTIFIED,
        rules.MISSING_NOTIFICATION_DATE,
        rules.MISSING_NOTIFICATION_BY,
        rules.MISSING_NOTIFICATION_DOCUMENT,
    )
    _ready_for_notified(plan)
    assert _move(plan, Step.NOTIFIED, pafa_user).step == Step.NOTIFIED


def test_under_review_refused_without_a_contact_and_schedules_the_first_review(
    pafa_user, monkeypatch
):
    monkeypatch.setattr(services.plans, "today", lambda: date(2022, 4, 1))
    plan = _plan_at(Step.NOTIFIED, pafa_user)
    Plan.objects.filter(pk=plan.pk).update(party_contact_email="")
    with pytest.raises(services.ApplicationError) as exc:
        _move(plan, Step.UNDER_REVIEW, pafa_user)
    assert exc.value.message == _gate_error(Step.UNDER_REVIEW, rules.MISSING_PARTY_CONTACT)
    Plan.objects.filter(pk=plan.pk).update(party_contact_email="cm@party.example")
    plan = _move(plan, Step.UNDER_REVIEW, pafa_user)
    # 1 April + 14 days is Good Friday; Easter Monday follows: the review is on Tuesday 19th.
    assert plan.next_review_on == date(2022, 4, 19)
    assert list(plan.reviews.values_list("scheduled_on", flat=True)) == [date(2022, 4, 19)]


def test_closed_refused_until_a_review_is_held_and_the_documentation_written(pafa_user):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    with pytest.raises(services.ApplicationError) as exc:
        services.plan_close(
            plan=plan,
            version=plan.version,
            outcome="",
            actions_taken="",
            results_achieved="",
            by=pafa_user,
        )
    assert exc.value.message == _gate_error(
        Step.CLOSED,
        rules.MISSING_REVIEW,
        rules.MISSING_OUTCOME,
        rules.MISSING_ACTIONS_TAKEN,
        rules.MISSING_RESULTS,
    )
    plan.refresh_from_db()
    assert plan.step == Step.UNDER_REVIEW


def _hold_review(plan, user, held_on=None, percent=50):
    review = plan.reviews.get(held_on__isnull=True)
    return services.review_record(
        review=review,
        held_on=held_on or services.today(),
        attendees="PAFA\nParty",
        notes="",
        plan_rag="amber",
        progress={a.pk: (percent, "") for a in plan.actions.all()},
        by=user,
    )


def test_insufficient_outcome_needs_the_contractual_impact_notice_and_nothing_half_saves(
    pafa_user,
):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    _hold_review(plan, pafa_user)
    plan.refresh_from_db()
    with pytest.raises(services.ApplicationError) as exc:
        services.plan_close(
            plan=plan,
            version=plan.version,
            outcome="insufficient",
            actions_taken="Actions",
            results_achieved="Reads still at 80%",
            by=pafa_user,
        )
    assert exc.value.message == _gate_error(Step.CLOSED, rules.MISSING_IMPACT_NOTICE)
    plan.refresh_from_db()
    assert (plan.step, plan.outcome, plan.results_achieved) == (Step.UNDER_REVIEW, "", "")
    closed = services.plan_close(
        plan=plan,
        version=plan.version,
        outcome="insufficient",
        actions_taken="Actions",
        results_achieved="Reads still at 80%",
        impact_notified_on=date(2022, 6, 1),
        impact_notified_by="PAC chair",
        impact_document=SimpleUploadedFile("impact.pdf", PDF_BYTES),
        by=pafa_user,
    )
    assert closed.step == Step.CLOSED
    assert closed.closed_on is not None
    assert not closed.reviews.filter(held_on__isnull=True).exists()


def test_improved_outcome_closes_and_a_closed_plan_refuses_changes(pafa_user):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    _hold_review(plan, pafa_user)
    plan.refresh_from_db()
    plan = services.plan_close(
        plan=plan,
        version=plan.version,
        outcome="improved",
        actions_taken=selectors.final_actions_summary(plan),
        results_achieved="Reads at 97%",
        by=pafa_user,
    )
    assert plan.step == Step.CLOSED and plan.next_review_on is None
    with pytest.raises(services.ApplicationError, match="closed"):
        _move(plan, Step.UNDER_REVIEW, pafa_user)
    with pytest.raises(services.ApplicationError, match="closed"):
        services.gap_add(plan=plan, description="x", by=pafa_user)
    with pytest.raises(services.ApplicationError, match="closed"):
        services.plan_update(plan=plan, version=plan.version, changes={"title": "x"}, by=pafa_user)


def test_skipping_a_step_is_refused(pafa_user):
    plan = _plan_at(Step.GAPS_OUTLINED, pafa_user)
    with pytest.raises(services.ApplicationError) as exc:
        _move(plan, Step.CLOSED, pafa_user)
    assert exc.value.message == rules.OUT_OF_ORDER.format(
        Step.GAPS_OUTLINED.label, f"“{Step.ESTABLISHED.label}”"
    )


def test_an_unknown_step_is_refused(pafa_user):
    with pytest.raises(services.ApplicationError) as exc:
        _move(PlanFactory(), "approved", pafa_user)
    assert exc.value.message == services.UNKNOWN_STEP.format("approved")


def test_a_stale_transition_is_refused(pafa_user):
    plan = _plan_at(Step.GAPS_OUTLINED, pafa_user)
    with pytest.raises(services.StaleVersion):
        services.plan_transition(plan=plan, to=Step.ESTABLISHED, by=pafa_user, version=1)


# Reviews ------------------------------------------------------------------------------------


def test_a_review_records_progress_with_rag_and_settings_version_and_schedules_the_next(
    pafa_user,
):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    PlanSettings.objects.create(on_track_max_shortfall=5, at_risk_max_shortfall=20)
    settings = PlanSettings.current()
    action = ActionFactory(
        plan=plan, start_on=date(2022, 1, 1), due_on=date(2022, 1, 1) + timedelta(days=100)
    )
    review = plan.reviews.get()
    services.review_record(
        review=review,
        held_on=date(2022, 2, 20),  # 50 days in: 50% expected
        attendees="PAFA",
        notes="",
        plan_rag="amber",
        progress={action.pk: (40, "Slow"), plan.actions.exclude(pk=action.pk).get().pk: (100, "")},
        by=pafa_user,
    )
    progress = ActionProgress.objects.get(action=action)
    assert progress.expected_percent == 50
    assert progress.rag == rules.ActionRag.AT_RISK  # 10 behind: over 5, within 20
    assert progress.settings_version == settings.version
    action.refresh_from_db()
    assert action.percent_complete == 40
    plan.refresh_from_db()
    upcoming = plan.reviews.filter(held_on__isnull=True).get()
    assert upcoming.scheduled_on == plan.next_review_on > review.scheduled_on
    with pytest.raises(services.ApplicationError) as exc:
        _hold_review_again(review, pafa_user)
    assert exc.value.message == services.REVIEW_ALREADY_HELD.format(date(2022, 2, 20))


def _hold_review_again(review, user):
    return services.review_record(
        review=review,
        held_on=date(2022, 3, 1),
        attendees="x",
        notes="",
        plan_rag="red",
        progress={},
        by=user,
    )


def test_a_review_cannot_be_recorded_before_it_is_held(pafa_user):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    tomorrow = services.today() + timedelta(days=1)
    with pytest.raises(services.ApplicationError) as exc:
        _hold_review(plan, pafa_user, held_on=tomorrow)
    assert exc.value.message == services.REVIEW_IN_FUTURE.format(tomorrow)
    assert not plan.reviews.filter(held_on__isnull=False).exists()


def test_a_review_is_refused_before_the_plan_is_under_review(pafa_user):
    plan = _plan_at(Step.NOTIFIED, pafa_user)
    review = Review.objects.create(plan=plan, scheduled_on=date(2022, 3, 1))
    with pytest.raises(services.ApplicationError) as exc:
        _hold_review_again(review, pafa_user)
    assert exc.value.message == services.REVIEW_NOT_UNDER_REVIEW


def test_plan_settings_thresholds_must_be_ordered():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        PlanSettings(on_track_max_shortfall=30, at_risk_max_shortfall=20).full_clean()


# Chasing and escalation ----------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [1, 2, 3])
def test_n_consecutive_missed_updates_flag_escalation_and_tell_the_chasing_lead(
    pafa_user, threshold, django_capture_on_commit_callbacks, monkeypatch
):
    PlanSettings.objects.create(missed_updates_before_escalation=threshold)
    monkeypatch.setattr(
        services.reviews, "activity_lead_emails", lambda key: [f"lead-of-{key}@x.org"]
    )
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    services.chase_log(plan=plan, chased_on=date(2022, 5, 1), answered=False, by=pafa_user)
    services.chase_log(plan=plan, chased_on=date(2022, 5, 2), answered=True, by=pafa_user)
    for i in range(threshold - 1):
        services.chase_log(plan=plan, chased_on=date(2022, 5, 3 + i), answered=False, by=pafa_user)
        plan.refresh_from_db()
        assert plan.escalation_flagged_on is None
    with django_capture_on_commit_callbacks(execute=True):
        services.chase_log(plan=plan, chased_on=date(2022, 5, 20), answered=False, by=pafa_user)
    plan.refresh_from_db()
    assert plan.escalation_flagged_on == date(2022, 5, 20)
    assert selectors.plan_missed_updates(plan) == threshold
    assert mail.outbox[-1].to == [f"lead-of-{services.ACTIVITY_CHASING}@x.org"]
    services.chase_log(plan=plan, chased_on=date(2022, 5, 21), answered=True, by=pafa_user)
    plan.refresh_from_db()
    assert plan.escalation_flagged_on is None


def test_escalation_to_customer_ops_is_recorded_sent_and_clears_the_flag(
    pafa_user, ops_user, django_capture_on_commit_callbacks
):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    for day in (1, 2):
        services.chase_log(plan=plan, chased_on=date(2022, 5, day), answered=False, by=pafa_user)
    plan.refresh_from_db()
    assert plan.escalation_flagged_on
    with django_capture_on_commit_callbacks(execute=True):
        escalation = services.escalation_record(
            plan=plan,
            escalated_to=EscalationTarget.CUSTOMER_OPS,
            note="Try another contact",
            by=ops_user,
        )
    assert escalation.recipients == ops_user.email
    assert escalation.missed_updates == 2
    assert mail.outbox[-1].to == [ops_user.email]
    plan.refresh_from_db()
    assert plan.escalation_flagged_on is None


def test_escalation_to_the_cam_needs_a_cam_email(pafa_user):
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    with pytest.raises(services.ApplicationError) as exc:
        services.escalation_record(plan=plan, escalated_to=EscalationTarget.CAM, by=pafa_user)
    assert exc.value.message == services.NO_CAM_EMAIL
    assert not Escalation.objects.exists()
    Plan.objects.filter(pk=plan.pk).update(cam_email="cam@example.org")
    escalation = services.escalation_record(
        plan=plan, escalated_to=EscalationTarget.CAM, by=pafa_user
    )
    assert escalation.recipients == "cam@example.org"


# Evidence -----------------------------------------------------------------------------------


def test_evidence_file_is_type_checked_and_size_limited(pafa_user):
    gap = GapFactory()
    ok = services.evidence_add(
        gap=gap,
        kind=EvidenceKind.PERFORMANCE_DATA,
        summary="Reads",
        file=SimpleUploadedFile("reads.csv", b"month,pct\n2022-01,88\n"),
        by=pafa_user,
    )
    assert ok.file.name.endswith(".csv")
    with pytest.raises(services.ApplicationError) as exc:
        services.evidence_add(
            gap=gap,
            kind=EvidenceKind.AUDIT,
            summary="x",
            file=SimpleUploadedFile("finding.pdf", b"MZ\x90\x00 not a pdf"),
            by=pafa_user,
        )
    assert exc.value.message == rules.UPLOAD_BAD_CONTENT.format("finding.pdf", "PDF")
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * rules.MAX_UPLOAD_BYTES)
    with pytest.raises(services.ApplicationError, match="the limit is 5 MB"):
        services.evidence_add(gap=gap, kind=EvidenceKind.AUDIT, summary="x", file=big, by=pafa_user)
    assert Evidence.objects.count() == 1


def test_evidence_links_to_a_kvi_without_importing_its_app(pafa_user):
    from django.contrib.contenttypes.models import ContentType

    from kvis.models import KVI

    kvi = KVI.objects.create(code="KVI-01", title="System availability", description="DES")
    ct = ContentType.objects.get_for_model(KVI)
    evidence = services.evidence_add(
        gap=GapFactory(),
        kind=EvidenceKind.SCORECARD,
        summary="KVI Red",
        linked=(ct.pk, kvi.pk),
        by=pafa_user,
    )
    assert evidence.linked == kvi
    with pytest.raises(services.ApplicationError) as exc:
        services.evidence_add(
            gap=GapFactory(),
            kind=EvidenceKind.SCORECARD,
            summary="x",
            linked=(ct.pk, kvi.pk + 999),
            by=pafa_user,
        )
    assert exc.value.message == services.LINK_UNKNOWN
    user_ct = ContentType.objects.get(app_label="auth", model="user")
    with pytest.raises(services.ApplicationError):
        services.evidence_add(
            gap=GapFactory(),
            kind=EvidenceKind.SCORECARD,
            summary="x",
            linked=(user_ct.pk, pafa_user.pk),
            by=pafa_user,
        )


def test_evidence_needs_a_link_or_a_file(pafa_user):
    with pytest.raises(services.ApplicationError, match="linked KVI, issue or breach, or a file"):
        services.evidence_add(gap=GapFactory(), kind=EvidenceKind.AUDIT, summary="x", by=pafa_user)


# Concurrency and history ---------------------------------------------------------------------


def test_a_stale_edit_is_refused_with_the_current_values(pafa_user):
    plan = PlanFactory(title="Original")
    services.plan_update(plan=plan, version=1, changes={"title": "Theirs"}, by=pafa_user)
    with pytest.raises(services.StaleVersion) as exc:
        services.plan_update(plan=plan, version=1, changes={"title": "Mine"}, by=pafa_user)
    assert exc.value.message == STALE_VERSION.format(yours=1, theirs=2)
    assert exc.value.current["title"] == "Theirs"
    plan.refresh_from_db()
    assert plan.title == "Theirs"


def test_a_half_signed_plan_is_refused(pafa_user):
    plan = PlanFactory()
    with pytest.raises(services.ApplicationError, match="both who signed and when"):
        services.plan_update(
            plan=plan, version=1, changes={"signed_for_party_by": "Director"}, by=pafa_user
        )


def test_transitions_leave_history(pafa_user):
    plan = _plan_at(Step.GAPS_OUTLINED, pafa_user)
    steps = list(plan.history.order_by("history_date").values_list("step", flat=True))
    assert steps[0] == Step.MANDATED and steps[-1] == Step.GAPS_OUTLINED


# Business days and settings -------------------------------------------------------------------


def test_a_closure_day_on_the_nominal_review_date_moves_the_review(pafa_user, monkeypatch):
    # Reviews start on Tuesday 3 May 2022; fortnightly, the first is nominally Tuesday 17 May.
    monkeypatch.setattr(services.plans, "today", lambda: date(2022, 5, 3))
    ClosureDayFactory(day=date(2022, 5, 17), reason="Office move")
    plan = _plan_at(Step.UNDER_REVIEW, pafa_user)
    assert plan.next_review_on == date(2022, 5, 18)
    assert list(plan.reviews.values_list("scheduled_on", flat=True)) == [date(2022, 5, 18)]


def test_reading_empty_plan_settings_raises_and_writes_nothing(pafa_user):
    PlanSettings.objects.all().delete()
    with pytest.raises(SettingsMissing):
        PlanSettings.current()
    with pytest.raises(SettingsMissing):
        selectors.plan_page(PlanFactory())
    assert not PlanSettings.objects.exists()


def test_the_data_migration_gives_plan_settings_version_1():
    settings = PlanSettings.current()
    assert (settings.version, settings.review_interval_days) == (1, 28)
    assert settings.mandated_review_interval_days == 14


def test_a_provider_signature_before_the_plan_meeting_is_refused():
    from django.core.exceptions import ValidationError

    plan = PlanFactory()
    plan.meeting_held_on = date(2021, 3, 10)
    plan.signed_for_provider_by, plan.signed_for_provider_on = "P. Provider", date(2021, 3, 2)
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert refused.value.message_dict["signed_for_provider_on"] == [
        "The provider's signature (2 Mar 2021) cannot be before the formal meeting (10 Mar 2021)."
    ]
