"""The pure rules: every matrix cell, the clocks around weekends, bank holidays, substitute
days, midnight and clock changes, thresholds at each boundary, communication classes."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import holidays
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import calendar
from core.calendar import LONDON
from issues import rules
from issues.comms_weights import DEFAULT_WEIGHTS
from kvis.rules import Rag

BANK = frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(2019, 2030)))


def at(y, m, d, hh=0, mm=0, ss=0, us=0):
    return datetime(y, m, d, hh, mm, ss, us, tzinfo=LONDON)


def eod(y, m, d):
    return calendar.end_of_day(date(y, m, d))


# --- Matrix ---------------------------------------------------------------------------------

MATRIX = [
    # impact, financial, score, band
    (1, 1, 1, "Low"),
    (1, 2, 2, "Low"),
    (1, 3, 3, "Medium"),
    (2, 1, 2, "Low"),
    (2, 2, 4, "Medium"),
    (2, 3, 6, "High"),
    (3, 1, 3, "Medium"),
    (3, 2, 6, "High"),
    (3, 3, 9, "High"),
]


@pytest.mark.parametrize(("impact", "financial", "score", "band"), MATRIX)
def test_every_matrix_cell_scores_and_bands(impact, financial, score, band):
    assert rules.issue_score(impact, financial) == score
    assert rules.band_for(score, rules.DEFAULT_BANDS).name == band


def test_the_matrix_has_nine_cells_and_six_scores():
    assert len(MATRIX) == 9
    assert sorted({row[2] for row in MATRIX}) == list(rules.SCORES)


@pytest.mark.parametrize(
    ("band", "notify", "plan", "comc"),
    [("Low", None, None, False), ("Medium", 5, 10, False), ("High", 0, 2, True)],
)
def test_default_bands_require_the_documented_actions(band, notify, plan, comc):
    rule = next(b for b in rules.DEFAULT_BANDS if b.name == band)
    assert (rule.notify_days, rule.plan_days, rule.report_to_comc) == (notify, plan, comc)


@pytest.mark.parametrize(("impact", "financial"), [(0, 1), (4, 1), (1, 0), (1, 4), (-1, 2)])
def test_levels_outside_the_scale_are_refused(impact, financial):
    with pytest.raises(ValueError, match="must be 1 \\(Low\\), 2 \\(Medium\\) or 3 \\(High\\)"):
        rules.issue_score(impact, financial)


def test_a_score_no_band_covers_is_refused():
    with pytest.raises(ValueError, match="No band covers the score 5"):
        rules.band_for(5, rules.DEFAULT_BANDS)


@given(st.integers(1, 3), st.integers(1, 3))
def test_score_is_symmetric_in_range_and_always_banded(impact, financial):
    score = rules.issue_score(impact, financial)
    assert score == rules.issue_score(financial, impact)
    assert score in rules.SCORES
    assert rules.band_for(score, rules.DEFAULT_BANDS).contains(score)


@given(st.integers(1, 3), st.integers(1, 2))
def test_a_higher_level_never_lowers_the_score(impact, financial):
    assert rules.issue_score(impact, financial + 1) > rules.issue_score(impact, financial)


# --- Breach resolution clock ----------------------------------------------------------------

RESOLUTION = [
    # identified at, resolution due (end of that day), why
    (at(2021, 6, 14, 10), eod(2021, 6, 16), "Monday → Wednesday"),
    (at(2021, 6, 17, 10), eod(2021, 6, 21), "Thursday → Monday over a weekend"),
    (at(2021, 6, 18, 10), eod(2021, 6, 22), "Friday → Tuesday"),
    (at(2021, 6, 19, 10), eod(2021, 6, 22), "Saturday: Monday is the first business day"),
    (at(2021, 6, 20, 23, 59), eod(2021, 6, 22), "Sunday just before midnight"),
    (at(2021, 6, 21, 0, 0), eod(2021, 6, 23), "Monday just after midnight"),
    (at(2020, 12, 23, 9), eod(2020, 12, 29), "Christmas 2020: 24th, then 29th (28th observed)"),
    (at(2020, 12, 24, 16), eod(2020, 12, 30), "Christmas Eve 2020"),
    (at(2020, 12, 25, 12), eod(2020, 12, 30), "identified on Christmas Day"),
    (at(2021, 12, 23, 9), eod(2021, 12, 29), "24th, then substitute days 27th–28th skipped"),
    (at(2021, 12, 24, 9), eod(2021, 12, 30), "Friday 24 Dec 2021 over the substitute days"),
    (at(2021, 12, 27, 9), eod(2021, 12, 30), "identified on the substitute day 27 Dec 2021"),
    (at(2021, 12, 31, 9), eod(2022, 1, 5), "New Year 2022: 3 Jan observed"),
    (at(2021, 4, 1, 9), eod(2021, 4, 7), "Easter 2021: Good Friday and Easter Monday"),
    (at(2021, 4, 2, 9), eod(2021, 4, 7), "identified on Good Friday"),
    (at(2021, 4, 5, 23, 59, 59), eod(2021, 4, 7), "Easter Monday just before midnight"),
    (at(2022, 4, 14, 17), eod(2022, 4, 20), "Easter 2022"),
    (at(2021, 3, 28, 0, 30), eod(2021, 3, 30), "night BST starts (Sunday)"),
    (at(2021, 3, 26, 23, 30), eod(2021, 3, 30), "Friday night before BST starts"),
    (at(2021, 10, 31, 1, 30), eod(2021, 11, 2), "the repeated hour when BST ends"),
    (at(2021, 10, 29, 16), eod(2021, 11, 2), "Friday before BST ends"),
]


@pytest.mark.parametrize(("identified", "due", "why"), RESOLUTION, ids=[r[2] for r in RESOLUTION])
def test_resolution_due_is_end_of_second_business_day_after_identification(identified, due, why):
    assert rules.breach_resolution_due(identified, BANK) == due


def test_identification_just_before_midnight_utc_counts_the_london_day():
    # 23:30 UTC on 30 June is 00:30 BST on 1 July (a Thursday): the clock counts from 1 July.
    identified = datetime(2021, 6, 30, 23, 30, tzinfo=UTC)
    assert rules.breach_resolution_due(identified, BANK) == eod(2021, 7, 5)


def test_admin_closure_day_is_not_a_business_day():
    closed = BANK | {date(2021, 6, 15)}
    assert rules.breach_resolution_due(at(2021, 6, 14, 10), closed) == eod(2021, 6, 17)


def test_the_due_moment_is_the_last_instant_of_the_day_in_london():
    due = rules.breach_resolution_due(at(2021, 10, 29, 16), BANK)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    assert due.utcoffset() == timedelta(0)  # 2 November is GMT
    summer = rules.breach_resolution_due(at(2021, 6, 14, 10), BANK)
    assert summer.utcoffset() == timedelta(hours=1)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        rules.breach_resolution_due(datetime(2021, 6, 14, 10), BANK)


# --- Notification clock ---------------------------------------------------------------------

NOTIFICATION = [
    ("critical", at(2021, 6, 14, 10), at(2021, 6, 14, 14)),
    ("high", at(2021, 6, 19, 22, 30), at(2021, 6, 20, 2, 30)),  # weekends count: wall clock
    ("high", at(2021, 12, 25, 9), at(2021, 12, 25, 13)),  # holidays count too
    ("high", at(2021, 6, 14, 23, 59), at(2021, 6, 15, 3, 59)),
    # BST starts at 01:00 GMT on 28 Mar 2021: four elapsed hours from 00:30 GMT end 05:30 BST.
    ("critical", at(2021, 3, 28, 0, 30), at(2021, 3, 28, 5, 30)),
    # BST ends at 02:00 BST on 31 Oct 2021: four elapsed hours from 00:30 BST end 03:30 GMT.
    ("high", at(2021, 10, 31, 0, 30), at(2021, 10, 31, 3, 30)),
    ("medium", at(2021, 6, 14, 10), None),
    ("low", at(2021, 6, 14, 10), None),
]


@pytest.mark.parametrize(("severity", "identified", "due"), NOTIFICATION)
def test_notification_due_four_elapsed_hours_for_critical_and_high(severity, identified, due):
    assert rules.breach_notification_due(identified, severity) == due


def test_notification_due_is_four_real_hours_across_a_clock_change():
    identified = at(2021, 3, 28, 0, 30)
    due = rules.breach_notification_due(identified, "high")
    assert (due.hour, due.minute) == (5, 30)  # the wall clock shows five hours later
    assert due.astimezone(UTC) - identified.astimezone(UTC) == timedelta(hours=4)


# --- Same-day and n-day business clocks for issue actions -----------------------------------


@pytest.mark.parametrize(
    ("identified", "days", "due"),
    [
        (at(2021, 6, 14, 10), 0, eod(2021, 6, 14)),  # same business day
        (at(2021, 6, 19, 10), 0, eod(2021, 6, 21)),  # Saturday → Monday
        (at(2020, 12, 25, 10), 0, eod(2020, 12, 29)),  # Christmas → 29th (28th observed)
        (at(2021, 12, 27, 10), 0, eod(2021, 12, 29)),  # substitute days
        (at(2021, 6, 14, 10), 5, eod(2021, 6, 21)),
        (at(2021, 6, 14, 10), 10, eod(2021, 6, 28)),
        (at(2021, 3, 31, 10), 5, eod(2021, 4, 9)),  # over Easter 2021
    ],
)
def test_issue_action_clock(identified, days, due):
    assert calendar.business_days_due(identified, days, BANK) == due


@pytest.mark.parametrize(
    ("identified", "due"),
    [
        (at(2020, 11, 3, 10), eod(2020, 12, 31)),
        (at(2020, 12, 31, 23, 0), eod(2021, 1, 31)),
        (at(2021, 1, 15), eod(2021, 2, 28)),
    ],
)
def test_comc_report_due_end_of_following_month(identified, due):
    assert rules.comc_report_due(identified) == due


instants = st.datetimes(
    min_value=datetime(2019, 1, 1), max_value=datetime(2028, 12, 1), timezones=st.just(LONDON)
)
closures = st.frozensets(st.dates(date(2019, 1, 1), date(2029, 12, 31)), max_size=30)


@given(instants, closures, st.integers(1, 10))
def test_resolution_due_is_a_business_day_end_after_identification(identified, extra, n):
    closed = BANK | extra
    due = calendar.business_days_due(identified, n, closed)
    day = due.date()
    assert calendar.is_business_day(day, closed)
    assert due == calendar.end_of_day(day)
    assert due > identified
    between = [
        calendar.local_day(identified) + timedelta(days=i)
        for i in range(1, (day - calendar.local_day(identified)).days + 1)
    ]
    assert sum(calendar.is_business_day(d, closed) for d in between) == n


@given(instants, closures)
def test_same_day_clock_is_the_first_business_day_end_on_or_after(identified, extra):
    closed = BANK | extra
    due = calendar.business_days_due(identified, 0, closed)
    assert calendar.is_business_day(due.date(), closed)
    assert due >= identified
    assert due.date() >= calendar.local_day(identified)


@given(instants, st.sampled_from(["critical", "high"]))
def test_notification_is_always_four_elapsed_hours_later(identified, severity):
    due = rules.breach_notification_due(identified, severity)
    assert due.astimezone(UTC) - identified.astimezone(UTC) == timedelta(hours=4)


@given(instants, st.integers(0, 10))
def test_a_later_identification_is_never_due_earlier(identified, n):
    later = identified + timedelta(hours=7)
    assert calendar.business_days_due(later, n, BANK) >= calendar.business_days_due(
        identified, n, BANK
    )


# --- Clock states ---------------------------------------------------------------------------

DUE = at(2021, 6, 16, 23, 59, 59, 999999)


def test_a_logged_breach_message_says_what_is_true_of_each_clock_now():
    overdue = rules.clock_state(DUE, None, at(2021, 6, 19, 0, 0))
    running = rules.clock_state(DUE, None, at(2021, 6, 16, 20))
    assert rules.breach_logged_message(overdue, overdue) == (
        "Breach logged. Notification: Overdue by 2 days. Resolution: Overdue by 2 days."
    )
    assert "running" not in rules.breach_logged_message(overdue, running)
    assert rules.breach_logged_message(overdue, running).endswith("Resolution: 3 h 59 min left.")


@pytest.mark.parametrize(
    ("done", "now", "state", "text"),
    [
        (at(2021, 6, 15, 10), at(2021, 6, 20), "met", "Met, 1 day 13 h before the deadline"),
        (DUE, at(2021, 6, 20), "met", "Met, 0 min before the deadline"),
        (at(2021, 6, 17, 1), at(2021, 6, 20), "missed", "Missed by 1 h"),
        (None, at(2021, 6, 16, 20), "open", "3 h 59 min left"),
        (None, DUE, "open", "0 min left"),
        (None, at(2021, 6, 17, 0, 0), "overdue", "Overdue by 0 min"),
        (None, at(2021, 6, 19, 0, 0), "overdue", "Overdue by 2 days"),
    ],
)
def test_clock_state(done, now, state, text):
    result = rules.clock_state(DUE, done, now)
    assert (result.state, result.text) == (state, text)
    assert result.is_bad == (state in ("missed", "overdue"))


def test_no_notification_clock_for_medium_and_low():
    assert rules.clock_state(None, None, at(2021, 1, 1)).state == "not_applicable"


# --- Monthly breach thresholds --------------------------------------------------------------

T = rules.BreachThresholds()


@pytest.mark.parametrize(
    ("counts", "missed", "rag"),
    [
        ({}, 0, Rag.GREEN),
        ({"low": 3}, 0, Rag.GREEN),  # "There were 3 low breaches only."
        ({"low": 5}, 0, Rag.GREEN),
        ({"low": 6}, 0, Rag.RED),
        ({"medium": 1}, 0, Rag.GREEN),
        ({"medium": 2}, 0, Rag.RED),
        ({"medium": 1, "low": 5}, 0, Rag.GREEN),
        ({"high": 1}, 0, Rag.RED),
        ({"critical": 1}, 0, Rag.RED),
        ({"low": 5}, 1, Rag.AMBER),
        ({"medium": 1}, 2, Rag.AMBER),
        ({"low": 6}, 1, Rag.RED),
        ({"high": 1}, 1, Rag.RED),
    ],
)
def test_breach_month_thresholds_at_each_boundary(counts, missed, rag):
    assert rules.breach_month_rag(counts, missed, T).rag == rag


def test_breach_month_explains_itself():
    s = rules.breach_month_rag({"low": 3}, 0, T)
    assert s.explanation.startswith("0 Critical/High, 0 Medium, 3 Low: within thresholds")
    red = rules.breach_month_rag({"medium": 2, "high": 1}, 0, T)
    assert "Critical/High, Medium exceeded" in red.explanation
    amber = rules.breach_month_rag({"low": 1}, 1, T)
    assert "1 notification or resolution deadline was missed" in amber.explanation


def test_breach_thresholds_are_configuration():
    loose = rules.BreachThresholds(max_critical_high=1, max_medium=2, max_low=10)
    assert rules.breach_month_rag({"high": 1, "medium": 2, "low": 10}, 0, loose).rag == Rag.GREEN


@given(
    st.dictionaries(st.sampled_from(["critical", "high", "medium", "low"]), st.integers(0, 20)),
    st.integers(0, 5),
)
def test_breach_rag_is_red_exactly_when_a_threshold_is_exceeded(counts, missed):
    exceeded = (
        counts.get("critical", 0) + counts.get("high", 0) > 0
        or counts.get("medium", 0) > 1
        or counts.get("low", 0) > 5
    )
    rag = rules.breach_month_rag(counts, missed, T).rag
    assert (rag == Rag.RED) == exceeded
    if not exceeded:
        assert rag == (Rag.AMBER if missed else Rag.GREEN)


# --- Communications -------------------------------------------------------------------------

C = rules.CommsClasses()
W = DEFAULT_WEIGHTS
POINTS = list(W)


def test_default_framework_weights_add_up_to_10():
    assert sum(W.values()) == 10


@pytest.mark.parametrize(
    ("missed", "score"),
    [
        ((), "10.0"),
        (("gives_contact",), "9.1"),
        (("states_subject", "distribution_list_named"), "8.4"),
        (("states_customer_action", "states_subject"), "7.0"),
        (tuple(POINTS), "0.0"),
    ],
)
def test_comms_framework_score_is_the_weights_of_the_points_met(missed, score):
    met = {point: point not in missed for point in POINTS}
    assert rules.comms_framework_score(met, W) == Decimal(score)


@given(st.sets(st.sampled_from(POINTS)))
def test_comms_framework_score_grows_with_each_point_met_and_stays_in_0_to_10(met):
    score = rules.comms_framework_score(dict.fromkeys(met, True), W)
    assert Decimal(0) <= score <= Decimal(10)
    for other in set(POINTS) - met:
        more = rules.comms_framework_score(dict.fromkeys(met | {other}, True), W)
        assert more == score + W[other]


@pytest.mark.parametrize(
    ("framework", "assessed", "reason", "needs"),
    [
        ("9.1", "9.1", "", False),
        ("9.1", "9.5", "", True),
        ("9.1", "9.5", "   ", True),
        ("9.1", "9.5", "Went out within the hour.", False),
    ],
)
def test_an_adjusted_comms_score_needs_a_written_reason(framework, assessed, reason, needs):
    assert rules.comms_score_needs_reason(Decimal(framework), Decimal(assessed), reason) is needs


@pytest.mark.parametrize(
    ("score", "cls", "rag"),
    [
        ("10", "Exceeded Expectations", Rag.GREEN),
        ("9.0", "Exceeded Expectations", Rag.GREEN),
        ("8.9", "Met Expectations", Rag.GREEN),
        ("7.0", "Met Expectations", Rag.GREEN),
        ("6.9", "Below Expectations", Rag.AMBER),
        ("5.0", "Below Expectations", Rag.AMBER),
        ("4.9", "Below Expectations", Rag.RED),
        ("0", "Below Expectations", Rag.RED),
    ],
)
def test_comms_class_boundaries(score, cls, rag):
    assert rules.comms_class(Decimal(score), C) == cls
    assert rules.comms_month_rag(Decimal(score), None, None, C).rag == rag


def test_comms_month_reads_like_the_report():
    s = rules.comms_month_rag(Decimal("9.7"), Decimal("8.3"), Decimal("8.1"), C)
    assert s.rag == Rag.GREEN
    assert "9.7/10 – Exceeded Expectations" in s.explanation
    assert "1.4 increase on last month (8.3)" in s.explanation
    assert "KVI year to date 8.1/10 – Met Expectations" in s.explanation


def test_comms_month_without_communications_is_not_reported():
    assert rules.comms_month_rag(None, Decimal("8"), None, C).rag == Rag.NOT_REPORTED


@pytest.mark.parametrize(
    ("scores", "mean"),
    [([], None), (["9.7"], Decimal("9.7")), (["9", "10"], Decimal("9.5")), (["1", "2", "2"], 1.7)],
)
def test_mean_score_to_one_place(scores, mean):
    expected = None if mean is None else Decimal(str(mean))
    assert rules.mean_score(Decimal(s) for s in scores) == expected


@given(st.lists(st.decimals("0", "10", places=1), min_size=1, max_size=30))
def test_mean_lies_between_the_lowest_and_highest(scores):
    mean = rules.mean_score(scores)
    assert min(scores) <= mean <= max(scores)


# --- Issue resolution and age profile -------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "unscored", "overdue", "rag"),
    [
        (0, 0, 0, Rag.GREEN),
        (4, 0, 0, Rag.GREEN),
        (4, 0, 1, Rag.AMBER),
        (4, 0, 2, Rag.AMBER),
        (4, 0, 3, Rag.RED),
        (4, 1, 0, Rag.RED),
    ],
)
def test_issue_resolution_rag(new, unscored, overdue, rag):
    assert rules.issue_resolution_rag(new, unscored, overdue).rag == rag


@pytest.mark.parametrize(
    ("days", "bucket"),
    [
        (0, "0–30 days"),
        (30, "0–30 days"),
        (31, "31–90 days"),
        (90, "31–90 days"),
        (91, "91–180 days"),
        (180, "91–180 days"),
        (181, "180+ days"),
        (2000, "180+ days"),
    ],
)
def test_age_buckets(days, bucket):
    assert rules.age_bucket(days) == bucket


@pytest.mark.parametrize(
    ("part", "whole", "pct"), [(9, 10, Decimal("90.0")), (2, 3, Decimal("66.7")), (0, 0, None)]
)
def test_percentage(part, whole, pct):
    assert rules.percentage(part, whole) == pct


def test_due_next_is_what_is_still_open_or_overdue_earliest_first():
    now = datetime(2021, 6, 14, 12, tzinfo=UTC)
    early, late = now - timedelta(hours=1), now + timedelta(days=1)
    deadlines = [
        rules.Deadline("Resolution", late, rules.clock_state(late, None, now)),
        rules.Deadline("Notification", early, rules.clock_state(early, None, now)),
        rules.Deadline("Done", early, rules.clock_state(early, early, now)),
    ]
    assert [d.what for d in rules.due_next(deadlines)] == ["Notification", "Resolution"]
    assert rules.due_next(deadlines)[0].clock.text == "Overdue by 1 h"
