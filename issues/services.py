"""Writes of the registers. Keyword-only arguments so views, tasks and an API call them alike."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.utils import timezone

from core import calendar
from core.errors import ApplicationError
from core.models import Organisation
from issues import rules
from issues.models import (
    ActionKind,
    Band,
    Breach,
    BreachPolicy,
    Communication,
    Issue,
    IssueAction,
    IssueScoring,
    IssueStatus,
    RectificationTask,
    ScoringMatrix,
)

STALE_VERSION = (
    "Someone else changed this record while you were editing it. "
    "Reload the page to see their changes, then make yours again."
)
UNKNOWN_CUSTOMER = "Unknown customer: {ids}."
RESCORE_NEEDS_REASON = "Re-scoring an issue needs a reason; it is recorded in the audit trail."
REOPEN_NEEDS_REASON = "Reopening an issue needs a reason."
BAD_TRANSITION = "An issue cannot go from {source} to {target}."
RESOLVE_NEEDS_SCORE = "Score the issue before resolving it."
MISSING_MOMENT = "{label} needs a date and time."

#: Allowed status changes; going back to open is a reopen and needs a reason.
TRANSITIONS = {
    IssueStatus.OPEN: {IssueStatus.PLAN_AGREED, IssueStatus.RESOLVED},
    IssueStatus.PLAN_AGREED: {IssueStatus.RESOLVED, IssueStatus.OPEN},
    IssueStatus.RESOLVED: {IssueStatus.CLOSED, IssueStatus.OPEN},
    IssueStatus.CLOSED: {IssueStatus.OPEN},
}


# --- Configuration --------------------------------------------------------------------------


@transaction.atomic
def matrix_current() -> ScoringMatrix:
    """The latest scoring matrix; version 1 with the default bands when none exists yet."""
    matrix = ScoringMatrix.objects.prefetch_related("bands").order_by("-version").first()
    if matrix is None:
        matrix = ScoringMatrix.objects.create(version=1)
        for band in rules.DEFAULT_BANDS:
            Band.objects.create(matrix=matrix, **asdict(band))
    return matrix


def breach_policy_current() -> BreachPolicy:
    """The latest breach policy; version 1 with the default clocks and thresholds if none."""
    policy = BreachPolicy.objects.order_by("-version").first()
    return policy or BreachPolicy.objects.create(version=1)


# --- Helpers --------------------------------------------------------------------------------


def _customers(customers: Iterable) -> list[Organisation]:
    items = list(customers)
    ids = [c.pk if isinstance(c, Organisation) else int(c) for c in items]
    found = list(Organisation.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {o.pk for o in found})
    if missing:
        raise ApplicationError(UNKNOWN_CUSTOMER.format(ids=", ".join(map(str, missing))))
    return found


def _claim_version(model, pk: int, version: int) -> None:
    """Move the record's version on by one, or refuse when someone saved it meanwhile."""
    if not model.objects.filter(pk=pk, version=version).update(version=F("version") + 1):
        raise ApplicationError(STALE_VERSION)


def _next_reference(model, prefix: str, year: int) -> str:
    stem = f"{prefix}-{year}-"
    last = (
        model.objects.filter(reference__startswith=stem)
        .order_by(Length("reference").desc(), "-reference")  # 10000 comes after 9999
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{stem}{number:04d}"


def _create_with_reference(obj, prefix: str, year: int) -> None:
    """Save a new record under the next free reference; retry if another save took it.

    On PostgreSQL, saves in one series wait for each other from here to their commit (an
    advisory lock), so fifty people logging issues at once do not exhaust the retries.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"{prefix}-{year}"])
    for _ in range(5):
        obj.reference = _next_reference(type(obj), prefix, year)
        # The database decides whether the reference is free (IntegrityError, retried):
        # a uniqueness check here would see a concurrent save's row and fail without retry.
        obj.full_clean(exclude={"reference"})
        try:
            with transaction.atomic():
                obj.save()
            return
        except IntegrityError:
            obj.pk = None
    raise ApplicationError("Could not allocate a reference; try again.")


def _require_moment(moment: datetime | None, label: str) -> None:
    if moment is None or moment.tzinfo is None:
        raise ApplicationError(MISSING_MOMENT.format(label=label))


def _apply(instance, fields: dict) -> None:
    for name, value in fields.items():
        setattr(instance, name, value)


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
    _create_with_reference(issue, "ISS", calendar.local_day(identified_at).year)
    issue.affected_customers.set(customers)
    if impact is not None or financial is not None:
        issue_score(issue=issue, impact=impact, financial=financial, by=by, at=scored_at)
    return issue


@transaction.atomic
def issue_update(*, issue: Issue, version: int, affected_customers=None, **fields) -> Issue:
    """Change an issue's details (not its score or status: those have their own actions)."""
    _claim_version(Issue, issue.pk, version)
    issue.refresh_from_db()
    before = issue.identified_at
    _apply(issue, fields)
    issue.full_clean()
    issue.save()
    if affected_customers is not None:
        issue.affected_customers.set(_customers(affected_customers))
    if issue.score is not None and issue.identified_at != before:
        _schedule_actions(issue, rules.band_for(issue.score, matrix_current().band_rules()))
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
) -> Issue:
    """Score (or re-score, with a reason) an issue against the current matrix and schedule the
    actions its band requires."""
    try:
        score = rules.issue_score(impact, financial)
    except ValueError as error:
        raise ApplicationError(str(error)) from error
    if issue.score is not None and not reason.strip():
        raise ApplicationError(RESCORE_NEEDS_REASON)
    matrix = matrix_current()
    try:
        band = rules.band_for(score, matrix.band_rules())
    except ValueError as error:
        raise ApplicationError(str(error)) from error
    issue.impact, issue.financial, issue.score = impact, financial, score
    issue.band, issue.matrix_version = band.name, matrix.version
    issue.version += 1
    issue.full_clean()
    issue.save()
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
    *, issue: Issue, status: str, at: datetime | None = None, reason: str = "", by=None
) -> Issue:
    """Move an issue along open → plan agreed → resolved → closed, or reopen it with a reason."""
    target = IssueStatus(status)
    source = IssueStatus(issue.status)
    if target not in TRANSITIONS[source]:
        raise ApplicationError(BAD_TRANSITION.format(source=source.label, target=target.label))
    at = at or timezone.now()
    if target == IssueStatus.OPEN:
        if not reason.strip():
            raise ApplicationError(REOPEN_NEEDS_REASON)
        issue.reopen_reason = reason
        issue.resolved_at = issue.closed_at = None
    elif target == IssueStatus.RESOLVED:
        if issue.score is None:
            raise ApplicationError(RESOLVE_NEEDS_SCORE)
        issue.resolved_at = at
    elif target == IssueStatus.CLOSED:
        issue.closed_at = at
    elif target == IssueStatus.PLAN_AGREED:
        issue.actions.filter(kind=ActionKind.PLAN, done_at__isnull=True).update(done_at=at)
    issue.status = target
    issue.version += 1
    issue.full_clean()
    issue.save()
    return issue


@transaction.atomic
def issue_action_complete(*, action: IssueAction, done_at: datetime, by=None) -> IssueAction:
    """Record when a required action was done."""
    action.done_at = done_at
    if done_at < action.issue.identified_at:
        raise ApplicationError("An action cannot be done before the issue was identified.")
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def task_create(
    *, issue: Issue, description: str, owner, due_date: date, done_date: date | None = None
) -> RectificationTask:
    """Add a task to an issue's rectification plan."""
    task = RectificationTask(
        issue=issue, description=description, owner=owner, due_date=due_date, done_date=done_date
    )
    task.full_clean()
    task.save()
    return task


@transaction.atomic
def task_update(*, task: RectificationTask, version: int, **fields) -> RectificationTask:
    """Change a rectification task (e.g. record it done), refusing a stale edit."""
    _claim_version(RectificationTask, task.pk, version)
    task.refresh_from_db()
    _apply(task, fields)
    task.full_clean()
    task.save()
    return task


# --- Breaches -------------------------------------------------------------------------------


def _stamp_clocks(breach: Breach) -> None:
    policy = breach_policy_current()
    closed = calendar.closed_days_around(calendar.local_day(breach.identified_at))
    breach.notification_due = rules.breach_notification_due(
        breach.identified_at, breach.severity, hours=policy.notify_within_hours
    )
    breach.resolution_due = rules.breach_resolution_due(
        breach.identified_at, closed, business_days=policy.resolve_within_business_days
    )
    breach.policy_version = policy.version


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
    )
    _stamp_clocks(breach)
    _create_with_reference(breach, "BRE", calendar.local_day(identified_at).year)
    breach.customers_impacted.set(customers)
    return breach


@transaction.atomic
def breach_update(*, breach: Breach, version: int, customers_impacted=None, **fields) -> Breach:
    """Change a breach (e.g. record notification or resolution); the clocks follow the
    identification time and severity."""
    _claim_version(Breach, breach.pk, version)
    breach.refresh_from_db()
    before = (breach.identified_at, breach.severity)
    _apply(breach, fields)
    if (breach.identified_at, breach.severity) != before:
        _stamp_clocks(breach)
    breach.full_clean()
    breach.save()
    if customers_impacted is not None:
        breach.customers_impacted.set(_customers(customers_impacted))
    return breach


# --- Communications -------------------------------------------------------------------------


@transaction.atomic
def communication_create(
    *,
    kind: str,
    sent_at: datetime,
    subject: str,
    quality_score,
    owner,
    recipients: Iterable = (),
    distribution_lists: str = "",
    issues: Iterable = (),
    breaches: Iterable = (),
    **checklist: bool,
) -> Communication:
    """Record a communication with its framework checklist and quality score."""
    _require_moment(sent_at, "Sent at")
    customers = _customers(recipients)
    comm = Communication(
        kind=kind,
        sent_at=sent_at,
        subject=subject,
        quality_score=quality_score,
        owner=owner,
        distribution_lists=distribution_lists,
        **checklist,
    )
    _create_with_reference(comm, "COM", calendar.local_day(sent_at).year)
    comm.recipients.set(customers)
    comm.issues.set(list(issues))
    comm.breaches.set(list(breaches))
    return comm


@transaction.atomic
def communication_update(
    *,
    communication: Communication,
    version: int,
    recipients=None,
    issues=None,
    breaches=None,
    **fields,
) -> Communication:
    """Change a communication, refusing a stale edit."""
    _claim_version(Communication, communication.pk, version)
    communication.refresh_from_db()
    _apply(communication, fields)
    communication.full_clean()
    communication.save()
    if recipients is not None:
        communication.recipients.set(_customers(recipients))
    if issues is not None:
        communication.issues.set(list(issues))
    if breaches is not None:
        communication.breaches.set(list(breaches))
    return communication
