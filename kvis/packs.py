"""The monthly committee pack: readiness, request, build (WeasyPrint), distribution.

One module because it is one pipeline: `pack_request` records a queued draft and enqueues
the build after commit; `pack_build` (run by the Celery task) freezes the inputs, renders the
PDF and stores exactly one file per version; `pack_distribute` e-mails an issued version once
per member and locks its KVIs' month. Issuing a draft is kvis.cycle.
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from core.calendar import first_of_month, localdate, months_ending
from core.errors import NOTHING_TO_REPORT
from core.models import Committee
from core.transitions import apply_transition
from kvis import late, pack_content, registry, snapshots
from kvis.models import (
    KVI,
    KVIUpdate,
    Pack,
    PackDelivery,
    PackKind,
    PackStatus,
    UpdateStatus,
    pack_upload_to,
)
from kvis.rules import pack_month_error
from kvis.services import ApplicationError

log = logging.getLogger(__name__)

NOT_READY = (
    "The {committee} pack for {month:%B %Y} cannot be built: these KVIs have no approved update "
    "yet: {codes}. Approve them, or force the build with a reason that the pack will print."
)
FORCE_NEEDS_APPROVER = "Only an approver can force a pack to build with unapproved KVIs."
FORCE_NEEDS_REASON = "Say why the pack is being built although some KVIs are not approved."
QUEUE_UNAVAILABLE = (
    "The build queue is unavailable just now, so no pack was requested. Try again in a few "
    "minutes; if it persists, tell the administrator."
)
NO_KVIS = (
    "No KVI reports to {committee} in {month:%B %Y} and no register contributes a section: "
    "there is nothing to build."
)
CANNOT_BUILD = "This pack is {status}: it cannot be built now."
CANNOT_FINISH = "This pack is {status}: its build cannot be finished."
#: Months of approved revisions pinned: the KVI year to date, which the summary prints.
SUMMARY_MONTHS = 12


def committee_kvis(committee: Committee, month: date) -> list[KVI]:
    """The KVIs active in `month` that report to `committee`, in display order."""
    return list(
        KVI.objects.for_committee(committee)
        .active_between(month, month)
        .order_by("display_order", "code")
        .prefetch_related("commitments", "measures")
    )


def pack_not_approved(committee: Committee, month: date) -> list[str]:
    """Codes of the committee's KVIs whose current update for `month` is not approved."""
    kvis = committee_kvis(committee, month)
    approved = set(
        KVIUpdate.objects.current()
        .approved()
        .filter(month=month, kvi__in=kvis)
        .values_list("kvi_id", flat=True)
    )
    return [k.code for k in kvis if k.id not in approved]


def pack_request(
    *, committee: Committee, month: date, by, force_reason: str = "", enqueue=None
) -> Pack:
    """Record a new queued draft of the committee's pack for `month` and enqueue its build
    once the transaction commits: a preview watermarked DRAFT, e-mailed to nobody, locking
    nothing. Refuses when KVIs are not approved, unless an approver forces it with a reason."""
    from kvis import cycle

    _ensure_pack_month(committee, month)
    if not committee_kvis(committee, month) and not registry.pack_sections(committee.code):
        raise ApplicationError(NO_KVIS.format(committee=committee.code, month=month))
    missing = pack_not_approved(committee, month)
    if missing:
        if not force_reason.strip():
            raise ApplicationError(
                NOT_READY.format(committee=committee.code, month=month, codes=", ".join(missing))
            )
        if by is not None and not by.has_perm("kvis.approve_kviupdate"):
            raise ApplicationError(FORCE_NEEDS_APPROVER)
    if enqueue is None:
        from kvis.tasks import build_pack

        enqueue = build_pack.apply_async
    if not _queue_answers():
        raise ApplicationError(QUEUE_UNAVAILABLE)
    with transaction.atomic():
        Committee.objects.select_for_update().get(pk=committee.pk)  # serialise version numbers
        drafts = Pack.objects.filter(committee=committee, month=month, kind=PackKind.DRAFT)
        last = drafts.aggregate(v=Max("version"))
        pack = Pack(
            kind=PackKind.DRAFT,
            committee=committee,
            month=month,
            version=(last["v"] or 0) + 1,
            requested_by=by,
            requested_at=timezone.now(),
            forced_reason=force_reason.strip() if missing else "",
            not_approved=missing,
        )
        pack.full_clean()
        pack.save()
        cycle.cycle_record_draft(committee=committee, month=month, by=by)
        transaction.on_commit(lambda: _enqueue_or_fail(enqueue, pack.pk))
    return pack


def _ensure_pack_month(committee: Committee, month: date) -> None:
    """Refuse (on the month; 422 in the API) a month that has not ended or comes before the
    committee's first reporting month (its earliest KVI's first month)."""
    first = KVI.objects.for_committee(committee).aggregate(f=Min("active_from"))["f"]
    message = pack_month_error(
        month,
        committee=committee.code,
        first=first_of_month(first) if first else None,
        current=first_of_month(localdate()),
    )
    if message:
        raise ValidationError({"month": ValidationError(message, code=NOTHING_TO_REPORT)})


def _enqueue_or_fail(enqueue, pack_id: int) -> None:
    """Enqueue the build; if the broker went away since it was checked, the pack is marked
    failed with the queue message rather than left looking queued with no build coming."""
    from kombu.exceptions import OperationalError as BrokerError

    try:
        enqueue(args=[pack_id], queue="packs")
    except BrokerError:
        log.exception("pack %s could not be enqueued", pack_id)
        pack_mark_failed(pack_id=pack_id, error=QUEUE_UNAVAILABLE)


def _queue_answers() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True
    from core.selectors import broker_answers

    return broker_answers(settings.CELERY_BROKER_URL)


def pack_context(pack: Pack) -> dict:
    """Everything the pack prints (see kvis/pack_content.py), for the PDF and the briefing
    book alike."""
    return pack_content.pack_context(pack, committee_kvis(pack.committee, pack.month))


def pin_inputs(pack: Pack) -> dict:
    """The approved current revisions the pack is built from, as ids and versions, and the
    month's late entries."""
    kvis = committee_kvis(pack.committee, pack.month)
    updates = (
        KVIUpdate.objects.current()
        .filter(kvi__in=kvis, month__in=months_ending(pack.month, SUMMARY_MONTHS))
        .filter(status=UpdateStatus.APPROVED)
        .order_by("kvi_id", "month")
    )
    inputs = {
        "update_ids": [u.pk for u in updates],
        "update_versions": {str(u.pk): u.version for u in updates},
    }
    # Late entries of the month make a re-issue differ (the key only when there are some, so
    # versions pinned before late entries existed still compare equal).
    if late_entries := late.late_entry_inputs(pack.month):
        inputs["late_entries"] = late_entries
    return inputs


def render_pack(pack: Pack, built_at) -> tuple[bytes, int, dict]:
    """Render the pack from its pinned inputs as built at `built_at` (the PDF's creation
    date); returns (pdf, page count, snapshot)."""
    context = {**pack_context(pack), "built_at": built_at}
    html = pack_content.render_html(context)
    pdf, pages = snapshots.pdf_from_html(html, context["appendices"], built_at)
    return pdf, pages, snapshots.snapshot_of(html=html, built_at=built_at, context=context)


def render_pdf(pack: Pack) -> tuple[bytes, int]:
    """Render the pack to PDF bytes from its pinned inputs; returns (pdf, page count). A built
    pack keeps its build time, so the same inputs give the same bytes."""
    built_at = pack.built_at or timezone.now()
    pdf, pages, _ = render_pack(pack, built_at)
    return pdf, pages


def pack_build(*, pack_id: int) -> Pack:
    """Build a queued (or interrupted) pack. A ready pack is left alone, so running twice
    never makes a second file; a retry after a crash overwrites the same file name."""
    with transaction.atomic():
        pack = Pack.objects.select_for_update().select_related("committee").get(pk=pack_id)
        if pack.status == PackStatus.READY:
            return pack
        if pack.status == PackStatus.QUEUED:
            apply_transition(pack, "start_build", message=CANNOT_BUILD)
        else:
            apply_transition(pack, "retry_build", message=CANNOT_BUILD)
        if not pack.inputs:
            pack.inputs = pin_inputs(pack)
        pack.save(update_fields=["status", "error", "attempts", "inputs"])
    # A retry keeps the build time already given, so its bytes equal the first build's.
    started, built_at = time.monotonic(), pack.built_at or timezone.now().replace(microsecond=0)
    pdf, pages, snapshot = render_pack(pack, built_at)
    with transaction.atomic():
        pack = Pack.objects.select_for_update().get(pk=pack_id)
        if pack.status == PackStatus.READY:
            return pack
        apply_transition(pack, "mark_ready", message=CANNOT_FINISH)
        # One file per version: whatever an interrupted attempt left at this name goes first.
        target = pack_upload_to(pack, "")
        if pack.file.storage.exists(target):
            pack.file.storage.delete(target)
        pack.file.save(target, ContentFile(pdf), save=False)
        pack.size, pack.page_count = len(pdf), pages
        pack.sha256 = hashlib.sha256(pdf).hexdigest()
        pack.snapshot, pack.snapshot_sha256 = snapshot, snapshots.snapshot_sha256(snapshot)
        pack.built_at = built_at
        pack.build_seconds = round(time.monotonic() - started, 3)
        pack.save()
    return pack


@transaction.atomic
def pack_mark_failed(*, pack_id: int, error: str) -> None:
    """Record that the build failed for good, with the error shown to users; a ready pack
    (or one already failed) stays as it is."""
    pack = Pack.objects.select_for_update().get(pk=pack_id)
    if can_proceed(pack.mark_failed):
        pack.mark_failed(error)
        pack.save(update_fields=["status", "error"])


def pack_distribute(*, pack: Pack) -> int:
    """E-mail the ready issued pack to each committee member once, record each delivery, and
    lock the month for the KVIs the pack printed. A draft is e-mailed to nobody and locks
    nothing. Returns how many e-mails were sent now."""
    from kvis import services

    if pack.status != PackStatus.READY or pack.kind != PackKind.ISSUED:
        return 0
    sent = 0
    for member in pack.committee.members.exclude(email=""):
        delivery, _ = PackDelivery.objects.get_or_create(
            pack=pack, email=member.email, defaults={"recipient": member}
        )
        if delivery.sent_at:
            continue
        message = EmailMessage(
            subject=f"{pack}: monthly RAG pack",
            body=(
                f"The {pack.committee.name} pack for {pack.month:%B %Y} (version {pack.version}, "
                f"{pack.page_count} pages) is attached. Read it on screen: "
                f"{settings.PORTAL_URL}{reverse('kvis:pack_book', args=[pack.pk])}"
                + ("\n\nChanged since the previous version:" if pack.changes else "")
                + "".join(f"\n- {change}" for change in pack.changes)
            ),
            to=[member.email],
        )
        with pack.file.open("rb") as f:
            message.attach(pack.file_name, f.read(), "application/pdf")
        try:
            message.send()
        except Exception as exc:  # recorded per recipient; the next run tries again
            delivery.error = str(exc)[:500]
            delivery.save(update_fields=["error"])
            continue
        delivery.sent_at, delivery.error = timezone.now(), ""
        delivery.save(update_fields=["sent_at", "error"])
        sent += 1
    services.kvis_lock(pack=pack, kvis=committee_kvis(pack.committee, pack.month))
    return sent


def packs_visible_to(user):
    """Packs of the committees the user sits on, or all of them for those allowed."""
    qs = Pack.objects.select_related("committee", "requested_by", "issued_by", "superseded_by")
    if user.has_perm("kvis.view_all_packs"):
        return qs
    if not user.has_perm("kvis.view_pack"):
        return qs.none()
    return qs.filter(committee__members=user)
