"""Writes for KVIs: monthly updates and their workflow, results, period locks.

Every write checks the reporting period's lock and the record's version, runs in one
transaction, and leaves a history row (django-simple-history) naming who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.calendar import first_of_month, localdate
from core.errors import NOTHING_TO_REPORT, ApplicationError
from core.errors import STALE_VERSION as STALE_VERSION  # the kit's message, read from here
from core.transitions import apply_transition
from core.writes import claim_version, stamp_history, validation_messages
from kvis import rules, selectors
from kvis.models import (
    KVI,
    KVILock,
    KVIUpdate,
    Measure,
    MeasureKind,
    MeasureResult,
    ReportingPeriod,
    UpdateStatus,
    lock_message,
)

CORRECTION_HINT = " Changes are refused; an approver can record a correction after issue."
NOT_EDITABLE = "This update is {status}: only a draft can be edited. Return it to draft first."
OVERRIDE_NEEDS_JUSTIFICATION = (
    "The reported RAG differs from the suggested RAG: write a justification for the override."
)
CANNOT_APPROVE = "You do not have permission to approve KVI updates."
NOT_SUBMITTED = "Only a submitted update can be approved; this one is {status}."
NOT_DRAFT = "Only a draft can be submitted; this one is {status}."
NOT_RETURNABLE = (
    "Only a submitted or approved update can be returned to draft; this one is {status}."
)
APPROVAL_UNDONE_BY_APPROVER = (
    "This update is approved: only an approver can return it to draft, with a reason."
)
APPROVAL_UNDONE_NEEDS_REASON = "Say why the approval is being undone: the reason is kept."
ALREADY_CREATED = (
    "Someone else created this KVI's {month:%B %Y} update at the same moment; nothing was "
    "saved. Open it again and make your change on top of theirs."
)
ALREADY_LOCKED = "{month:%B %Y} is already locked."
CORRECTION_NEEDS_LOCK = "{month:%B %Y} is not locked: edit the update itself instead."
CORRECTION_NEEDS_REASON = "Say why the issued update is being corrected."
RESULT_NOT_MANUAL = "{measure} is computed by a register; its result cannot be entered."


def ensure_month_open(month: date, kvi: KVI | None = None) -> None:
    """Refuse when `month` is locked for `kvi` (by hand for every KVI, or by an issued pack
    that printed the KVI)."""
    if message := lock_message(month, kvi.pk if kvi else None):
        raise ApplicationError(message + CORRECTION_HINT)


def ensure_reporting_month(kvi: KVI, month: date) -> None:
    """Refuse (on the month; 422 in the API) a month the KVI does not report: before its first
    reporting month or after the current month."""
    message = rules.reporting_month_error(
        month,
        code=kvi.code,
        first=first_of_month(kvi.active_from),
        current=first_of_month(localdate()),
    )
    if message:
        raise ValidationError({"month": ValidationError(message, code=NOTHING_TO_REPORT)})


def _ensure_editable(update: KVIUpdate) -> None:
    if not update.corrected_after_issue:
        ensure_month_open(update.month, update.kvi)


#: The fields a conflict shows beside what the user typed.
SHOWN_ON_CONFLICT = ("reported_rag", "last_update", "drivers", "next_update", "status")


def _locked_for_update(update_id: int) -> KVIUpdate:
    return KVIUpdate.objects.select_for_update().select_related("kvi").get(pk=update_id)


def _claim(update: KVIUpdate, version: int | None) -> None:
    """Claim `version` of `update` in one UPDATE, or raise StaleVersion with its current
    values (a missing version on an existing update is refused the same way)."""
    claim_version(update, version, shown=SHOWN_ON_CONFLICT)


def _save(update: KVIUpdate, by, *, reason: str | None = None) -> None:
    """Validate and save `update` (its version already claimed) with a history row by `by`."""
    try:
        update.full_clean()
    except ValidationError as exc:
        raise ApplicationError(validation_messages(exc)) from exc
    stamp_history(update, by=by, reason=reason)
    update.save()


@dataclass(frozen=True)
class ResultInput:
    measure_id: int
    actual: Decimal | None
    met_on: date | None = None
    note: str = ""


@transaction.atomic
def result_save(
    *,
    measure: Measure,
    month: date,
    actual: Decimal | None,
    met_on: date | None = None,
    note: str = "",
    source: str = MeasureResult.Source.ENTERED,
    by=None,
) -> MeasureResult | None:
    """Record a measure's actual for `month`. Refused in a locked month and for measures that
    a register computes."""
    if measure.kind == MeasureKind.REGISTER:
        raise ApplicationError(RESULT_NOT_MANUAL.format(measure=measure.name))
    ensure_reporting_month(measure.kvi, month)
    ensure_month_open(month, measure.kvi)
    result, _ = MeasureResult.objects.select_for_update().get_or_create(
        measure=measure, month=month, defaults={"source": source}
    )
    result.actual, result.met_on, result.note, result.source = actual, met_on, note, source
    result._history_user = by
    try:
        result.full_clean()
    except ValidationError as exc:
        raise ApplicationError(f"{measure.name}: {' '.join(exc.messages)}") from exc
    result.save()
    return result


@transaction.atomic
def update_save(
    *,
    kvi: KVI,
    month: date,
    by,
    last_update: str,
    drivers: str,
    next_update: str,
    figures: str = "",
    reported_rag: str | None = None,
    override_justification: str = "",
    results: list[ResultInput] = (),
    version: int | None = None,
) -> KVIUpdate:
    """Create or edit the draft update of `kvi` for `month`, with its measure results.

    The suggestion is recomputed from the results; `reported_rag` None follows it. An
    override needs a justification. Editing an existing update needs the `version` its author
    read (None is refused like a stale one, with the current values). Refused in a locked month
    and for a month the KVI does not report (400).
    """
    ensure_reporting_month(kvi, month)
    KVI.objects.select_for_update().filter(pk=kvi.pk).first()  # one first update per month
    existing = selectors.current_update(kvi, month)
    if existing:
        update = _locked_for_update(existing.pk)
        _ensure_editable(update)
        if update.status != UpdateStatus.DRAFT:
            raise ApplicationError(NOT_EDITABLE.format(status=update.get_status_display().lower()))
        _claim(update, version)
    else:
        ensure_month_open(month, kvi)
        update = KVIUpdate(kvi=kvi, month=month, created_by=by)
    measures = {m.id: m for m in kvi.measures.all()}
    for item in results:
        result_save(
            measure=measures[item.measure_id],
            month=month,
            actual=item.actual,
            met_on=item.met_on,
            note=item.note,
            by=by,
        )
    suggestion, settings = selectors.kvi_suggestion(kvi, month)
    update.figures, update.last_update, update.drivers = figures, last_update, drivers
    update.next_update = next_update
    update.suggested_rag = suggestion.rag.value
    update.suggestion_explanation = suggestion.explanation
    update.rag_settings_version = settings.version
    update.reported_rag = reported_rag or suggestion.rag.value
    update.override_justification = (
        override_justification.strip() if update.reported_rag != update.suggested_rag else ""
    )
    if update.reported_rag != update.suggested_rag and not update.override_justification:
        raise ApplicationError(OVERRIDE_NEEDS_JUSTIFICATION, field="override_justification")
    try:
        with transaction.atomic():
            _save(update, by)
    except IntegrityError as exc:  # a first save of the same KVI-month won meanwhile
        raise ApplicationError(ALREADY_CREATED.format(month=month), field="version") from exc
    return update


def _workflow(update: KVIUpdate, version: int | None) -> KVIUpdate:
    """The update locked for a workflow step, its month open and `version` claimed (None:
    the version of `update` as the caller holds it)."""
    held = update.version if version is None else version
    update = _locked_for_update(update.pk)
    _ensure_editable(update)
    _claim(update, held)
    return update


@transaction.atomic
def update_submit(*, update: KVIUpdate, by, version: int | None = None) -> KVIUpdate:
    """Draft → submitted for approval."""
    update = _workflow(update, version)
    apply_transition(update, "submit", message=NOT_DRAFT)
    update.submitted_by, update.submitted_at = by, timezone.now()
    _save(update, by)
    return update


@transaction.atomic
def update_approve(*, update: KVIUpdate, by, version: int | None = None) -> KVIUpdate:
    """Submitted → approved; the approver and time are kept."""
    if not by.has_perm("kvis.approve_kviupdate"):
        raise ApplicationError(CANNOT_APPROVE)
    update = _workflow(update, version)
    apply_transition(update, "approve", message=NOT_SUBMITTED)
    update.approved_by, update.approved_at = by, timezone.now()
    _save(update, by)
    return update


@transaction.atomic
def update_return_to_draft(
    *, update: KVIUpdate, by, version: int | None = None, reason: str = ""
) -> KVIUpdate:
    """Submitted → draft (the owner withdraws it, or an approver sends it back), or approved →
    draft, which only an approver may do, with a written reason kept in the update's history;
    the owner and the approver are then e-mailed. Approval is cleared. The reason (what the
    owner should change) is shown on the owner's My updates."""
    update = _workflow(update, version)
    undoing = update.status == UpdateStatus.APPROVED
    if undoing and not by.has_perm("kvis.approve_kviupdate"):
        raise ApplicationError(APPROVAL_UNDONE_BY_APPROVER)
    if undoing and not reason.strip():
        raise ApplicationError(APPROVAL_UNDONE_NEEDS_REASON, field="reason")
    approver = update.approved_by
    apply_transition(update, "return_to_draft", message=NOT_RETURNABLE)
    update.approved_by = update.approved_at = None
    note = f"Approval undone: {reason.strip()}" if undoing else reason.strip() or None
    _save(update, by, reason=note)
    if undoing:
        transaction.on_commit(lambda: _tell_approval_undone(update, by, approver, reason.strip()))
    return update


def _tell_approval_undone(update: KVIUpdate, by, approver, reason: str) -> None:
    """E-mail the KVI's owner, the update's author and its approver that approval was undone."""
    people = {update.kvi.owner, update.created_by, update.submitted_by, approver}
    emails = sorted({p.email for p in people if p is not None and p.email})
    if emails:
        send_mail(
            subject=f"{update.kvi.code} {update.month:%B %Y}: approval undone",
            message=(
                f"{by.get_full_name() or by.username} returned the approved {update.kvi.code} "
                f"update for {update.month:%B %Y} to draft.\n\nReason: {reason}"
            ),
            from_email=None,
            recipient_list=emails,
        )


@transaction.atomic
def update_correct_after_issue(*, update: KVIUpdate, by, reason: str) -> KVIUpdate:
    """Start a correction of an update in a locked month: a new draft revision marked
    "corrected after issue"; the issued revision stays as reported."""
    if not reason.strip():
        raise ApplicationError(CORRECTION_NEEDS_REASON)
    update = _locked_for_update(update.pk)
    if lock_message(update.month, update.kvi_id) is None:
        raise ApplicationError(CORRECTION_NEEDS_LOCK.format(month=update.month))
    KVIUpdate.objects.filter(pk=update.pk).update(is_current=False)
    correction = KVIUpdate(
        kvi=update.kvi,
        month=update.month,
        revision=update.revision + 1,
        corrected_after_issue=True,
        correction_reason=reason.strip(),
        figures=update.figures,
        last_update=update.last_update,
        drivers=update.drivers,
        next_update=update.next_update,
        suggested_rag=update.suggested_rag,
        suggestion_explanation=update.suggestion_explanation,
        rag_settings_version=update.rag_settings_version,
        reported_rag=update.reported_rag,
        override_justification=update.override_justification,
        created_by=by,
    )
    _save(correction, by)
    return correction


@transaction.atomic
def period_lock(*, month: date, by, reason: str = "Pack issued") -> ReportingPeriod:
    """Lock a month: its updates and results refuse changes from now on."""
    period, _ = ReportingPeriod.objects.select_for_update().get_or_create(month=month)
    if period.is_locked:
        raise ApplicationError(ALREADY_LOCKED.format(month=month))
    period.locked_at, period.locked_by, period.lock_reason = timezone.now(), by, reason
    period._history_user = by
    period.full_clean()
    period.save()
    return period


def kvis_lock(*, pack, kvis: list[KVI]) -> list[KVILock]:
    """Lock, for the pack's month, the updates and results of the `kvis` it printed. A KVI
    already locked by an earlier issue (it reports to two committees) keeps its first lock."""
    made = []
    for kvi in kvis:
        lock, created = KVILock.objects.get_or_create(
            kvi=kvi, month=pack.month, defaults={"pack": pack, "locked_at": timezone.now()}
        )
        if created:
            made.append(lock)
    return made
