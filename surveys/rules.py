"""Survey arithmetic and the survey RAG (DOMAIN rule 3). Pure functions, no database.

Percentages are Decimals rounded half-up to 2 dp; they display without trailing zeros, as the
documents write them ("90.91 %", "85.2 %", "77 %").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from kvis.rules import Rag, Suggestion, percentage_rag

TWO_DP = Decimal("0.01")


def round_percent(value: Decimal) -> Decimal:
    """A percentage rounded half-up to 2 dp."""
    return value.quantize(TWO_DP, rounding=ROUND_HALF_UP)


def format_percent(value: Decimal) -> str:
    """'90.91 %', '85.2 %', '77 %': 2 dp at most, no trailing zeros."""
    text = f"{round_percent(value).normalize():f}"
    return f"{text} %"


def percent(part: int, whole: int) -> Decimal:
    """`part` of `whole` as a percentage, 2 dp. `whole` must be positive."""
    if whole <= 0:
        raise ValueError("A percentage needs a positive whole.")
    return round_percent(Decimal(part) * 100 / Decimal(whole))


def favourable_share(answers: Iterable[int], favourable_from: int) -> Decimal | None:
    """The share of answers at or above `favourable_from`, as a percentage; None with none."""
    answers = list(answers)
    if not answers:
        return None
    return percent(sum(1 for a in answers if a >= favourable_from), len(answers))


@dataclass(frozen=True)
class Change:
    """A score against the previous round's: 'up from 85.2 %'."""

    current: Decimal
    previous: Decimal | None

    @property
    def delta(self) -> Decimal | None:
        if self.previous is None:
            return None
        return round_percent(self.current) - round_percent(self.previous)

    @property
    def direction(self) -> str:
        """'up', 'down', 'same', or 'new' when there is no previous round."""
        if self.delta is None:
            return "new"
        if self.delta > 0:
            return "up"
        if self.delta < 0:
            return "down"
        return "same"

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "same": "▶", "new": ""}[self.direction]

    @property
    def text(self) -> str:
        """'up from 85.2 %', 'down from 95.1 %', 'unchanged from 90 %' or 'first round'."""
        if self.previous is None:
            return "first round"
        word = {"up": "up from", "down": "down from", "same": "unchanged from"}[self.direction]
        return f"{word} {format_percent(self.previous)}"

    @property
    def delta_text(self) -> str:
        """'+5.71 points', '−4.19 points', '0 points', or '' with no previous round."""
        if self.delta is None:
            return ""
        sign = "+" if self.delta > 0 else ("−" if self.delta < 0 else "")
        return f"{sign}{abs(self.delta).normalize():f} points"


def year_to_date(rounds: Sequence[tuple[int, Decimal]]) -> Decimal | None:
    """The respondent-weighted mean score of (respondents, score) rounds, 2 dp.

    Rounds without respondents carry no weight; None when no round has any.
    """
    weight = sum(r for r, _ in rounds if r > 0)
    if weight == 0:
        return None
    total = sum(Decimal(r) * score for r, score in rounds if r > 0)
    return round_percent(total / weight)


def survey_rag(score: Decimal | None, target: Decimal, *, amber_tolerance: Decimal) -> Suggestion:
    """Green at or above target, Amber within `amber_tolerance` points below, Red further
    below; the explanation names the band in the committee's words."""
    suggestion = percentage_rag(score, target, amber_tolerance=amber_tolerance)
    if suggestion.rag is Rag.NOT_REPORTED:
        return suggestion
    tol = f"{amber_tolerance.normalize():f}"
    band = {
        Rag.GREEN: "Green: at or above target",
        Rag.AMBER: f"Amber: within {tol} points",
        Rag.RED: f"Red: more than {tol} points below",
    }[suggestion.rag]
    return Suggestion(suggestion.rag, f"target {format_percent(target)} ({band})")


def headline_explanation(name: str, change: Change, target_text: str, *, extra: str = "") -> str:
    """'Overall trust 90.91 %, up from 85.2 %; target 95 % (Amber: within 5 points)'."""
    parts = [f"{name} {format_percent(change.current)}"]
    if change.previous is not None:
        parts.append(f", {change.text}")
    if extra:
        parts.append(f"; {extra}")
    parts.append(f"; {target_text}")
    return "".join(parts)
