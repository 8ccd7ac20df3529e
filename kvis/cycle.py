"""The reporting cycle of a committee's month: drafts previewed, a draft issued, re-issues.

`pack_issue` is the approver's action on a ready draft: it makes the next issued version from
the draft's frozen inputs (or answers the latest issued version when nothing changed), marks
the previous version superseded, lists what changed, and enqueues the build that e-mails the
members and locks the month for the pack's KVIs.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from core.errors import ApplicationError
from core.models import Committee
from core.transitions import apply_transition
from kvis.models import KVILock, KVIUpdate, Pack, PackKind, PackStatus, ReportingCycle

ISSUE_NEEDS_APPROVER = "Only an approver can issue a pack."
NOT_A_DRAFT = "{pack} is already issued: issue a draft."
DRAFT_NOT_READY = "{pack} is {status}: only a ready draft can be issued."
DRAFT_OUT_OF_DATE = (
    "Approved updates or late entries changed since {pack} was built: preview the pack again "
    "and issue the new draft, so that the committee gets what you read."
)
CANNOT_ISSUE = "The {committee} cycle for {month:%B %Y} is {state}: it cannot be issued now."


def cycle_for(committee: Committee, month: date) -> ReportingCycle:
    """The committee's cycle for `month`, locked for a transition (created open if new)."""
    ReportingCycle.objects.get_or_create(committee=committee, month=month)
    return ReportingCycle.objects.select_for_update().get(committee=committee, month=month)


def cycle_record_draft(*, committee: Committee, month: date, by) -> ReportingCycle:
    """A draft was requested: an open cycle becomes drafted; an issued one stays issued."""
    cycle = cycle_for(committee, month)
    if can_proceed(cycle.record_draft):
        cycle.record_draft()
        cycle._history_user = by
        cycle.save()
    return cycle


def _month_revisions(inputs: dict, month: date) -> dict[str, tuple[int, int, int]]:
    """KVI code → (update id, revision, version) of the pinned approved updates of `month`."""
    updates = KVIUpdate.objects.filter(pk__in=inputs.get("update_ids", []), month=month)
    versions = inputs.get("update_versions", {})
    return {
        u.kvi.code: (u.pk, u.revision, versions.get(str(u.pk), u.version))
        for u in updates.select_related("kvi")
    }


def pack_changes(previous: Pack, inputs: dict) -> list[str]:
    """What a new issued version changes since `previous`: the KVIs whose approved update
    for the month changed, was added or was withdrawn, and the month's new late entries."""
    before = _month_revisions(previous.inputs, previous.month)
    after = _month_revisions(inputs, previous.month)
    changes = []
    for code in sorted(before.keys() | after.keys()):
        if code not in before:
            changes.append(f"{code}: approved update added")
        elif code not in after:
            changes.append(f"{code}: approved update no longer approved")
        elif before[code] != after[code]:
            revision = after[code][1]
            changes.append(f"{code}: approved update changed (revision {revision})")
    known = set(previous.inputs.get("late_entries", []))
    changes += [entry for entry in inputs.get("late_entries", []) if entry not in known]
    return changes


def latest_issued(committee: Committee, month: date) -> Pack | None:
    """The latest issued version of the committee's pack for `month` that did not fail."""
    return (
        Pack.objects.filter(committee=committee, month=month, kind=PackKind.ISSUED)
        .exclude(status=PackStatus.FAILED)
        .order_by("-version")
        .first()
    )


def pack_issue(*, draft: Pack, by, enqueue=None) -> Pack:
    """Issue a ready draft: the next issued version, built from the draft's inputs, e-mailed
    to the members once built, locking the month for its KVIs. When the inputs equal the latest
    issued version's, nothing is made and that version is answered."""
    from kvis.packs import _enqueue_or_fail, pin_inputs

    if not by.has_perm("kvis.approve_kviupdate"):
        raise ApplicationError(ISSUE_NEEDS_APPROVER)
    if draft.kind != PackKind.DRAFT:
        raise ApplicationError(NOT_A_DRAFT.format(pack=draft))
    if draft.status != PackStatus.READY:
        raise ApplicationError(
            DRAFT_NOT_READY.format(pack=draft, status=draft.get_status_display().lower())
        )
    if pin_inputs(draft) != draft.inputs:
        raise ApplicationError(DRAFT_OUT_OF_DATE.format(pack=draft))
    if enqueue is None:
        from kvis.tasks import build_pack

        enqueue = build_pack.apply_async
    with transaction.atomic():
        committee, month = draft.committee, draft.month
        Committee.objects.select_for_update().get(pk=committee.pk)  # serialise version numbers
        previous = latest_issued(committee, month)
        if previous is not None and previous.inputs == draft.inputs:
            return previous
        issued = Pack(
            kind=PackKind.ISSUED,
            committee=committee,
            month=month,
            version=(previous.version if previous else 0) + 1,
            requested_by=draft.requested_by,
            requested_at=draft.requested_at,
            forced_reason=draft.forced_reason,
            not_approved=draft.not_approved,
            inputs=draft.inputs,
            changes=pack_changes(previous, draft.inputs) if previous else [],
            issued_by=by,
            issued_at=timezone.now(),
        )
        issued.full_clean()
        issued.save()
        if previous is not None:
            Pack.objects.filter(pk=previous.pk).update(superseded_by=issued)
        cycle = cycle_for(committee, month)
        step = "reissue" if previous else "issue"
        apply_transition(
            cycle,
            step,
            message=CANNOT_ISSUE.format(
                committee=committee.code, month=month, state=cycle.get_state_display().lower()
            ),
        )
        cycle._history_user = by
        cycle.save()
        transaction.on_commit(lambda: _enqueue_or_fail(enqueue, issued.pk))
    return issued


def issue_summary(draft: Pack) -> dict:
    """What issuing `draft` will do: who is e-mailed and which KVIs' month locks."""
    from kvis.packs import committee_kvis

    kvis = committee_kvis(draft.committee, draft.month)
    locks = {
        lock.kvi_id: lock.pack
        for lock in KVILock.objects.filter(month=draft.month, kvi__in=kvis).select_related(
            "pack__committee"
        )
    }
    return {
        "recipients": list(draft.committee.members.exclude(email="").order_by("email")),
        "locking": [k for k in kvis if k.id not in locks],
        "already_locked": [(k, locks[k.id]) for k in kvis if k.id in locks],
        "previous": latest_issued(draft.committee, draft.month),
    }


def notify_approvers(pack: Pack) -> int:
    """Tell the approvers that the schedule built a draft for them to review and issue."""
    approvers = (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename="approve_kviupdate")
            | Q(user_permissions__codename="approve_kviupdate")
            | Q(is_superuser=True)
        )
        .exclude(email="")
        .distinct()
    )
    emails = sorted({u.email for u in approvers})
    if not emails:
        return 0
    send_mail(
        subject=f"{pack} is ready for review",
        message=(
            f"The monthly schedule built {pack}. Open it from the packs page "
            f"({reverse('kvis:packs')}), check it, and issue it when it is right: issuing "
            "e-mails the committee's members and locks the month for its KVIs."
        ),
        from_email=None,
        recipient_list=emails,
    )
    return len(emails)
