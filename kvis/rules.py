"""Pure RAG rules and reporting-period arithmetic. No database: easy to test exhaustively.

Each rule returns a `Suggestion`: the RAG and a one-line explanation a committee can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_REPORTED = "not_reported"

    @property
    def letter(self) -> str:
        return {"green": "G", "amber": "A", "red": "R", "not_reported": "–"}[self.value]

    @property
    def label(self) -> str:
        return {"green": "Green", "amber": "Amber", "red": "Red"}.get(self.value, "Not reported")


#: Severity order used to combine RAGs: the worst reported status wins.
SEVERITY = {Rag.GREEN: 1, Rag.AMBER: 2, Rag.RED: 3}


@dataclass(frozen=True)
class Suggestion:
    rag: Rag
    explanation: str


def _fmt(value: Decimal | float | int, unit: str = "") -> str:
    text = f"{Decimal(str(value)).normalize():f}"
    return f"{text}{unit}"


def percentage_rag(
    actual: Decimal | None,
    target: Decimal,
    *,
    higher_is_better: bool = True,
    amber_tolerance: Decimal = Decimal("5"),
) -> Suggestion:
    """Green when the actual meets the target; Amber within `amber_tolerance` points of it;
    Red further away. Direction says which side of the target is good."""
    if actual is None:
        return Suggestion(Rag.NOT_REPORTED, "No actual reported for this month.")
    shortfall = (target - actual) if higher_is_better else (actual - target)
    a, t, tol = _fmt(actual, "%"), _fmt(target, "%"), _fmt(amber_tolerance)
    side = "below" if higher_is_better else "above"
    if shortfall <= 0:
        met = "at or above" if higher_is_better else "at or below"
        return Suggestion(Rag.GREEN, f"{a} is {met} the target of {t}.")
    gap = _fmt(shortfall)
    if shortfall <= amber_tolerance:
        return Suggestion(
            Rag.AMBER, f"{a} is {gap} points {side} the target of {t} (within {tol} points)."
        )
    return Suggestion(
        Rag.RED, f"{a} is {gap} points {side} the target of {t} (more than {tol} points)."
    )


def count_rag(
    actual: Decimal | None,
    target: Decimal,
    *,
    higher_is_better: bool = False,
    amber_tolerance: Decimal = Decimal("1"),
) -> Suggestion:
    """Counts against a threshold: Green when the count is within the target; Amber when it
    misses by no more than `amber_tolerance`; Red beyond that."""
    if actual is None:
        return Suggestion(Rag.NOT_REPORTED, "No count reported for this month.")
    miss = (target - actual) if higher_is_better else (actual - target)
    a, t = _fmt(actual), _fmt(target)
    bound = "at least" if higher_is_better else "at most"
    if miss <= 0:
        return Suggestion(Rag.GREEN, f"{a} against a target of {bound} {t}.")
    if miss <= amber_tolerance:
        return Suggestion(
            Rag.AMBER,
            f"{a} against a target of {bound} {t}: missed by {_fmt(miss)} "
            f"(within the tolerance of {_fmt(amber_tolerance)}).",
        )
    return Suggestion(
        Rag.RED,
        f"{a} against a target of {bound} {t}: missed by {_fmt(miss)} "
        f"(more than the tolerance of {_fmt(amber_tolerance)}).",
    )


def score_class(score: Decimal, *, exceeded_from: Decimal, met_from: Decimal) -> str:
    """The expectation class of a score out of 10 (DOMAIN rule 4)."""
    if score >= exceeded_from:
        return "Exceeded Expectations"
    if score >= met_from:
        return "Met Expectations"
    return "Below Expectations"


def score_rag(
    actual: Decimal | None,
    *,
    green_from: Decimal = Decimal("7.0"),
    amber_from: Decimal = Decimal("5.0"),
    exceeded_from: Decimal = Decimal("9.0"),
) -> Suggestion:
    """A score out of 10: Green at or above `green_from` (Met or Exceeded), Amber at or above
    `amber_from`, Red below."""
    if actual is None:
        return Suggestion(Rag.NOT_REPORTED, "No score reported for this month.")
    a = f"{_fmt(actual)}/10"
    cls = score_class(actual, exceeded_from=exceeded_from, met_from=green_from)
    if actual >= green_from:
        return Suggestion(Rag.GREEN, f"{a} – {cls} (Green from {_fmt(green_from)}).")
    if actual >= amber_from:
        return Suggestion(
            Rag.AMBER,
            f"{a} – {cls} (Amber from {_fmt(amber_from)}, Green from {_fmt(green_from)}).",
        )
    return Suggestion(Rag.RED, f"{a} – {cls} (below {_fmt(amber_from)} is Red).")


def milestone_rag(
    due: date, met_on: date | None, *, as_of: date, warning_days: int = 14
) -> Suggestion:
    """A dated milestone: Green when met on time or not yet close to due; Amber when met late
    or due within `warning_days` and not yet met; Red when past due and not met."""
    if met_on is not None:
        if met_on <= due:
            return Suggestion(Rag.GREEN, f"Met on {met_on:%d %b %Y}, due {due:%d %b %Y}.")
        late = (met_on - due).days
        return Suggestion(
            Rag.AMBER, f"Met on {met_on:%d %b %Y}, {late} days after it was due ({due:%d %b %Y})."
        )
    if as_of > due:
        return Suggestion(
            Rag.RED, f"Not met; it was due {due:%d %b %Y}, {(as_of - due).days} days ago."
        )
    left = (due - as_of).days
    if left <= warning_days:
        return Suggestion(Rag.AMBER, f"Not yet met; due {due:%d %b %Y}, in {left} days.")
    return Suggestion(Rag.GREEN, f"On track; due {due:%d %b %Y}, in {left} days.")


def quarters_ended(month: date) -> int:
    """Financial-year quarters (April start) that have ended by the end of `month`: 0 in April
    and May, 1 from June, 2 from September, 3 from December, 4 in March."""
    return (month.month - 4) % 12 // 3 + (1 if month.month in (6, 9, 12, 3) else 0)


def pace_rag(delivered: int | None, month: date) -> Suggestion:
    """Financial updates (at least four a year): Green when the updates delivered this
    financial year keep pace with the quarters ended, Amber one behind, Red two or more."""
    if delivered is None:
        return Suggestion(Rag.NOT_REPORTED, "No count of updates delivered for this month.")
    expected = quarters_ended(month)
    behind = expected - delivered
    text = f"{delivered} updates delivered this financial year; {expected} quarters have ended"
    if behind <= 0:
        return Suggestion(Rag.GREEN, f"{text}: on pace.")
    if behind == 1:
        return Suggestion(Rag.AMBER, f"{text}: one update behind.")
    return Suggestion(Rag.RED, f"{text}: {behind} updates behind.")


def worst(suggestions: list[Suggestion]) -> Suggestion:
    """Combine measure suggestions into a KVI suggestion: the worst reported RAG wins and its
    explanation leads; with nothing reported the KVI is not reported."""
    reported = [s for s in suggestions if s.rag is not Rag.NOT_REPORTED]
    if not reported:
        return Suggestion(Rag.NOT_REPORTED, "No measure has a result for this month.")
    if len(reported) == 1 and len(suggestions) == 1:
        return reported[0]
    lead = max(reported, key=lambda s: SEVERITY[s.rag])
    others = len(suggestions) - 1
    return Suggestion(lead.rag, f"{lead.explanation} (worst of {others + 1} measures)")


MONTH_NOT_BEGUN = (
    "{month:%B %Y} has not begun: updates and results are for months up to the current one "
    "({current:%B %Y})."
)
MONTH_BEFORE_FIRST = (
    "{month:%B %Y} is before {code}'s first reporting month ({first:%B %Y}): updates and "
    "results start there."
)
PACK_MONTH_NOT_ENDED = (
    "{month:%B %Y} has not ended: a pack reports a month that is over (the latest is "
    "{latest:%B %Y})."
)
PACK_BEFORE_FIRST = (
    "{month:%B %Y} is before the {committee} committee's first reporting month "
    "({first:%B %Y}): there is nothing to report."
)


def reporting_month_error(month: date, *, code: str, first: date, current: date) -> str | None:
    """Why a KVI cannot report `month` (before its first reporting month `first`, or after the
    `current` month), or None when it can. All three are first days of months."""
    if month > current:
        return MONTH_NOT_BEGUN.format(month=month, current=current)
    if month < first:
        return MONTH_BEFORE_FIRST.format(month=month, code=code, first=first)
    return None


def pack_month_error(
    month: date, *, committee: str, first: date | None, current: date
) -> str | None:
    """Why a committee's pack cannot be made for `month` (the month has not ended, or it is
    before the committee's `first` reporting month), or None."""
    if month >= current:
        previous = date(current.year - (current.month == 1), (current.month - 2) % 12 + 1, 1)
        return PACK_MONTH_NOT_ENDED.format(month=month, latest=previous)
    if first is not None and month < first:
        return PACK_BEFORE_FIRST.format(month=month, committee=committee, first=first)
    return None
