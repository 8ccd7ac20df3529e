"""Writes to plans: each service checks, saves and leaves history; expected failures raise
`ApplicationError` with a message the user can act on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core.contacts import activity_lead_emails
from core.errors import ApplicationError
from core.models import Committee, Organisation
from core.roles import CUSTOMER_OPS
from performance_plans import rules, selectors
from performance_plans.models import (
    Action,
    ActionProgress,
    Chase,
    Escalation,
    EscalationTarget,
    Evidence,
    Gap,
    Plan,
    PlanRootCause,
    PlanSettings,
    Review,
)
from performance_plans.rules import Step

#: The RACI activity whose lead hears that a party stopped answering chases.
ACTIVITY_CHASING = "liaising-with-parties"

PLAN_CONFLICT = (
    "Someone else changed this plan while you were editing it (you had version {}, it is now "
    "version {}). Nothing was saved. Current values: {}."
)
LINK_UNKNOWN = "The linked record no longer exists or is not one evidence may link to."
NO_CAM_EMAIL = "No CAM e-mail is recorded on this plan: add it before escalating to the CAM."
NO_OPS_EMAIL = "No Customer Ops user has an e-mail address to escalate to."
REVIEW_ALREADY_HELD = "This review was already recorded on {:%d %b %Y}."
REVIEW_NOT_UNDER_REVIEW = "Reviews are recorded while a plan is under review (step 4)."
PLAN_CLOSED = "The plan is closed: it can no longer be changed."
UNKNOWN_STEP = "“{}” is not a step of a plan."
REVIEW_IN_FUTURE = "A review is recorded once held: {:%d %b %Y} is in the future."
PROGRESS_UNKNOWN_ACTION = "Progress was given for an action that is not on this plan."


class PlanConflict(ApplicationError):
    """A stale edit: `extra["current"]` holds the plan's current values."""

    def __init__(self, message: str, *, extra: dict):
        super().__init__(message, field="version")
        self.extra = extra


def _today() -> date:
    return timezone.localdate()


def _holidays_near(d: date) -> set[date]:
    return rules.england_and_wales_holidays(range(d.year - 1, d.year + 3))


def _save(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages)) from exc
    obj.save()


def _lock(plan: Plan, version: int | None) -> Plan:
    """The plan's row, locked; refuses a stale version."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if version is not None and version != current.version:
        values = {
            f.verbose_name: getattr(current, f.name)
            for f in Plan._meta.concrete_fields
            if f.name
            not in {"id", "version", "created_at", "created_by", "party", "history", "step"}
            and getattr(current, f.name) not in (None, "")
        }
        shown = "; ".join(f"{name}: {value}" for name, value in values.items())
        raise PlanConflict(
            PLAN_CONFLICT.format(version, current.version, shown or "none"),
            extra={"current": current},
        )
    return current


def _lock_open(plan: Plan, version: int | None = None) -> Plan:
    """The plan's row, locked; refuses a stale version and a closed plan."""
    current = _lock(plan, version)
    if current.step == Step.CLOSED:
        raise ApplicationError(PLAN_CLOSED)
    return current


def check_upload(upload: UploadedFile | None) -> None:
    """Refuse a file whose type (extension and content) or size is not accepted."""
    if upload is None:
        return
    head = upload.read(512)
    upload.seek(0)
    problem = rules.upload_problem(upload.name, upload.size, head)
    if problem:
        raise ApplicationError(problem)


@transaction.atomic
def plan_create(
    *,
    party: Organisation,
    title: str,
    mandated_by: Committee | None,
    mandated_on: date | None,
    reviews_mandated: bool,
    root_causes: dict[str, str],
    by,
    review_interval_days: int | None = None,
    party_contact_name: str = "",
    party_contact_email: str = "",
    cam_email: str = "",
) -> Plan:
    """Put a party on a plan; reviews default to fortnightly when PAC mandates them."""
    plan_settings = PlanSettings.objects.current()
    if review_interval_days is None:
        review_interval_days = (
            plan_settings.mandated_review_interval_days
            if reviews_mandated
            else plan_settings.review_interval_days
        )
    plan = Plan(
        party=party,
        title=title,
        mandated_by=mandated_by,
        mandated_on=mandated_on,
        reviews_mandated=reviews_mandated,
        review_interval_days=review_interval_days,
        party_contact_name=party_contact_name,
        party_contact_email=party_contact_email,
        cam_email=cam_email,
        created_by=by,
    )
    _save(plan)
    for cause, explanation in root_causes.items():
        _save(PlanRootCause(plan=plan, cause=cause, explanation=explanation))
    return plan


#: Plan fields the edit form may change (the step and closure go through their services).
EDITABLE_FIELDS = (
    "title",
    "mandated_by",
    "mandated_on",
    "reviews_mandated",
    "review_interval_days",
    "party_contact_name",
    "party_contact_email",
    "cam_email",
    "meeting_held_on",
    "meeting_notes",
    "signed_for_party_by",
    "signed_for_party_on",
    "signed_for_provider_by",
    "signed_for_provider_on",
    "notified_on",
    "notified_by",
    "notification_document",
)


@transaction.atomic
def plan_update(*, plan: Plan, version: int, changes: dict, by) -> Plan:
    """Change a plan's record; refused when someone else saved it since `version`."""
    current = _lock_open(plan, version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    if "notification_document" in changes and isinstance(
        changes["notification_document"], UploadedFile
    ):
        check_upload(changes["notification_document"])
    for name, value in changes.items():
        setattr(current, name, value)
    current.version += 1
    _save(current)
    return current


@transaction.atomic
def gap_add(*, plan: Plan, description: str, expectation: str = "", by) -> Gap:
    """Record where the party's performance misses expectations."""
    _lock_open(plan)
    gap = Gap(plan=plan, description=description, expectation=expectation)
    _save(gap)
    return gap


@transaction.atomic
def evidence_add(
    *,
    gap: Gap,
    kind: str,
    summary: str,
    by,
    linked: tuple[int, int] | None = None,
    file: UploadedFile | None = None,
) -> Evidence:
    """Attach evidence to a gap: a link to a KVI, issue or breach and/or a checked file."""
    _lock_open(gap.plan)
    check_upload(file)
    evidence = Evidence(gap=gap, kind=kind, summary=summary, added_by=by)
    if linked:
        ct_id, obj_id = linked
        allowed = set(selectors.LINKABLE_MODELS)
        try:
            ct = ContentType.objects.get_for_id(ct_id)
        except ContentType.DoesNotExist as exc:
            raise ApplicationError(LINK_UNKNOWN) from exc
        model = ct.model_class()
        if (
            f"{ct.app_label}.{ct.model}" not in allowed
            or model is None
            or not model._default_manager.filter(pk=obj_id).exists()
        ):
            raise ApplicationError(LINK_UNKNOWN)
        evidence.linked_type, evidence.linked_id = ct, obj_id
    if file is not None:
        evidence.file = file
    _save(evidence)
    return evidence


@transaction.atomic
def action_add(
    *,
    plan: Plan,
    description: str,
    owner_side: str,
    owner_name: str,
    target: str,
    start_on: date,
    due_on: date,
    by,
) -> Action:
    """Add a specific action with its owner, target and timing."""
    _lock_open(plan)
    action = Action(
        plan=plan,
        description=description,
        owner_side=owner_side,
        owner_name=owner_name,
        target=target,
        start_on=start_on,
        due_on=due_on,
    )
    _save(action)
    return action


def _schedule_next_review(plan: Plan, after: date) -> None:
    anchor = plan.reviews_start_on or after
    scheduled = rules.next_review_date(
        anchor, plan.review_interval_days, after, _holidays_near(after)
    )
    Review.objects.get_or_create(plan=plan, scheduled_on=scheduled)
    plan.next_review_on = scheduled


@transaction.atomic
def plan_transition(*, plan: Plan, to: str, by, version: int | None = None) -> Plan:
    """Move a plan to the next step through that step's gate; refused with what is missing."""
    try:
        target = Step(to)
    except ValueError as exc:
        raise ApplicationError(UNKNOWN_STEP.format(to)) from exc
    current = _lock(plan, version)
    refusal = rules.transition_refusal(Step(current.step), target, selectors.plan_facts(current))
    if refusal:
        raise ApplicationError(refusal)
    today = _today()
    current.step = target
    if target is Step.UNDER_REVIEW:
        current.reviews_start_on = today
        _schedule_next_review(current, today)
    if target is Step.CLOSED:
        current.closed_on = today
        current.next_review_on = None
        current.reviews.filter(held_on__isnull=True).delete()
    current.version += 1
    _save(current)
    plan.refresh_from_db()
    return current


@transaction.atomic
def plan_close(
    *,
    plan: Plan,
    version: int,
    outcome: str,
    actions_taken: str,
    results_achieved: str,
    by,
    impact_notified_on: date | None = None,
    impact_notified_by: str = "",
    impact_document: UploadedFile | None = None,
) -> Plan:
    """Write the final documentation and close the plan; with an insufficient outcome the
    contractual-impact notification must be recorded. Nothing is saved when refused."""
    current = _lock(plan, version)
    check_upload(impact_document)
    current.outcome = outcome
    current.actions_taken = actions_taken
    current.results_achieved = results_achieved
    current.impact_notified_on = impact_notified_on
    current.impact_notified_by = impact_notified_by
    if impact_document is not None:
        current.impact_document = impact_document
    _save(current)
    return plan_transition(plan=current, to=Step.CLOSED, by=by)


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
    plan = _lock(review.plan, None)
    review = Review.objects.select_for_update().get(pk=review.pk)
    if plan.step != Step.UNDER_REVIEW:
        raise ApplicationError(REVIEW_NOT_UNDER_REVIEW)
    if review.held_on:
        raise ApplicationError(REVIEW_ALREADY_HELD.format(review.held_on))
    if held_on > _today():
        raise ApplicationError(REVIEW_IN_FUTURE.format(held_on))
    plan_settings = PlanSettings.objects.current()
    actions = {a.pk: a for a in plan.actions.all()}
    if set(progress) - set(actions):
        raise ApplicationError(PROGRESS_UNKNOWN_ACTION)
    review.held_on = held_on
    review.attendees = attendees
    review.notes = notes
    review.plan_rag = plan_rag
    review.recorded_by = by
    _save(review)
    for action_id, (percent, note) in progress.items():
        action = actions[action_id]
        expected = rules.expected_percent(action.start_on, action.due_on, held_on)
        rag = rules.action_rag(
            Decimal(percent),
            expected,
            on_track_max_shortfall=plan_settings.on_track_max_shortfall,
            at_risk_max_shortfall=plan_settings.at_risk_max_shortfall,
        )
        _save(
            ActionProgress(
                review=review,
                action=action,
                percent_complete=percent,
                expected_percent=expected,
                rag=rag.value,
                settings_version=plan_settings.version,
                note=note,
            )
        )
        action.percent_complete = percent
        action.save(update_fields=["percent_complete"])
    _schedule_next_review(plan, max(review.scheduled_on, held_on))
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
    current = _lock_open(plan)
    chase = Chase(
        plan=current, chased_on=chased_on, chased_by=by, method=method, answered=answered, note=note
    )
    _save(chase)
    misses = selectors.plan_missed_updates(current)
    threshold = PlanSettings.objects.current().missed_updates_before_escalation
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


@transaction.atomic
def escalation_record(
    *, plan: Plan, escalated_to: str, by, note: str = "", escalated_on: date | None = None
) -> Escalation:
    """Record (and send) an escalation of a party that does not engage to Customer Ops or the
    party's CAM; clears the escalation flag."""
    current = _lock_open(plan)
    if escalated_to == EscalationTarget.CAM:
        recipients = [current.cam_email] if current.cam_email else []
        if not recipients:
            raise ApplicationError(NO_CAM_EMAIL)
    else:
        recipients = list(
            get_user_model()
            .objects.filter(groups__name=CUSTOMER_OPS, is_active=True)
            .exclude(email="")
            .order_by("email")
            .values_list("email", flat=True)
        )
        if not recipients:
            raise ApplicationError(NO_OPS_EMAIL)
    escalation = Escalation(
        plan=current,
        escalated_to=escalated_to,
        escalated_on=escalated_on or _today(),
        escalated_by=by,
        recipients="\n".join(recipients),
        missed_updates=selectors.plan_missed_updates(current),
        note=note,
    )
    _save(escalation)
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
