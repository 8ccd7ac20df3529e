"""Pure rules of performance improvement plans: the steps and their gates, action RAG, review
scheduling and escalation after missed updates. No database: easy to test exhaustively (the
business days a review moves past are core.calendar's, given as a container of closed days).
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum

from core.calendar import next_business_day_on_or_after


class Step(StrEnum):
    """Where a plan is. A plan is created `MANDATED`; each later value is reached through its
    gate (the five steps of the PIP process)."""

    MANDATED = "mandated"
    GAPS_OUTLINED = "gaps_outlined"
    ESTABLISHED = "established"
    NOTIFIED = "notified"
    UNDER_REVIEW = "under_review"
    CLOSED = "closed"

    @property
    def number(self) -> int:
        return list(Step).index(self)

    @property
    def label(self) -> str:
        return STEP_LABELS[self]


STEP_LABELS = {
    Step.MANDATED: "Mandated",
    Step.GAPS_OUTLINED: "1. Gaps outlined",
    Step.ESTABLISHED: "2. Plan established",
    Step.NOTIFIED: "3. Notified",
    Step.UNDER_REVIEW: "4. Under review",
    Step.CLOSED: "5. Closed",
}

#: The transitions, in one place: from each step, the one step a plan may move to.
TRANSITIONS: dict[Step, Step] = {
    Step.MANDATED: Step.GAPS_OUTLINED,
    Step.GAPS_OUTLINED: Step.ESTABLISHED,
    Step.ESTABLISHED: Step.NOTIFIED,
    Step.NOTIFIED: Step.UNDER_REVIEW,
    Step.UNDER_REVIEW: Step.CLOSED,
}


class Outcome(StrEnum):
    IMPROVED = "improved"
    INSUFFICIENT = "insufficient"


# What a gate names as missing. Tests reuse these.
MISSING_GAP = "at least one gap in performance"
MISSING_EVIDENCE = "evidence for the gap “{}”"
MISSING_MEETING = "the formal meeting that established the plan (its date)"
MISSING_ACTION = "at least one action"
MISSING_ACTION_PARTS = "the {} of action “{}”"
MISSING_PARTY_SIGNATURE = "the party's signature (who and when)"
MISSING_PROVIDER_SIGNATURE = "the provider's signature (who and when)"
MISSING_NOTIFICATION_DATE = "the date of the formal written notification"
MISSING_NOTIFICATION_BY = "who sent the formal written notification"
MISSING_NOTIFICATION_DOCUMENT = "the notification document"
MISSING_PARTY_CONTACT = "the party's contract-manager e-mail (Customer Ops provide it) to chase"
MISSING_REVIEW = "at least one review meeting held"
MISSING_OUTCOME = "the outcome (improved or insufficient)"
MISSING_ACTIONS_TAKEN = "the final documentation of the actions taken"
MISSING_RESULTS = "the final documentation of the results achieved"
MISSING_IMPACT_NOTICE = (
    "the record of the contractual-impact notification (date, by whom, document), "
    "required when improvement is insufficient"
)
OUT_OF_ORDER = "A plan moves one step at a time: from “{}” the next step is {}."
ALREADY_CLOSED = "The plan is closed: it cannot move any further."
GATE_REFUSED = "Cannot move to “{}”: missing {}."
EVIDENCE_KEPT = "The plan has passed “{}”, whose gate relied on {}: it cannot be removed."


@dataclass(frozen=True)
class ActionFacts:
    description: str
    has_owner: bool
    has_target: bool
    has_due_date: bool


@dataclass(frozen=True)
class PlanFacts:
    """What the gates look at, gathered from the database by a selector."""

    gaps_evidence_counts: tuple[tuple[str, int], ...] = ()
    meeting_held_on: date | None = None
    actions: tuple[ActionFacts, ...] = ()
    party_signed: bool = False
    provider_signed: bool = False
    notified_on: date | None = None
    notified_by: str = ""
    has_notification_document: bool = False
    party_contact_email: str = ""
    reviews_held: int = 0
    outcome: str = ""
    actions_taken: str = ""
    results_achieved: str = ""
    impact_notice_complete: bool = False


def gate_missing(to: Step, facts: PlanFacts) -> list[str]:
    """What the gate into step `to` finds missing; empty when the plan may enter it."""
    missing: list[str] = []
    if to is Step.GAPS_OUTLINED:
        if not facts.gaps_evidence_counts:
            missing.append(MISSING_GAP)
        missing += [MISSING_EVIDENCE.format(d) for d, n in facts.gaps_evidence_counts if n == 0]
    elif to is Step.ESTABLISHED:
        if facts.meeting_held_on is None:
            missing.append(MISSING_MEETING)
        if not facts.actions:
            missing.append(MISSING_ACTION)
        for action in facts.actions:
            parts = [
                name
                for name, present in (
                    ("owner", action.has_owner),
                    ("target", action.has_target),
                    ("due date", action.has_due_date),
                )
                if not present
            ]
            if parts:
                missing.append(MISSING_ACTION_PARTS.format(" and ".join(parts), action.description))
        if not facts.party_signed:
            missing.append(MISSING_PARTY_SIGNATURE)
        if not facts.provider_signed:
            missing.append(MISSING_PROVIDER_SIGNATURE)
    elif to is Step.NOTIFIED:
        if facts.notified_on is None:
            missing.append(MISSING_NOTIFICATION_DATE)
        if not facts.notified_by.strip():
            missing.append(MISSING_NOTIFICATION_BY)
        if not facts.has_notification_document:
            missing.append(MISSING_NOTIFICATION_DOCUMENT)
    elif to is Step.UNDER_REVIEW:
        if not facts.party_contact_email.strip():
            missing.append(MISSING_PARTY_CONTACT)
    elif to is Step.CLOSED:
        if facts.reviews_held == 0:
            missing.append(MISSING_REVIEW)
        if facts.outcome not in {o.value for o in Outcome}:
            missing.append(MISSING_OUTCOME)
        if not facts.actions_taken.strip():
            missing.append(MISSING_ACTIONS_TAKEN)
        if not facts.results_achieved.strip():
            missing.append(MISSING_RESULTS)
        if facts.outcome == Outcome.INSUFFICIENT and not facts.impact_notice_complete:
            missing.append(MISSING_IMPACT_NOTICE)
    return missing


def evidence_removed(step: Step, before: PlanFacts, after: PlanFacts) -> list[str]:
    """What a change takes away that a gate the plan (at `step`) has passed relied on: one
    message per gate and item, empty when the change keeps every passed gate's evidence."""
    removed = []
    for passed in list(Step)[1 : step.number + 1]:
        kept = set(gate_missing(passed, before))
        removed += [
            EVIDENCE_KEPT.format(passed.label, item)
            for item in gate_missing(passed, after)
            if item not in kept
        ]
    return removed


def transition_refusal(current: Step, to: Step, facts: PlanFacts) -> str | None:
    """Why a plan at `current` may not move to `to`, or None when it may."""
    if current is Step.CLOSED:
        return ALREADY_CLOSED
    allowed = TRANSITIONS[current]
    if to is not allowed:
        return OUT_OF_ORDER.format(current.label, f"“{allowed.label}”")
    missing = gate_missing(to, facts)
    if missing:
        return GATE_REFUSED.format(to.label, "; ".join(missing))
    return None


# Action RAG -----------------------------------------------------------------------------------


class ActionRag(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"

    @property
    def label(self) -> str:
        return {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}[self.value]

    @property
    def rag(self) -> str:
        """The RAG colour (green, amber, red) the pages show."""
        return {"on_track": "green", "at_risk": "amber", "off_track": "red"}[self.value]


class _Severity(IntEnum):
    on_track = 0
    at_risk = 1
    off_track = 2


def action_rag_severity(rag: ActionRag) -> int:
    """0 on track, 1 at risk, 2 off track: larger is worse."""
    return _Severity[rag.value]


def expected_percent(start: date, due: date, on: date) -> Decimal:
    """The straight-line expectation of percent complete on `on` for work from `start` to
    `due`: 0 until the start, 100 from the due date on."""
    if on <= start:
        return Decimal(0)
    if on >= due:
        return Decimal(100)
    elapsed = Decimal((on - start).days)
    span = Decimal((due - start).days)
    return (elapsed * 100 / span).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def action_rag(
    percent_complete: Decimal | int,
    expected: Decimal | int,
    *,
    on_track_max_shortfall: Decimal | int,
    at_risk_max_shortfall: Decimal | int,
) -> ActionRag:
    """On track when progress falls short of the expectation by at most
    `on_track_max_shortfall` points, at risk up to `at_risk_max_shortfall`, off track beyond."""
    shortfall = Decimal(expected) - Decimal(percent_complete)
    if shortfall <= Decimal(on_track_max_shortfall):
        return ActionRag.ON_TRACK
    if shortfall <= Decimal(at_risk_max_shortfall):
        return ActionRag.AT_RISK
    return ActionRag.OFF_TRACK


PLAN_RAG_DIFFERS = (
    "The plan's RAG ({plan}) is the one recorded at its latest review, held {held}; it is the "
    "reviewers' judgement of the whole plan, not worked out from its actions. At that review "
    "{actions}."
)


def plan_rag_note(
    plan_rag: str, plan_label: str, held_on: date | None, actions: Iterable[tuple[str, ActionRag]]
) -> str:
    """Why a plan's RAG (colour `plan_rag`) differs from its actions' RAGs at the latest review
    held on `held_on`; empty when every action's colour is the plan's, or no review was held."""
    differing = [(name, rag) for name, rag in actions if rag.rag != plan_rag]
    if held_on is None or not differing:
        return ""
    differing.sort(key=lambda item: -action_rag_severity(item[1]))
    parts = [f"“{name}” was {rag.label}" for name, rag in differing]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    held = f"{held_on.day} {held_on:%b %Y}"
    return PLAN_RAG_DIFFERS.format(plan=plan_label, held=held, actions=listed)


# Review scheduling ----------------------------------------------------------------------------

#: The shortest interval between reviews, in days, and what a shorter one is told: the one
#: rule behind the plan form, the settings in the admin, the model and the scheduler.
MIN_REVIEW_INTERVAL_DAYS = 1
REVIEW_INTERVAL_TOO_SHORT = (
    f"Reviews must be at least {MIN_REVIEW_INTERVAL_DAYS} day apart: enter a whole number of "
    f"days, {MIN_REVIEW_INTERVAL_DAYS} or more."
)


def review_interval_too_short(days: int) -> bool:
    """Whether `days` between reviews is below the minimum."""
    return days < MIN_REVIEW_INTERVAL_DAYS


def next_review_date(
    anchor: date, interval_days: int, after: date, closed: Container[date]
) -> date:
    """The first scheduled review (nominally `anchor` + k × interval for k ≥ 1, moved to the
    next business day: `closed` holds the bank holidays and closure days) that falls after
    `after`. The anchor is the day reviews started."""
    if review_interval_too_short(interval_days):
        raise ValueError(REVIEW_INTERVAL_TOO_SHORT)
    k = max(1, (after - anchor).days // interval_days)
    while True:
        candidate = next_business_day_on_or_after(
            anchor + timedelta(days=interval_days * k), closed
        )
        if candidate > after:
            return candidate
        k += 1


# Chasing and escalation -----------------------------------------------------------------------


def consecutive_misses(responses: Iterable[bool]) -> int:
    """How many of the latest chases, oldest first in `responses` (True: the party answered),
    went unanswered in a row."""
    count = 0
    for answered in responses:
        count = 0 if answered else count + 1
    return count


def escalation_due(misses: int, threshold: int) -> bool:
    """A party that has missed `threshold` consecutive updates is flagged for escalation."""
    return threshold > 0 and misses >= threshold


# Uploaded evidence and documents ------------------------------------------------------------

#: Largest upload accepted, in bytes (5 MB).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Accepted file types: extension → the signatures its content may start with (CSV: text).
ALLOWED_UPLOADS: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".xlsx": (b"PK\x03\x04",),
    ".csv": (),
}
UPLOAD_TOO_LARGE = "“{}” is {:.1f} MB; the limit is {:.0f} MB."
UPLOAD_EMPTY = "“{}” is empty."
UPLOAD_BAD_EXTENSION = "“{}” is not an accepted type: upload a PDF, PNG, JPEG, XLSX or CSV file."
UPLOAD_BAD_CONTENT = "“{}” does not look like a {} file: its content does not match its name."


def upload_problem(name: str, size: int, head: bytes, *, max_bytes: int = MAX_UPLOAD_BYTES):
    """Why an uploaded file is refused (by extension, content signature and size), or None."""
    dot = name.rfind(".")
    extension = name[dot:].lower() if dot >= 0 else ""
    if extension not in ALLOWED_UPLOADS:
        return UPLOAD_BAD_EXTENSION.format(name)
    if size == 0:
        return UPLOAD_EMPTY.format(name)
    if size > max_bytes:
        return UPLOAD_TOO_LARGE.format(name, size / 1024 / 1024, max_bytes / 1024 / 1024)
    signatures = ALLOWED_UPLOADS[extension]
    kind = extension[1:].upper()
    if signatures:
        if not any(head.startswith(sig) for sig in signatures):
            return UPLOAD_BAD_CONTENT.format(name, kind)
    elif b"\x00" in head:
        # Text has no NUL bytes; binary files (a renamed spreadsheet or image) do.
        return UPLOAD_BAD_CONTENT.format(name, kind)
    return None


# --- Plan dates that must follow one another -------------------------------------------------

#: (later field, earlier field, what the later one is): a plan's dates run in this order.
DATE_ORDER = (
    ("meeting_held_on", "mandated_on", "The formal meeting"),
    ("signed_for_party_on", "meeting_held_on", "The party's signature"),
    ("signed_for_provider_on", "meeting_held_on", "The provider's signature"),
    ("notified_on", "meeting_held_on", "The written notification"),
    ("reviews_start_on", "notified_on", "The start of reviews"),
    ("impact_notified_on", "mandated_on", "The contractual impact notice"),
    ("closed_on", "mandated_on", "The closure"),
)
DATE_LABELS = {
    "mandated_on": "the mandating meeting",
    "meeting_held_on": "the formal meeting",
    "notified_on": "the written notification",
}
DATE_BEFORE = "{what} ({later:%-d %b %Y}) cannot be before {earlier_label} ({earlier:%-d %b %Y})."


def plan_date_contradictions(dates: dict[str, date | None]) -> dict[str, str]:
    """The plan's dates that contradict each other: field → why (the later date of each pair
    that comes before the earlier one); dates not yet recorded contradict nothing."""
    found = {}
    for later, earlier, what in DATE_ORDER:
        after, before = dates.get(later), dates.get(earlier)
        if after and before and after < before and later not in found:
            found[later] = DATE_BEFORE.format(
                what=what, later=after, earlier_label=DATE_LABELS[earlier], earlier=before
            )
    return found
