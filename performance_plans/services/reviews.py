"""Writes once a plan is running: review meetings with each action's progress, chases for the
party's updates, and escalations when the party stops engaging."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction

from core.contacts import activity_lead_emails
from core.errors import ApplicationError
from core.roles import CUSTOMER_OPS
from performance_plans import rules, selectors
from performance_plans.models import (
    ActionProgress,
    Chase,
    Escalation,
    EscalationTarget,
    Plan,
    PlanSettings,
    Review,
)
from performance_plans.rules import Step
from performance_plans.services import plans

#: The RACI activity whose lead hears that a party stopped answering chases.
ACTIVITY_CHASING = "liaising-with-parties"

NO_CAM_EMAIL = "No CAM e-mail is recorded on this plan: add it before escalating to the CAM."
NO_OPS_EMAIL = "No Customer Ops user has an e-mail address to escalate to."
REVIEW_ALREADY_HELD = "This review was already recorded on {:%d %b %Y}."
REVIEW_NOT_UNDER_REVIEW = "Reviews are recorded while a plan is under review (step 4)."
REVIEW_IN_FUTURE = "A review is recorded once held: {:%d %b %Y} is in the future."
PROGRESS_UNKNOWN_ACTION = "Progress was given for an action that is not on this plan."


def _record_progress(
    review: Review, actions: dict, progress: dict[int, tuple[int, str]], by
) -> None:
    """Each action's progress at `review`, judged against the straight-line expectation with
    the current settings (whose version each row records)."""
    plan_settings = PlanSettings.current()
    for action_id, (percent, note) in progress.items():
        action = actions[action_id]
        expected = rules.expected_percent(action.start_on, action.due_on, review.held_on)
        rag = rules.action_rag(
            Decimal(percent),
            expected,
            on_track_max_shortfall=plan_settings.on_track_max_shortfall,
            at_risk_max_shortfall=plan_settings.at_risk_max_shortfall,
        )
        row = ActionProgress(
            review=review,
            action=action,
            percent_complete=percent,
            expected_percent=expected,
            rag=rag.value,
            settings_version=plan_settings.version,
            note=note,
        )
        plans.save_checked(row, by=by)
        action.percent_complete = percent
        action.save(update_fields=["percent_complete"])


@transaction.atomic
def review_record(
    *,
    review: Review,
    held_on: date,
    attendees: str,
    notes: str,
    plan_rag: str,
    progress: dict[int, tuple[int, str]],
    by,
) -> Review:
    """Record a held review: attendance, each action's progress (judged against the
    straight-line expectation) and the plan's RAG; schedules the next review."""
    plan = Plan.objects.select_for_update().get(pk=review.plan_id)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if plan.step != Step.UNDER_REVIEW:
        raise ApplicationError(REVIEW_NOT_UNDER_REVIEW)
    if review.held_on:
        raise ApplicationError(REVIEW_ALREADY_HELD.format(review.held_on))
    if held_on > plans.today():
        raise ApplicationError(REVIEW_IN_FUTURE.format(held_on))
    actions = {a.pk: a for a in plan.actions.all()}
    if set(progress) - set(actions):
        raise ApplicationError(PROGRESS_UNKNOWN_ACTION)
    review.held_on = held_on
    review.attendees = attendees
    review.notes = notes
    review.plan_rag = plan_rag
    review.recorded_by = by
    plans.save_checked(review, by=by)
    _record_progress(review, actions, progress, by)
    plans.schedule_next_review(plan, max(review.scheduled_on, held_on))
    plan.save(update_fields=["next_review_on"])
    return review


def _mail_on_commit(subject: str, body: str, recipients: list[str]) -> None:
    if recipients:
        transaction.on_commit(
            lambda: send_mail(subject, body, django_settings.DEFAULT_FROM_EMAIL, recipients)
        )


@transaction.atomic
def chase_log(
    *, plan: Plan, chased_on: date, answered: bool, by, method: str = "E-mail", note: str = ""
) -> Chase:
    """Log a chase for an update; N unanswered in a row (N from the settings) flags the party
    for escalation and tells the lead of the chasing activity."""
    current = plans.locked(plan)
    chase = Chase(
        plan=current, chased_on=chased_on, chased_by=by, method=method, answered=answered, note=note
    )
    plans.save_checked(chase, by=by)
    misses = selectors.plan_missed_updates(current)
    threshold = PlanSettings.current().missed_updates_before_escalation
    if answered:
        current.escalation_flagged_on = None
    elif rules.escalation_due(misses, threshold) and current.escalation_flagged_on is None:
        current.escalation_flagged_on = chased_on
        _mail_on_commit(
            f"Escalation due: {current}",
            f"{current.party} has not answered {misses} chases in a row for its update on "
            f"“{current.title}”. Escalate to Customer Ops or the party's CAM.",
            activity_lead_emails(ACTIVITY_CHASING),
        )
    current.save(update_fields=["escalation_flagged_on"])
    plan.refresh_from_db()
    return chase


def _escalation_recipients(plan: Plan, escalated_to: str) -> list[str]:
    """The plan's CAM, or every active Customer Ops user with an e-mail; refused when none."""
    if escalated_to == EscalationTarget.CAM:
        if not plan.cam_email:
            raise ApplicationError(NO_CAM_EMAIL)
        return [plan.cam_email]
    recipients = list(
        get_user_model()
        .objects.filter(groups__name=CUSTOMER_OPS, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
    )
    if not recipients:
        raise ApplicationError(NO_OPS_EMAIL)
    return recipients


@transaction.atomic
def escalation_record(
    *, plan: Plan, escalated_to: str, by, note: str = "", escalated_on: date | None = None
) -> Escalation:
    """Record (and send) an escalation of a party that does not engage to Customer Ops or the
    party's CAM; clears the escalation flag."""
    current = plans.locked(plan)
    recipients = _escalation_recipients(current, escalated_to)
    escalation = Escalation(
        plan=current,
        escalated_to=escalated_to,
        escalated_on=escalated_on or plans.today(),
        escalated_by=by,
        recipients="\n".join(recipients),
        missed_updates=selectors.plan_missed_updates(current),
        note=note,
    )
    plans.save_checked(escalation, by=by)
    current.escalation_flagged_on = None
    current.save(update_fields=["escalation_flagged_on"])
    _mail_on_commit(
        f"Escalation: {current.party} is not engaging with its improvement plan",
        f"{current.party} has missed {escalation.missed_updates} consecutive updates on "
        f"“{current.title}”.\n\n{note}",
        recipients,
    )
    plan.refresh_from_db()
    return escalation
