"""Writes to a plan's record, its gaps, evidence and actions, and its moves through the gated
steps. An edit or a move names the version its author read and claims it (`core.writes`); a
stale one is refused with `StaleVersion`, whose `current` holds the plan's current values."""

from __future__ import annotations

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from core.calendar import closed_days, localdate
from core.errors import ApplicationError
from core.models import Committee, Organisation
from core.writes import claim_version, model_update, stamp_history, validation_messages
from performance_plans import rules, selectors
from performance_plans.models import (
    Action,
    Evidence,
    Gap,
    Plan,
    PlanRootCause,
    PlanSettings,
    Review,
)
from performance_plans.rules import Step

LINK_UNKNOWN = "The linked record no longer exists or is not one evidence may link to."
PLAN_CLOSED = "The plan is closed: it can no longer be changed."
UNKNOWN_STEP = "“{}” is not a step of a plan."

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


def today() -> date:
    """Today in London: the date a move or a record is stamped with."""
    return localdate()


def save_checked(obj, *, by=None) -> None:
    """Validate and save `obj`, its history stamped with `by`; a model's refusal becomes an
    ApplicationError with its messages (the page keeps what the user typed)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError(validation_messages(exc)) from exc
    stamp_history(obj, by=by)
    obj.save()


def locked(plan: Plan) -> Plan:
    """The plan's row, locked for this transaction, for writes that add to an open plan
    (a gap, an action, a chase) rather than edit its record; a closed plan is refused."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if current.step == Step.CLOSED:
        raise ApplicationError(PLAN_CLOSED)
    return current


def claimed(plan: Plan, version: int | None) -> Plan:
    """The plan's row with `version` claimed (the row stays locked to this transaction), read
    after the claim so no write made meanwhile is overwritten; StaleVersion otherwise."""
    claim_version(Plan(pk=plan.pk), version, shown=EDITABLE_FIELDS)
    return Plan.objects.get(pk=plan.pk)


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
    plan_settings = PlanSettings.current()
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
    save_checked(plan, by=by)
    for cause, explanation in root_causes.items():
        save_checked(PlanRootCause(plan=plan, cause=cause, explanation=explanation), by=by)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, version: int | None, changes: dict, by) -> Plan:
    """Change a plan's record; StaleVersion (with the current values) when someone else saved
    it since `version`."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    # Read afresh: a model form has already copied its input onto the instance it was given.
    current = Plan.objects.get(pk=plan.pk)
    if current.step == Step.CLOSED:
        raise ApplicationError(PLAN_CLOSED)
    document = changes.get("notification_document")
    if isinstance(document, UploadedFile):
        check_upload(document)
    before = selectors.plan_facts(current)
    try:
        current, _changed = model_update(
            instance=current,
            fields=EDITABLE_FIELDS,
            data=changes,
            version=version,
            by=by,
            shown=EDITABLE_FIELDS,
        )
    except ValidationError as exc:
        raise ApplicationError(validation_messages(exc)) from exc
    # Checked on the saved record (this transaction rolls back with the refusal): a passed
    # gate's evidence stays, so the plan never sits past a gate it no longer meets.
    removed = rules.evidence_removed(Step(current.step), before, selectors.plan_facts(current))
    if removed:
        raise ApplicationError(" ".join(removed), field=_evidence_field(removed[0]))
    return current


#: The form field that holds each item a gate relies on from the plan's record.
_EVIDENCE_FIELDS = {
    rules.MISSING_MEETING: "meeting_held_on",
    rules.MISSING_PARTY_SIGNATURE: "signed_for_party_by",
    rules.MISSING_PROVIDER_SIGNATURE: "signed_for_provider_by",
    rules.MISSING_NOTIFICATION_DATE: "notified_on",
    rules.MISSING_NOTIFICATION_BY: "notified_by",
    rules.MISSING_NOTIFICATION_DOCUMENT: "notification_document",
    rules.MISSING_PARTY_CONTACT: "party_contact_email",
}


def _evidence_field(message: str) -> str | None:
    return next((f for item, f in _EVIDENCE_FIELDS.items() if item in message), None)


@transaction.atomic
def gap_add(*, plan: Plan, description: str, expectation: str = "", by) -> Gap:
    """Record where the party's performance misses expectations."""
    locked(plan)
    gap = Gap(plan=plan, description=description, expectation=expectation)
    save_checked(gap, by=by)
    return gap


def _linked_record(linked: tuple[int, int]) -> tuple[ContentType, int]:
    ct_id, obj_id = linked
    try:
        ct = ContentType.objects.get_for_id(ct_id)
    except ContentType.DoesNotExist as exc:
        raise ApplicationError(LINK_UNKNOWN) from exc
    model = ct.model_class()
    if (
        f"{ct.app_label}.{ct.model}" not in set(selectors.LINKABLE_MODELS)
        or model is None
        or not model._default_manager.filter(pk=obj_id).exists()
    ):
        raise ApplicationError(LINK_UNKNOWN)
    return ct, obj_id


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
    locked(gap.plan)
    check_upload(file)
    evidence = Evidence(gap=gap, kind=kind, summary=summary, added_by=by)
    if linked:
        evidence.linked_type, evidence.linked_id = _linked_record(linked)
    if file is not None:
        evidence.file = file
    save_checked(evidence, by=by)
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
    locked(plan)
    action = Action(
        plan=plan,
        description=description,
        owner_side=owner_side,
        owner_name=owner_name,
        target=target,
        start_on=start_on,
        due_on=due_on,
    )
    save_checked(action, by=by)
    return action


def schedule_next_review(plan: Plan, after: date) -> None:
    """Schedule the plan's next review after `after` (nominal dates from the day reviews
    started, moved past weekends, bank holidays and the admin's closure days)."""
    anchor = plan.reviews_start_on or after
    closed = closed_days(range(after.year - 1, after.year + 3))
    scheduled = rules.next_review_date(anchor, plan.review_interval_days, after, closed)
    Review.objects.get_or_create(plan=plan, scheduled_on=scheduled)
    plan.next_review_on = scheduled


def _move(current: Plan, target: Step, by) -> Plan:
    """Move a plan whose version is claimed through the gate into `target`."""
    refusal = rules.transition_refusal(Step(current.step), target, selectors.plan_facts(current))
    if refusal:
        raise ApplicationError(refusal)
    day = today()
    current.step = target
    if target is Step.UNDER_REVIEW:
        current.reviews_start_on = day
        schedule_next_review(current, day)
    if target is Step.CLOSED:
        current.closed_on = day
        current.next_review_on = None
        current.reviews.filter(held_on__isnull=True).delete()
    save_checked(current, by=by)
    return current


@transaction.atomic
def plan_transition(*, plan: Plan, to: str, by, version: int | None) -> Plan:
    """Move a plan to the next step through that step's gate; refused with what is missing,
    or with StaleVersion when someone changed it since `version`."""
    try:
        target = Step(to)
    except ValueError as exc:
        raise ApplicationError(UNKNOWN_STEP.format(to)) from exc
    current = _move(claimed(plan, version), target, by)
    plan.refresh_from_db()
    return current


@transaction.atomic
def plan_close(
    *,
    plan: Plan,
    version: int | None,
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
    current = claimed(plan, version)
    check_upload(impact_document)
    current.outcome = outcome
    current.actions_taken = actions_taken
    current.results_achieved = results_achieved
    current.impact_notified_on = impact_notified_on
    current.impact_notified_by = impact_notified_by
    if impact_document is not None:
        current.impact_document = impact_document
    save_checked(current, by=by)
    current = _move(current, Step.CLOSED, by)
    plan.refresh_from_db()
    return current
