"""Pure rules of the registers: issue score and band, the register's clocks, breach thresholds,
communication classes. No database: the closed days and the configuration come in as
arguments, so every boundary can be tested in a table. Business days and London's days are
the shared calendar's (core.calendar).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from core.calendar import (
    LONDON,  # noqa: F401  issues/importers.py still reads rules.LONDON
    add_months,
    business_days_due,
    end_of_day,
    hours_after,
    local_day,
    month_end,
)
from core.presentation import duration_words
from kvis.rules import Rag, Suggestion, score_class, score_rag

# --- Issue score (DOMAIN rule 1) -------------------------------------------------------------

LEVELS = {1: "Low", 2: "Medium", 3: "High"}
SCORES = (1, 2, 3, 4, 6, 9)


def issue_score(impact: int, financial: int) -> int:
    """Impact to customer × financial/licence level, each 1 (Low) to 3 (High)."""
    for name, level in (("impact", impact), ("financial/licence level", financial)):
        if level not in LEVELS:
            raise ValueError(f"The {name} must be 1 (Low), 2 (Medium) or 3 (High), not {level}.")
    return impact * financial


@dataclass(frozen=True)
class BandRule:
    """A band of scores and the actions it requires, with due dates in business days.

    `notify_days`/`plan_days` are None when the action is not required; 0 means the same
    business day."""

    name: str
    min_score: int
    max_score: int
    notify_days: int | None = None
    plan_days: int | None = None
    report_to_comc: bool = False

    def contains(self, score: int) -> bool:
        return self.min_score <= score <= self.max_score


DEFAULT_BANDS = (
    BandRule("Low", 1, 2),
    BandRule("Medium", 3, 4, notify_days=5, plan_days=10),
    BandRule("High", 6, 9, notify_days=0, plan_days=2, report_to_comc=True),
)


def band_for(score: int, bands: Iterable[BandRule]) -> BandRule:
    """The band that contains `score`; ValueError when the bands leave it out."""
    for band in bands:
        if band.contains(score):
            return band
    raise ValueError(f"No band covers the score {score}.")


# --- Clocks (business days and London days come from core.calendar) -------------------------


def breach_resolution_due(identified_at: datetime, closed, business_days: int = 2) -> datetime:
    """End of the second (by default) business day after the day of identification."""
    return business_days_due(identified_at, business_days, closed)


NOTIFIED_NOW = ("critical", "high")


def breach_notification_due(
    identified_at: datetime, severity: str, hours: int = 4
) -> datetime | None:
    """Identified at + 4 elapsed hours for Critical/High (counted in UTC so a clock change
    neither adds nor removes an hour); None for Medium/Low (they go in the monthly report)."""
    if severity not in NOTIFIED_NOW:
        return None
    return hours_after(identified_at, hours)


def comc_report_due(identified_at: datetime) -> datetime:
    """The end of the month after identification: the next monthly CoMC pack."""
    return end_of_day(month_end(add_months(local_day(identified_at), 1)))


#: The actions a band may require, as stored in IssueAction.kind.
NOTIFY, PLAN, REPORT_COMC = "notify", "plan", "report_comc"


def required_actions(identified_at: datetime, band: BandRule, closed) -> dict[str, datetime]:
    """The actions `band` requires of an issue identified at `identified_at`, each with its
    due time: notify and plan in business days, report to CoMC by the next monthly pack."""
    due: dict[str, datetime] = {}
    if band.notify_days is not None:
        due[NOTIFY] = business_days_due(identified_at, band.notify_days, closed)
    if band.plan_days is not None:
        due[PLAN] = business_days_due(identified_at, band.plan_days, closed)
    if band.report_to_comc:
        due[REPORT_COMC] = comc_report_due(identified_at)
    return due


@dataclass(frozen=True)
class ClockState:
    """A deadline as a reader sees it: met, missed, open (with time left) or overdue."""

    state: str  # "met", "missed", "open", "overdue", "not_applicable"
    text: str

    @property
    def is_bad(self) -> bool:
        return self.state in ("missed", "overdue")

    @property
    def is_pending(self) -> bool:
        """Still to be done: open or overdue."""
        return self.state in ("open", "overdue")


def clock_state(due: datetime | None, done_at: datetime | None, now: datetime) -> ClockState:
    """Whether a deadline was met, missed, is still open (and how long is left) or overdue."""
    if due is None:
        return ClockState("not_applicable", "Reported in the monthly report")
    if done_at is not None:
        if done_at <= due:
            return ClockState("met", f"Met, {duration_words(due - done_at)} before the deadline")
        return ClockState("missed", f"Missed by {duration_words(done_at - due)}")
    if now <= due:
        return ClockState("open", f"{duration_words(due - now)} left")
    return ClockState("overdue", f"Overdue by {duration_words(now - due)}")


@dataclass(frozen=True)
class Deadline:
    """Something a record must still have done by `due_at` (a clock, a required action)."""

    what: str
    due_at: datetime
    clock: ClockState
    #: What the deadline belongs to (e.g. an issue's required action), for the page to act on.
    item: object = None


def due_next(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """The deadlines still to meet (open or overdue), the earliest first: what a page leads with."""
    return sorted((d for d in deadlines if d.clock.is_pending), key=lambda d: d.due_at)


def breach_logged_message(notification: ClockState, resolution: ClockState) -> str:
    """What is true of a just-logged breach's two clocks, each as it stands now."""
    return f"Breach logged. Notification: {notification.text}. Resolution: {resolution.text}."


# --- Breach thresholds (DOMAIN rule 2) --------------------------------------------------------


@dataclass(frozen=True)
class BreachThresholds:
    max_critical_high: int = 0
    max_medium: int = 1
    max_low: int = 5


def breach_month_rag(
    counts: dict[str, int], deadlines_missed: int, thresholds: BreachThresholds
) -> Suggestion:
    """Red when a threshold is exceeded; Amber when within thresholds but a notification or
    resolution deadline was missed; Green otherwise."""
    crit_high = counts.get("critical", 0) + counts.get("high", 0)
    medium, low = counts.get("medium", 0), counts.get("low", 0)
    figures = f"{crit_high} Critical/High, {medium} Medium, {low} Low"
    limits = (
        f"(thresholds: at most {thresholds.max_critical_high} Critical/High, "
        f"{thresholds.max_medium} Medium, {thresholds.max_low} Low)"
    )
    exceeded = [
        name
        for name, actual, limit in (
            ("Critical/High", crit_high, thresholds.max_critical_high),
            ("Medium", medium, thresholds.max_medium),
            ("Low", low, thresholds.max_low),
        )
        if actual > limit
    ]
    if exceeded:
        return Suggestion(Rag.RED, f"{figures}: {', '.join(exceeded)} exceeded {limits}.")
    if deadlines_missed:
        plural = "deadline was" if deadlines_missed == 1 else "deadlines were"
        return Suggestion(
            Rag.AMBER,
            f"{figures}: within thresholds {limits}, but {deadlines_missed} notification "
            f"or resolution {plural} missed.",
        )
    return Suggestion(
        Rag.GREEN, f"{figures}: within thresholds {limits}; every deadline met or open."
    )


# --- Communications (DOMAIN rule 4) -----------------------------------------------------------

ONE_PLACE = Decimal("0.1")


def mean_score(scores: Iterable[Decimal]) -> Decimal | None:
    """The mean of scores out of 10, to one decimal place; None with no scores."""
    values = [Decimal(s) for s in scores]
    if not values:
        return None
    return (sum(values) / len(values)).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def comms_framework_score(
    points_met: Mapping[str, bool], weights: Mapping[str, Decimal]
) -> Decimal:
    """A communication's score out of 10 from the framework: the weights of the points it meets."""
    met = (weight for point, weight in weights.items() if points_met.get(point))
    return sum(met, Decimal("0")).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def comms_score_needs_reason(framework: Decimal, assessed: Decimal, reason: str) -> bool:
    """An assessor may give a score other than the framework's only with a written reason."""
    return assessed != framework and not reason.strip()


@dataclass(frozen=True)
class CommsClasses:
    exceeded_from: Decimal = Decimal("9.0")
    met_from: Decimal = Decimal("7.0")
    amber_from: Decimal = Decimal("5.0")


def comms_class(score: Decimal, classes: CommsClasses) -> str:
    """Exceeded / Met / Below Expectations."""
    return score_class(score, exceeded_from=classes.exceeded_from, met_from=classes.met_from)


def comms_month_rag(
    mean: Decimal | None,
    previous: Decimal | None,
    ytd_mean: Decimal | None,
    classes: CommsClasses,
) -> Suggestion:
    """Green when Met or Exceeded, Amber when Below but at least 5.0, Red below; the text
    gives the change from last month and the KVI-year-to-date mean, as the committee reads it."""
    base = score_rag(
        mean,
        green_from=classes.met_from,
        amber_from=classes.amber_from,
        exceeded_from=classes.exceeded_from,
    )
    if mean is None:
        return Suggestion(base.rag, "No communications were scored this month.")
    parts = [base.explanation]
    if previous is not None:
        change = mean - previous
        word = "increase" if change > 0 else "decrease" if change < 0 else "no change"
        amount = f"{abs(change)} " if change else ""
        parts.append(f"{amount}{word} on last month ({previous}).")
    if ytd_mean is not None:
        parts.append(f"KVI year to date {ytd_mean}/10 – {comms_class(ytd_mean, classes)}.")
    return Suggestion(base.rag, " ".join(parts))


# --- Issue resolution (the issue-resolution KVI) ---------------------------------------------


def issue_resolution_rag(
    new_issues: int, new_unscored: int, overdue_actions: int, amber_max_overdue: int = 2
) -> Suggestion:
    """Green when every new issue of the month is scored and no required action is overdue;
    Amber when all are scored but 1..`amber_max_overdue` actions are overdue; Red when a new
    issue is unscored or more actions are overdue."""
    scored = f"{new_issues - new_unscored} of {new_issues} new issues scored"
    overdue = f"{overdue_actions} required action{'s' if overdue_actions != 1 else ''} overdue"
    text = f"{scored}; {overdue}"
    if new_unscored:
        return Suggestion(Rag.RED, f"{text}: every new issue must be scored.")
    if overdue_actions > amber_max_overdue:
        return Suggestion(Rag.RED, f"{text} (Amber up to {amber_max_overdue}).")
    if overdue_actions:
        return Suggestion(Rag.AMBER, f"{text} (Amber up to {amber_max_overdue}).")
    return Suggestion(Rag.GREEN, f"{text}.")


AGE_BUCKETS = ((0, 30, "0–30 days"), (31, 90, "31–90 days"), (91, 180, "91–180 days"))
OLDEST_BUCKET = "180+ days"


def age_bucket(age_days: int) -> str:
    """The age band of an open issue: 0–30, 31–90, 91–180, 180+ days."""
    for low, high, label in AGE_BUCKETS:
        if low <= age_days <= high:
            return label
    return OLDEST_BUCKET


def age_bucket_labels() -> list[str]:
    return [label for _, _, label in AGE_BUCKETS] + [OLDEST_BUCKET]


def percentage(part: int, whole: int) -> Decimal | None:
    """part/whole as a percentage to one decimal place; None when whole is 0."""
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(ONE_PLACE, rounding=ROUND_HALF_UP)
