"""Late entries: register records dated into a month already issued in a committee's pack.

A month counts as issued once a committee's issued pack for it is built (ready): its snapshot
then holds the figures it printed. A register service that adds a record dated into such a
month, or corrects one, marks it with the pack the month was first issued in
(`mark_recorded_after_issue`); the month's pages and API show the figures as issued beside
the current ones with the late entries (`figures_as_issued`), and each committee's next pack
lists them under "Changes to months already reported" (`pack_changes_to_reported`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models.fields.json import KeyTransform
from django.utils import timezone

from core.calendar import add_months, first_of_month
from kvis import registry
from kvis.models import KVI, KVIUpdate, Pack, PackKind, PackStatus, UpdateStatus


@dataclass(frozen=True)
class LateEntry:
    """A record of an issued month added or corrected after the month's pack was issued."""

    reference: str
    kind: str  # "Issue", "Breach", "Communication", "Survey round", "KVI update"
    month: date
    recorded_at: datetime
    pack: str  # the pack the month was issued in, e.g. "CoMC November 2020 v1"
    summary: str
    change: str = "added"  # or "corrected"

    def as_json(self) -> dict:
        """The entry as the pack's snapshot stores it."""
        return {
            "reference": self.reference,
            "kind": self.kind,
            "month": f"{self.month:%Y-%m}",
            "recorded_at": self.recorded_at.isoformat(),
            "pack": self.pack,
            "summary": self.summary,
            "change": self.change,
        }


def month_issued_in(month: date) -> Pack | None:
    """The pack `month` was first issued in, in any committee (ready issued versions only:
    a version still building has printed nothing yet), or None while it is not issued."""
    return (
        Pack.objects.filter(month=first_of_month(month), kind=PackKind.ISSUED)
        .filter(status=PackStatus.READY)
        .select_related("committee")
        .order_by("issued_at", "pk")
        .first()
    )


def mark_recorded_after_issue(record, month: date, *, at: datetime | None = None) -> bool:
    """Mark `record` (a RecordedAfterIssue model) as recorded after the issue of `month` when
    that month is issued; the caller saves the two fields. True when it was marked."""
    pack = month_issued_in(month)
    if pack is None:
        return False
    record.recorded_after_issue = pack
    record.recorded_after_issue_at = at or timezone.now()
    return True


def save_mark_if_late(record, month: date) -> bool:
    """After an edit saved `record`: mark it when its month is issued (a correction)."""
    if not mark_recorded_after_issue(record, month):
        return False
    type(record).objects.filter(pk=record.pk).update(
        recorded_after_issue=record.recorded_after_issue,
        recorded_after_issue_at=record.recorded_after_issue_at,
    )
    return True


def change_kind(record) -> str:
    """ "added" when `record` (marked) was first saved after its month's pack was built,
    "corrected" when the pack had printed it and it changed since."""
    first = record.history.order_by("history_date").values_list("history_date", flat=True)
    first = first.first()
    built = record.recorded_after_issue.built_at
    return "corrected" if first and built and first <= built else "added"


def figures_as_issued(month: date, section_key: str) -> tuple[Pack, dict] | None:
    """(pack, figures) of the section `section_key` as printed for `month` in the first
    issued pack that printed it (from its snapshot), or None until the month is issued."""
    # Only the section's figures are read out of the snapshot, in the database: a whole
    # snapshot is megabytes of JSON at scale.
    section = KeyTransform(
        section_key, KeyTransform("sections", KeyTransform("figures", "snapshot"))
    )
    issued = (
        Pack.objects.filter(month=first_of_month(month), kind=PackKind.ISSUED)
        .filter(status=PackStatus.READY)
        .defer("snapshot", "inputs")
        .annotate(section_figures=section)
        .order_by("issued_at", "pk")
    )
    for pack in issued:
        if pack.section_figures is not None:
            return pack, pack.section_figures
    return None


def _kvi_corrections(committee, before: date) -> list[LateEntry]:
    """Approved corrections after issue of the committee's KVI updates for months before."""
    corrections = (
        KVIUpdate.objects.current()
        .filter(
            corrected_after_issue=True,
            status=UpdateStatus.APPROVED,
            month__lt=before,
            kvi__in=KVI.objects.for_committee(committee),
        )
        .select_related("kvi")
    )
    entries = []
    for update in corrections:
        lock = update.kvi.locks.filter(month=update.month).select_related("pack__committee")
        lock = lock.first()
        entries.append(
            LateEntry(
                reference=f"{update.kvi.code} r{update.revision}",
                kind="KVI update",
                month=update.month,
                recorded_at=update.approved_at or update.updated_at,
                pack=str(lock.pack) if lock else "",
                summary=f"{update.kvi.title}: {update.correction_reason}",
                change="corrected",
            )
        )
    return entries


def month_late_entries(month: date) -> list[LateEntry]:
    """The registers' late entries of `month` itself, oldest first."""
    month = first_of_month(month)
    entries = [
        e
        for provider in registry.late_entry_providers()
        for e in provider(add_months(month, 1))
        if e.month == month
    ]
    return sorted(entries, key=lambda e: (e.recorded_at, e.reference))


def late_entry_inputs(month: date) -> list[str]:
    """The month's late entries as a pack's inputs pin them: a new one, or a new correction
    of one, makes the next issued version differ from the last."""
    return [
        f"{e.kind} {e.reference} {e.change} after issue ({e.recorded_at:%Y-%m-%dT%H:%M:%S})"
        for e in month_late_entries(month)
    ]


def pack_changes_to_reported(committee, month: date) -> list[LateEntry]:
    """What the committee's pack for `month` reports under "Changes to months already
    reported": late entries and corrections of earlier issued months that no issued pack of
    the committee for a month in between was built after (so each is reported once)."""
    entries = [e for provider in registry.late_entry_providers() for e in provider(month)]
    entries += _kvi_corrections(committee, month)
    reported = list(
        Pack.objects.filter(
            committee=committee, kind=PackKind.ISSUED, status=PackStatus.READY, month__lt=month
        ).values_list("month", "built_at")
    )

    def already_reported(entry: LateEntry) -> bool:
        return any(
            entry.month < m and built_at is not None and built_at >= entry.recorded_at
            for m, built_at in reported
        )

    return sorted(
        (e for e in entries if e.month < month and not already_reported(e)),
        key=lambda e: (e.month, e.recorded_at, e.reference),
    )
