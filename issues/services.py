"""Writes of the registers. Keyword-only arguments so views, tasks and an API call them alike."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django_fsm import TransitionNotAllowed, can_proceed

from core import calendar
from core.errors import ApplicationError
from core.models import Organisation
from core.writes import auto_now_fields, claim_version, model_create, model_update, stamp_history
from issues import references, rules, selectors
from issues.models import (
    CHECKLIST,
    ActionKind,
    Breach,
    CommsWeights,
    Communication,
    Issue,
    IssueAction,
    IssueScoring,
    IssueStatus,
    RectificationTask,
    is_scored,
)
from kvis import late

UNKNOWN_CUSTOMER = "Unknown customer: {ids}."
RESCORE_NEEDS_REASON = "Re-scoring an issue needs a reason; it is recorded in the audit trail."
REOPEN_NEEDS_REASON = "Reopening an issue needs a reason."
BAD_TRANSITION = "An issue cannot go from {source} to {target}."
RESOLVE_NEEDS_SCORE = "Score the issue before resolving it."
MISSING_MOMENT = "{label} needs a date and time."
ACTION_ALREADY_DONE = "“{action}” was already recorded as done on {at}; nothing was changed."
ALREADY_NOTIFIED = "The notification was already recorded on {at}; nothing was changed."
ALREADY_RESOLVED = "The resolution was already recorded on {at}; nothing was changed."
NO_NOTIFICATION_CLOCK = (
    "A {severity} breach has no notification clock: it is reported in the monthly report."
)

#: The Issue transition that moves an issue to each status.
MOVES = {
    IssueStatus.OPEN: "reopen",
    IssueStatus.PLAN_AGREED: "agree_plan",
    IssueStatus.RESOLVED: "resolve",
    IssueStatus.CLOSED: "close",
}
#: What a transition's unmet condition tells the user.
UNMET = {is_scored: RESOLVE_NEEDS_SCORE}
#: The fields the transitions set.
STATUS_FIELDS = ["status", "resolved_at", "closed_at", "reopen_reason"]


# --- Helpers --------------------------------------------------------------------------------


def _customers(customers: Iterable) -> list[Organisation]:
    items = list(customers)
    ids = [c.pk if isinstance(c, Organisation) else int(c) for c in items]
    found = list(Organisation.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        raise ApplicationError(UNKNOWN_CUSTOMER.format(ids=", ".join(map(str, missing))))
    return found


def _shown_moment(moment: datetime) -> str:
    """A moment as the portal shows it ("23 Nov 2020 09:30", London time)."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _require_moment(moment: datetime | None, label: str) -> None:
    if moment is None or moment.tzinfo is None:
        raise ApplicationError(MISSING_MOMENT.format(label=label))


def _read(instance, version: int | None) -> int:
    """The version a write is based on: the caller's, or the one `instance` was read at."""
    return instance.version if version is None else version


def _update(instance, *, version: int | None, data: dict, by=None, related: dict | None = None):
    """Change fields and many-to-many sets of a versioned record under one claimed version
    (core.writes.model_update); the version moves on once, whatever changed."""
    instance, changed = model_update(
        instance=instance, fields=data, data=data, version=version, by=by
    )
    moved = {
        name: items
        for name, items in (related or {}).items()
        if items is not None
        and {getattr(o, "pk", o) for o in items}
        != set(getattr(instance, name).values_list("pk", flat=True))
    }
    if moved and not changed:
        claim_version(instance, version)
    stamp_history(instance, by=by)
    for name, items in moved.items():
        getattr(instance, name).set(items)
    return instance


def _mark_if_edited_late(instance, version_before: int, moment: datetime) -> None:
    """An edit that changed a record of an issued month marks it corrected after issue."""
    if instance.version != version_before:
        late.save_mark_if_late(instance, calendar.local_day(moment))


# --- Issues ---------------------------------------------------------------------------------


@transaction.atomic
def issue_create(
    *,
    title: str,
    description: str,
    category: str,
    identified_by: str,
    identified_at: datetime,
    owner,
    affected_customers: Iterable = (),
    mprns_affected: int = 0,
    impact: int | None = None,
    financial: int | None = None,
    internal_notes: str = "",
    by=None,
    scored_at: datetime | None = None,
) -> Issue:
    """Record an issue; when both levels are given it is scored at once."""
    _require_moment(identified_at, "Identified at")
    customers = _customers(affected_customers)
    issue = Issue(
        title=title,
        description=description,
        category=category,
        identified_by=identified_by,
        identified_at=identified_at,
        owner=owner,
        mprns_affected=mprns_affected,
        internal_notes=internal_notes,
    )
    late.mark_recorded_after_issue(issue, calendar.local_day(identified_at))
    references.create_with_reference(issue, "ISS", calendar.local_day(identified_at).year)
    issue.affected_customers.set(customers)
    if impact is not None or financial is not None:
        issue_score(issue=issue, impact=impact, financial=financial, by=by, at=scored_at)
    return issue


@transaction.atomic
def issue_update(
    *, issue: Issue, version: int | None, affected_customers=None, by=None, **fields
) -> Issue:
    """Change an issue's details (not its score or status: those have their own actions)."""
    customers = None if affected_customers is None else _customers(affected_customers)
    before, version_before = issue.identified_at, issue.version
    _update(issue, version=version, data=fields, by=by, related={"affected_customers": customers})
    if issue.score is not None and issue.identified_at != before:
        bands = selectors.matrix_current().band_rules()
        _schedule_actions(issue, rules.band_for(issue.score, bands))
    _mark_if_edited_late(issue, version_before, issue.identified_at)
    return issue


@transaction.atomic
def issue_score(
    *,
    issue: Issue,
    impact: int | None,
    financial: int | None,
    by=None,
    reason: str = "",
    at: datetime | None = None,
    version: int | None = None,
) -> Issue:
    """Score (or re-score, with a reason) an issue against the current matrix and schedule the
    actions its band requires. `version` None: the version `issue` was read at."""
    try:
        score = rules.issue_score(impact, financial)
    except ValueError as error:
        raise ApplicationError(str(error)) from error
    if issue.score is not None and not reason.strip():
        raise ApplicationError(RESCORE_NEEDS_REASON)
    matrix = selectors.matrix_current()
    try:
        band = rules.band_for(score, matrix.band_rules())
    except ValueError as error:
        raise ApplicationError(str(error)) from error
    version = _read(issue, version)
    data = {"impact": impact, "financial": financial, "score": score, "band": band.name}
    data["matrix_version"] = matrix.version
    model_update(instance=issue, fields=data, data=data, version=version, by=by, reason=reason)
    if issue.version == version:  # the same levels again: the re-scoring still counts as a write
        claim_version(issue, version)
    IssueScoring.objects.create(
        issue=issue,
        impact=impact,
        financial=financial,
        score=score,
        band=band.name,
        matrix_version=matrix.version,
        reason=reason,
        scored_by=by,
        scored_at=at or timezone.now(),
    )
    _schedule_actions(issue, band)
    # A scoring changes the month's figures: late when the month is issued (a new issue
    # dated into it was marked already; marking it again changes nothing).
    late.save_mark_if_late(issue, calendar.local_day(issue.identified_at))
    return issue


def _schedule_actions(issue: Issue, band: rules.BandRule) -> None:
    """Create or move the band's required actions; actions already done stay as they are."""
    closed = calendar.closed_days_around(calendar.local_day(issue.identified_at))
    wanted = rules.required_actions(issue.identified_at, band, closed)
    issue.actions.filter(done_at__isnull=True).exclude(kind__in=wanted).delete()
    for kind, due in wanted.items():
        action, created = IssueAction.objects.get_or_create(
            issue=issue, kind=kind, defaults={"due_at": due}
        )
        if not created and action.done_at is None and action.due_at != due:
            action.due_at = due
            action.save(update_fields=["due_at"])


@transaction.atomic
def issue_set_status(
    *,
    issue: Issue,
    status: str,
    at: datetime | None = None,
    reason: str = "",
    by=None,
    version: int | None = None,
) -> Issue:
    """Move an issue along open → plan agreed → resolved → closed, or reopen it with a reason,
    through the Issue's transitions; a move they refuse is an ApplicationError (409).
    `version` None: the version `issue` was read at (a second submit of the same move, or
    one racing another, is refused rather than applied twice)."""
    source, target = IssueStatus(issue.status), IssueStatus(status)
    move = getattr(issue, MOVES[target])
    at = at or timezone.now()
    if target == IssueStatus.OPEN and can_proceed(move) and not reason.strip():
        raise ApplicationError(REOPEN_NEEDS_REASON)
    try:
        move(at=at, reason=reason)
    except TransitionNotAllowed as error:
        raise ApplicationError(_refusal(move, source, target)) from error
    if target == IssueStatus.PLAN_AGREED:
        issue.actions.filter(kind=ActionKind.PLAN, done_at__isnull=True).update(done_at=at)
    issue.full_clean()
    claim_version(issue, _read(issue, version), shown=["status"])
    stamp_history(issue, by=by, reason=reason or None)
    issue.save(update_fields=[*STATUS_FIELDS, "version", *auto_now_fields(issue)])
    return issue


def _refusal(move, source: IssueStatus, target: IssueStatus) -> str:
    """Why a transition refused: its source does not allow it, or a condition is unmet."""
    if can_proceed(move, check_conditions=False):
        conditions = move._django_fsm.get_transition(source).conditions
        unmet = [c for c in conditions if not c(move.__self__)]
        if unmet:
            return UNMET[unmet[0]]
    return BAD_TRANSITION.format(source=source.label, target=target.label)


@transaction.atomic
def issue_action_complete(
    *, action: IssueAction, done_at: datetime | None = None, by=None
) -> IssueAction:
    """Record when a required action was done (`done_at` None: now); an action already recorded
    as done is refused, so a second click or a stale page changes nothing."""
    done_at = done_at or timezone.now()
    current = IssueAction.objects.select_for_update().select_related("issue").get(pk=action.pk)
    if current.done_at is not None:
        raise ApplicationError(
            ACTION_ALREADY_DONE.format(
                action=current.get_kind_display(), at=_shown_moment(current.done_at)
            ),
            current={"done_at": current.done_at},
        )
    if done_at < current.issue.identified_at:
        raise ApplicationError("An action cannot be done before the issue was identified.")
    action.done_at = done_at
    action.full_clean()
    stamp_history(action, by=by)
    action.save(update_fields=["done_at"])
    return action


@transaction.atomic
def task_create(
    *,
    issue: Issue,
    description: str,
    owner,
    due_date: date,
    done_date: date | None = None,
    by=None,
) -> RectificationTask:
    """Add a task to an issue's rectification plan."""
    data = {"issue": issue, "description": description, "owner": owner, "due_date": due_date}
    return model_create(model=RectificationTask, data={**data, "done_date": done_date}, by=by)


@transaction.atomic
def task_update(
    *, task: RectificationTask, version: int | None, by=None, **fields
) -> RectificationTask:
    """Change a rectification task (e.g. record it done), refusing a stale edit."""
    return _update(task, version=version, data=fields, by=by)


# --- Breaches -------------------------------------------------------------------------------


def _clocks(identified_at: datetime, severity: str) -> dict:
    """Both clocks of a breach identified at `identified_at`, under the current policy."""
    policy = selectors.breach_policy_current()
    closed = calendar.closed_days_around(calendar.local_day(identified_at))
    return {
        "notification_due": rules.breach_notification_due(
            identified_at, severity, hours=policy.notify_within_hours
        ),
        "resolution_due": rules.breach_resolution_due(
            identified_at, closed, business_days=policy.resolve_within_business_days
        ),
        "policy_version": policy.version,
    }


@transaction.atomic
def breach_create(
    *,
    severity: str,
    identified_at: datetime,
    description: str,
    owner,
    customers_impacted: Iterable = (),
    notified_at: datetime | None = None,
    resolved_at: datetime | None = None,
    root_cause: str = "",
    actions: str = "",
) -> Breach:
    """Record a breach and start its two clocks."""
    _require_moment(identified_at, "Identified at")
    customers = _customers(customers_impacted)
    breach = Breach(
        severity=severity,
        identified_at=identified_at,
        description=description,
        owner=owner,
        notified_at=notified_at,
        resolved_at=resolved_at,
        root_cause=root_cause,
        actions=actions,
        **_clocks(identified_at, severity),
    )
    late.mark_recorded_after_issue(breach, calendar.local_day(identified_at))
    references.create_with_reference(breach, "BRE", calendar.local_day(identified_at).year)
    breach.customers_impacted.set(customers)
    return breach


@transaction.atomic
def breach_update(
    *, breach: Breach, version: int | None, customers_impacted=None, by=None, **fields
) -> Breach:
    """Change a breach (e.g. record notification or resolution); the clocks follow the
    identification time and severity."""
    customers = None if customers_impacted is None else _customers(customers_impacted)
    identified_at = fields.get("identified_at", breach.identified_at)
    severity = fields.get("severity", breach.severity)
    if (identified_at, severity) != (breach.identified_at, breach.severity):
        _require_moment(identified_at, "Identified at")
        fields = {**fields, **_clocks(identified_at, severity)}
    related = {"customers_impacted": customers}
    version_before = breach.version
    breach = _update(breach, version=version, data=fields, by=by, related=related)
    _mark_if_edited_late(breach, version_before, breach.identified_at)
    return breach


@transaction.atomic
def breach_record_notification(
    *, breach: Breach, version: int | None, at: datetime | None = None, by=None
) -> Breach:
    """Record that a Critical/High breach was notified (`at` None: now), from the version the
    user read; refused when already recorded or when the breach has no notification clock."""
    if breach.notified_at is not None:
        raise ApplicationError(ALREADY_NOTIFIED.format(at=_shown_moment(breach.notified_at)))
    if breach.notification_due is None:
        severity = breach.get_severity_display()
        raise ApplicationError(NO_NOTIFICATION_CLOCK.format(severity=severity))
    return breach_update(breach=breach, version=version, by=by, notified_at=at or timezone.now())


@transaction.atomic
def breach_record_resolution(
    *, breach: Breach, version: int | None, at: datetime | None = None, by=None
) -> Breach:
    """Record that a breach was resolved (`at` None: now), from the version the user read;
    refused when already recorded."""
    if breach.resolved_at is not None:
        raise ApplicationError(ALREADY_RESOLVED.format(at=_shown_moment(breach.resolved_at)))
    return breach_update(breach=breach, version=version, by=by, resolved_at=at or timezone.now())


# --- Communications -------------------------------------------------------------------------


@transaction.atomic
def communication_create(
    *,
    kind: str,
    sent_at: datetime,
    subject: str,
    owner,
    quality_score=None,
    score_reason: str = "",
    recipients: Iterable = (),
    distribution_lists: str = "",
    issues: Iterable = (),
    breaches: Iterable = (),
    **checklist: bool,
) -> Communication:
    """Record a communication with its framework checklist; its score is the framework's unless
    the assessor gives another with a written reason."""
    _require_moment(sent_at, "Sent at")
    customers = _customers(recipients)
    comm = Communication(
        kind=kind,
        sent_at=sent_at,
        subject=subject,
        owner=owner,
        distribution_lists=distribution_lists,
        score_reason=score_reason,
        **checklist,
        **_score({**checklist, "score_reason": score_reason}, assessed=quality_score),
    )
    late.mark_recorded_after_issue(comm, calendar.local_day(sent_at))
    references.create_with_reference(comm, "COM", calendar.local_day(sent_at).year)
    comm.recipients.set(customers)
    comm.issues.set(list(issues))
    comm.breaches.set(list(breaches))
    return comm


@transaction.atomic
def communication_update(
    *,
    communication: Communication,
    version: int | None,
    recipients=None,
    issues=None,
    breaches=None,
    by=None,
    **fields,
) -> Communication:
    """Change a communication, refusing a stale edit; the score follows the checklist unless
    the assessor adjusted it (a given `quality_score` of None returns it to the framework's)."""
    adjusted = communication.quality_score if communication.score_adjusted else None
    assessed = fields.pop("quality_score", adjusted)
    values = {name: getattr(communication, name) for name in CHECKLIST_FIELDS + ["score_reason"]}
    fields.update(_score({**values, **fields}, assessed=assessed))
    customers = None if recipients is None else _customers(recipients)
    related = {"recipients": customers, "issues": issues, "breaches": breaches}
    version_before = communication.version
    communication = _update(communication, version=version, data=fields, by=by, related=related)
    _mark_if_edited_late(communication, version_before, communication.sent_at)
    return communication


SCORE_NEEDS_REASON = (
    "The framework gives {framework}/10 for the points met: a different score needs a written "
    "reason (or leave the score empty to use the framework's)."
)
CHECKLIST_FIELDS = [name for name, _ in CHECKLIST]


def _score(values: dict, *, assessed) -> dict:
    """A communication's score fields from its checklist `values` and the current framework
    weights (their version stamped); an assessed score other than the framework's needs the
    reason in `values`."""
    weights = CommsWeights.current()
    points = weights.as_mapping()
    framework = rules.comms_framework_score({p: values.get(p) for p in points}, points)
    score = framework if assessed is None else Decimal(assessed)
    if rules.comms_score_needs_reason(framework, score, values.get("score_reason", "")):
        raise ApplicationError(SCORE_NEEDS_REASON.format(framework=framework), field="score_reason")
    return {
        "framework_score": framework,
        "weights_version": weights.version,
        "quality_score": score,
    }
