"""Services, selectors and reminders against the database."""

import re
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from core import contacts
from core.calendar import LONDON, end_of_day
from core.errors import STALE_VERSION
from core.models import ClosureDay, SettingsMissing
from core.tests.factories import OrganisationFactory, UserFactory
from issues import reminders, rules, selectors, services
from issues.models import (
    CHECKLIST,
    ActionKind,
    Band,
    Breach,
    BreachPolicy,
    Issue,
    IssueAction,
    IssueStatus,
    ReminderSent,
    ScoringMatrix,
)
from issues.services import ApplicationError
from issues.tests.factories import (
    BreachFactory,
    CommunicationFactory,
    IssueFactory,
    RectificationTaskFactory,
)
from kvis.rules import Rag

pytestmark = pytest.mark.django_db


def at(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


# --- Issues ---------------------------------------------------------------------------------


def test_references_count_up_within_the_year_of_identification():
    first = IssueFactory()
    second = IssueFactory()
    other_year = IssueFactory(identified_at=at(2020, 11, 3, 9))
    assert (first.reference, second.reference) == ("ISS-2021-0001", "ISS-2021-0002")
    assert other_year.reference == "ISS-2020-0001"


def test_a_high_score_schedules_the_high_band_actions():
    issue = IssueFactory(identified_at=at(2021, 6, 18, 15), impact=3, financial=2)
    assert (issue.score, issue.band, issue.matrix_version) == (6, "High", 1)
    due = {a.kind: a.due_at for a in issue.actions.all()}
    assert due == {
        ActionKind.NOTIFY: end_of_day(date(2021, 6, 18)),
        ActionKind.PLAN: end_of_day(date(2021, 6, 22)),
        ActionKind.REPORT_COMC: end_of_day(date(2021, 7, 31)),
    }


def test_a_low_score_needs_no_dated_action():
    issue = IssueFactory(impact=1, financial=2)
    assert issue.band == "Low"
    assert not issue.actions.exists()


def test_an_unscored_issue_has_no_score_and_no_actions():
    issue = IssueFactory()
    assert issue.score is None and issue.band == ""
    assert not issue.actions.exists()


def test_rescoring_needs_a_reason_and_is_recorded():
    issue = IssueFactory(impact=2, financial=2)
    with pytest.raises(ApplicationError, match=services.RESCORE_NEEDS_REASON):
        services.issue_score(issue=issue, impact=3, financial=3)
    user = UserFactory()
    services.issue_score(issue=issue, impact=3, financial=3, reason="More MPRNs found", by=user)
    issue.refresh_from_db()
    assert (issue.score, issue.band) == (9, "High")
    assert [s.score for s in issue.scorings.all()] == [9, 4]
    assert issue.scorings.first().reason == "More MPRNs found"
    assert set(issue.actions.values_list("kind", flat=True)) == {"notify", "plan", "report_comc"}


def test_rescoring_stamps_the_matrix_version_used():
    issue = IssueFactory(impact=2, financial=2)
    v2 = ScoringMatrix.objects.create(version=2)
    Band.objects.create(matrix=v2, name="Any", min_score=1, max_score=9, notify_days=1)
    services.issue_score(issue=issue, impact=2, financial=2, reason="New matrix")
    issue.refresh_from_db()
    assert (issue.matrix_version, issue.band) == (2, "Any")
    assert set(issue.actions.values_list("kind", flat=True)) == {"notify"}


@pytest.mark.parametrize(("impact", "financial"), [(0, 2), (2, 4), (None, 2)])
def test_levels_outside_the_scale_are_refused_and_nothing_is_saved(impact, financial):
    with pytest.raises(ApplicationError, match="must be 1 \\(Low\\)"):
        IssueFactory(impact=impact, financial=financial)
    assert not Issue.objects.exists()


def test_unknown_customer_is_refused_and_nothing_is_saved():
    known = OrganisationFactory()
    with pytest.raises(ApplicationError, match="Unknown customer: 99999"):
        IssueFactory(affected_customers=[known.pk, 99999])
    assert not Issue.objects.exists()


def test_identified_in_the_future_is_refused():
    with pytest.raises(Exception, match="cannot be in the future"):
        IssueFactory(identified_at=timezone.now() + timedelta(days=1))


def test_status_moves_forward_and_reopens_only_with_a_reason():
    issue = IssueFactory(identified_at=at(2021, 6, 14, 10), impact=3, financial=3)
    services.issue_set_status(issue=issue, status="plan_agreed", at=at(2021, 6, 15, 9))
    assert issue.actions.get(kind="plan").done_at == at(2021, 6, 15, 9)
    services.issue_set_status(issue=issue, status="resolved", at=at(2021, 6, 20, 9))
    with pytest.raises(ApplicationError, match=services.REOPEN_NEEDS_REASON):
        services.issue_set_status(issue=issue, status="open")
    services.issue_set_status(issue=issue, status="open", reason="Came back")
    issue.refresh_from_db()
    assert (issue.status, issue.resolved_at, issue.reopen_reason) == ("open", None, "Came back")


def test_closed_cannot_jump_to_resolved():
    issue = IssueFactory(impact=1, financial=1)
    services.issue_set_status(issue=issue, status="resolved", at=at(2021, 6, 15))
    services.issue_set_status(issue=issue, status="closed", at=at(2021, 6, 16))
    with pytest.raises(ApplicationError, match="cannot go from Closed to Resolved"):
        services.issue_set_status(issue=issue, status="resolved")


def test_an_unscored_issue_cannot_be_resolved():
    with pytest.raises(ApplicationError, match=services.RESOLVE_NEEDS_SCORE):
        services.issue_set_status(issue=IssueFactory(), status="resolved")


def test_resolved_before_identified_is_refused():
    issue = IssueFactory(impact=1, financial=1, identified_at=at(2021, 6, 14, 10))
    with pytest.raises(Exception, match="Resolved at cannot be before identified at"):
        services.issue_set_status(issue=issue, status="resolved", at=at(2021, 6, 13, 10))


ALL_MOVES = [(s, t) for s in IssueStatus for t in IssueStatus]
ALLOWED = {
    ("open", "plan_agreed"),
    ("open", "resolved"),
    ("plan_agreed", "resolved"),
    ("plan_agreed", "open"),
    ("resolved", "closed"),
    ("resolved", "open"),
    ("closed", "open"),
}


@pytest.mark.parametrize(("source", "target"), ALL_MOVES)
def test_the_status_moves_only_as_the_transitions_allow(source, target):
    issue = IssueFactory(impact=1, financial=1)
    Issue.objects.filter(pk=issue.pk).update(status=source)
    issue.refresh_from_db()
    move = {"issue": issue, "status": target, "at": at(2021, 6, 20), "reason": "Came back"}
    if (source, target) in ALLOWED:
        services.issue_set_status(**move)
        issue.refresh_from_db()
        assert issue.status == target
    else:
        label = IssueStatus(source).label, IssueStatus(target).label
        with pytest.raises(ApplicationError, match="cannot go from {} to {}".format(*label)):
            services.issue_set_status(**move)
        assert Issue.objects.get(pk=issue.pk).status == source


def test_a_move_racing_another_from_the_same_version_is_refused():
    issue = IssueFactory(impact=1, financial=1)
    mine, theirs = Issue.objects.get(pk=issue.pk), Issue.objects.get(pk=issue.pk)
    services.issue_set_status(issue=theirs, status="resolved", at=at(2021, 6, 20))
    with pytest.raises(ApplicationError, match="Someone else changed this record"):
        services.issue_set_status(issue=mine, status="plan_agreed", at=at(2021, 6, 20))
    assert Issue.objects.get(pk=issue.pk).status == "resolved"


def test_reading_the_configuration_never_writes_it():
    ScoringMatrix.objects.all().delete()
    BreachPolicy.objects.all().delete()
    with pytest.raises(SettingsMissing):
        selectors.matrix_current()
    with pytest.raises(SettingsMissing):
        selectors.breach_policy_current()
    assert not ScoringMatrix.objects.exists() and not BreachPolicy.objects.exists()


def test_version_one_of_the_configuration_comes_from_the_migration():
    matrix = selectors.matrix_current()
    assert matrix.version == 1 and selectors.breach_policy_current().version == 1
    assert matrix.band_rules() == list(rules.DEFAULT_BANDS)


def test_a_stale_edit_is_refused():
    issue = IssueFactory()
    services.issue_update(issue=issue, version=1, title="First")
    stale = Issue.objects.get(pk=issue.pk)
    with pytest.raises(ApplicationError, match=re.escape(STALE_VERSION.format(yours=1, theirs=2))):
        services.issue_update(issue=stale, version=1, title="Second")
    assert Issue.objects.get(pk=issue.pk).title == "First"


def test_moving_identification_moves_open_actions():
    issue = IssueFactory(identified_at=at(2021, 6, 14, 10), impact=3, financial=3)
    services.issue_update(issue=issue, version=issue.version, identified_at=at(2021, 6, 15, 10))
    assert issue.actions.get(kind="notify").due_at == end_of_day(date(2021, 6, 15))


def test_history_is_kept_for_issues():
    issue = IssueFactory(impact=1, financial=1)
    services.issue_update(issue=issue, version=issue.version, title="Renamed")
    rows = selectors.history_rows(issue)
    assert rows[0]["kind"] == "Changed" and "title" in rows[0]["fields"]
    title = next(c for c in rows[0]["changes"] if c["label"] == "Title")
    assert title["after"] == "Renamed" and title["before"] != "Renamed"
    assert "Version" not in [c["label"] for c in rows[0]["changes"]]


# --- Breaches -------------------------------------------------------------------------------


def test_breach_starts_both_clocks_and_stamps_the_policy():
    breach = BreachFactory(severity="high", identified_at=at(2021, 12, 24, 11))
    assert breach.reference == "BRE-2021-0001"
    assert breach.notification_due == at(2021, 12, 24, 15)
    assert breach.resolution_due == end_of_day(date(2021, 12, 30))
    assert breach.policy_version == 1


def test_an_admin_closure_day_moves_the_resolution_clock():
    ClosureDay.objects.create(day=date(2021, 6, 15), reason="Office move")
    breach = BreachFactory(identified_at=at(2021, 6, 14, 10))
    assert breach.resolution_due == end_of_day(date(2021, 6, 17))
    assert breach.notification_due is None


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("notified_at", "Notified at cannot be before identified at"),
        ("resolved_at", "Resolved at cannot be before identified at"),
    ],
)
def test_breach_dates_before_identification_are_refused(field, message):
    with pytest.raises(Exception, match=message):
        BreachFactory(identified_at=at(2021, 6, 14, 10), **{field: at(2021, 6, 14, 9)})
    assert not Breach.objects.exists()


def test_breach_update_restarts_clocks_when_severity_changes():
    breach = BreachFactory(severity="low", identified_at=at(2021, 6, 14, 10))
    services.breach_update(breach=breach, version=breach.version, severity="critical")
    assert breach.notification_due == at(2021, 6, 14, 14)


def test_breach_month_counts_against_thresholds_with_both_clocks():
    for day in (2, 9, 16):
        BreachFactory(identified_at=at(2020, 11, day, 10), resolved_at=at(2020, 11, day, 15))
    BreachFactory(identified_at=at(2020, 12, 1, 0, 5))  # the next month
    month = selectors.breach_month(date(2020, 11, 1))
    assert [r["count"] for r in month["rows"]] == [0, 0, 3]
    assert month["suggestion"].rag == Rag.GREEN
    assert all(c.resolution.state == "met" for c in month["clocks"])


def test_a_missed_clock_makes_the_month_amber():
    BreachFactory(identified_at=at(2020, 11, 2, 10), resolved_at=at(2020, 11, 10, 10))
    assert selectors.breach_month(date(2020, 11, 1))["suggestion"].rag == Rag.AMBER


# --- Communications -------------------------------------------------------------------------


def test_communications_month_mean_change_ytd_and_class():
    for month, scores in {4: ["7.0"], 10: ["8.0", "8.6"], 11: ["9.6", "9.8"]}.items():
        for score in scores:
            CommunicationFactory(sent_at=at(2020, month, 5, 10), quality_score=Decimal(score))
    CommunicationFactory(sent_at=at(2020, 3, 5, 10), quality_score=Decimal("1"))  # last year
    figures = selectors.comms_month(date(2020, 11, 1))
    assert figures["mean"] == Decimal("9.7")
    assert figures["change"] == Decimal("1.4")
    assert figures["ytd_mean"] == Decimal("8.3")  # (7.0 + 8.3 + 9.7) / 3
    assert figures["class"] == "Exceeded Expectations"
    assert figures["suggestion"].rag == Rag.GREEN


ALL_POINTS = {point: True for point, _ in CHECKLIST}


def _comm(**extra):
    return services.communication_create(
        kind="ad_hoc",
        sent_at=at(2020, 11, 10, 12),
        subject="AQ defects",
        owner=UserFactory(),
        **{**ALL_POINTS, "gives_contact": False},
        **extra,
    )


def test_a_communication_is_scored_from_the_framework_weights():
    comm = _comm()
    assert (comm.quality_score, comm.framework_score, comm.weights_version) == (
        Decimal("9.1"),
        Decimal("9.1"),
        1,
    )
    assert not comm.score_adjusted


def test_an_assessor_adjusts_a_score_only_with_a_reason_which_is_kept():
    with pytest.raises(ApplicationError, match=r"framework gives 9\.1/10") as refused:
        _comm(quality_score=Decimal("9.5"))
    assert refused.value.field == "score_reason"
    comm = _comm(quality_score=Decimal("9.5"), score_reason="Contact given by phone the same hour.")
    assert comm.score_adjusted and comm.framework_score == Decimal("9.1")
    assert comm.score_reason == "Contact given by phone the same hour."


def test_the_score_follows_the_checklist_on_edit_unless_adjusted():
    comm = _comm()
    comm = services.communication_update(communication=comm, version=1, gives_contact=True)
    assert comm.quality_score == Decimal("10.0")
    comm = services.communication_update(
        communication=comm, version=2, quality_score=Decimal("9.0"), score_reason="Sent late."
    )
    comm = services.communication_update(communication=comm, version=3, states_subject=False)
    assert (comm.quality_score, comm.framework_score) == (Decimal("9.0"), Decimal("9.0"))
    comm = services.communication_update(communication=comm, version=4, quality_score=None)
    assert comm.quality_score == comm.framework_score == Decimal("9.0")


def test_new_framework_weights_must_add_up_to_10():
    from django.core.exceptions import ValidationError

    from issues.models import CommsWeights

    weights = CommsWeights(version=CommsWeights.next_version(), gives_contact=Decimal("2.0"))
    with pytest.raises(ValidationError, match=r"add up to 10; these add up to 11\.1"):
        weights.full_clean()


def test_a_communication_lists_who_else_received_it():
    a, b = OrganisationFactory(), OrganisationFactory()
    comm = CommunicationFactory(recipients=[a, b], distribution_lists="All shippers")
    assert set(comm.recipients.all()) == {a, b}


# --- Issue figures --------------------------------------------------------------------------


def test_issue_month_figures():
    month = date(2020, 11, 1)
    for n in range(10):
        IssueFactory(
            identified_at=at(2020, 11, 2 + n, 10),
            identified_by="customer" if n == 0 else "provider",
            impact=1,
            financial=1,
        )
    IssueFactory(identified_at=at(2020, 5, 1, 10), impact=1, financial=2)  # 184 days old
    figures = selectors.issue_month(month)
    assert figures["new_count"] == 10 and figures["unscored"] == 0
    assert figures["aq_by_provider_pct"] == Decimal("90.0")
    assert dict(figures["age_profile"]) == {
        "0–30 days": 10,
        "31–90 days": 0,
        "91–180 days": 0,
        "180+ days": 1,
    }
    assert figures["suggestion"].rag == Rag.GREEN


def test_the_age_profile_puts_each_issue_in_the_bucket_its_local_age_in_days_says():
    """Counted in the database, bucketed as the rule buckets an age: issues on each side of
    every bucket's edge, early and late in their (British Summer Time) day."""
    month = date(2020, 11, 1)
    today = date(2020, 12, 1)  # the local day of the month's end, when its figures are read
    ages = [0, 1, 30, 31, 90, 91, 180, 181, 400]
    expected = Counter()
    for days in ages:
        day = today - timedelta(days=days)
        for hh, mm in ((0, 0), (23, 59)):
            moment = datetime(day.year, day.month, day.day, hh, mm, tzinfo=LONDON)
            if moment >= datetime(2020, 12, 1, tzinfo=LONDON):
                continue  # after the month's end: not open at it
            IssueFactory(identified_at=moment)
            expected[rules.age_bucket(days)] += 1
    figures = selectors.issue_month(month)
    assert dict(figures["age_profile"]) == {
        label: expected[label] for label in rules.age_bucket_labels()
    }
    assert figures["open_count"] == sum(expected.values())


def test_overdue_rectification_task_counts_against_issue_resolution():
    RectificationTaskFactory(due_date=date(2020, 11, 10))
    figures = selectors.issue_month(date(2020, 11, 1))
    assert figures["overdue_count"] >= 1
    assert figures["suggestion"].rag in (Rag.AMBER, Rag.RED)


# --- Reminders ------------------------------------------------------------------------------


def test_reminders_are_sent_once_per_deadline_and_stage():
    owner = UserFactory(email="owner@example.org")
    now = timezone.now()
    breach = BreachFactory(severity="high", identified_at=now - timedelta(hours=1), owner=owner)
    assert reminders.reminders_send(now=now) == 1  # notification due in 3h; resolution later
    assert reminders.reminders_send(now=now) == 0
    sent = len(mail.outbox)
    later = breach.notification_due + timedelta(minutes=1)
    assert reminders.reminders_send(now=later) == 1  # now missed: a new stage
    assert reminders.reminders_send(now=later) == 0
    assert len(mail.outbox) > sent
    assert mail.outbox[-1].to[0] == "owner@example.org"
    assert ReminderSent.objects.filter(subject_key=f"breach:{breach.pk}:notification").count() == 2


def test_reminders_include_the_activity_lead():
    def lead(activity):
        return ["lead@example.org"] if activity == reminders.ISSUE_ACTIONS else []

    contacts.register_activity_lead_resolver(lead)
    try:
        now = timezone.now()
        issue = IssueFactory(identified_at=now - timedelta(days=20), impact=2, financial=2)
        IssueAction.objects.filter(issue=issue).update(due_at=now - timedelta(hours=2))
        assert reminders.reminders_send(now=now) == 2
        assert {tuple(m.to) for m in mail.outbox} == {
            (issue.owner.email, "lead@example.org"),
        }
    finally:
        contacts._resolvers.remove(lead)


def test_the_beat_task_runs_the_service():
    from issues.tasks import send_deadline_reminders

    RectificationTaskFactory(due_date=timezone.localdate())
    assert send_deadline_reminders.delay().get() == 1
    assert send_deadline_reminders.delay().get() == 0


def test_old_missed_deadlines_are_not_mailed():
    BreachFactory(identified_at=at(2020, 11, 2, 10))
    assert reminders.reminders_send() == 0
