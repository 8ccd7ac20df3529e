"""The RAG rules at every boundary, and properties that must hold for any input."""

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calendar import add_months, kvi_year_label, kvi_year_months, kvi_year_start, months_ending
from kvis.rules import (
    SEVERITY,
    Rag,
    Suggestion,
    count_rag,
    milestone_rag,
    pace_rag,
    percentage_rag,
    quarters_ended,
    score_class,
    score_rag,
    worst,
)

G, A, R, N = Rag.GREEN, Rag.AMBER, Rag.RED, Rag.NOT_REPORTED


@pytest.mark.parametrize(
    ("actual", "target", "higher", "tolerance", "expected"),
    [
        (D("95"), D("95"), True, D("5"), G),  # exactly at target
        (D("95.01"), D("95"), True, D("5"), G),
        (D("94.99"), D("95"), True, D("5"), A),  # just below target
        (D("90"), D("95"), True, D("5"), A),  # exactly at the tolerance edge
        (D("89.99"), D("95"), True, D("5"), R),  # just beyond it
        (D("0"), D("95"), True, D("5"), R),
        (D("100"), D("100"), True, D("5"), G),
        (D("90.91"), D("95"), True, D("5"), A),  # the seeds' trust score
        (D("10"), D("10"), False, D("5"), G),  # lower is better: at target
        (D("9"), D("10"), False, D("5"), G),
        (D("10.01"), D("10"), False, D("5"), A),
        (D("15"), D("10"), False, D("5"), A),  # tolerance edge
        (D("15.01"), D("10"), False, D("5"), R),
        (D("94"), D("95"), True, D("0"), R),  # no tolerance: any miss is red
        (D("95"), D("95"), True, D("0"), G),
        (None, D("95"), True, D("5"), N),
    ],
)
def test_percentage_rag(actual, target, higher, tolerance, expected):
    result = percentage_rag(actual, target, higher_is_better=higher, amber_tolerance=tolerance)
    assert result.rag is expected
    assert result.explanation


def test_percentage_explanation_names_the_figures():
    text = percentage_rag(D("90.91"), D("95")).explanation
    assert text == "90.91% is 4.09 points below the target of 95% (within 5 points)."


@pytest.mark.parametrize(
    ("actual", "target", "higher", "tolerance", "expected"),
    [
        (D(0), D(0), False, D(1), G),
        (D(1), D(0), False, D(1), A),
        (D(2), D(0), False, D(1), R),
        (D(5), D(5), False, D(1), G),
        (D(6), D(5), False, D(1), A),
        (D(7), D(5), False, D(1), R),
        (D(1), D(1), True, D(1), G),
        (D(0), D(1), True, D(1), A),
        (D(3), D(4), True, D(0), R),
        (D(4), D(4), True, D(0), G),
        (None, D(4), True, D(0), N),
    ],
)
def test_count_rag(actual, target, higher, tolerance, expected):
    assert (
        count_rag(actual, target, higher_is_better=higher, amber_tolerance=tolerance).rag
        is expected
    )


@pytest.mark.parametrize(
    ("score", "rag", "cls"),
    [
        (D("10"), G, "Exceeded Expectations"),
        (D("9.7"), G, "Exceeded Expectations"),
        (D("9.0"), G, "Exceeded Expectations"),
        (D("8.99"), G, "Met Expectations"),
        (D("8.1"), G, "Met Expectations"),
        (D("7.0"), G, "Met Expectations"),
        (D("6.99"), A, "Below Expectations"),
        (D("5.0"), A, "Below Expectations"),
        (D("4.99"), R, "Below Expectations"),
        (D("0"), R, "Below Expectations"),
    ],
)
def test_score_rag_and_class(score, rag, cls):
    assert score_rag(score).rag is rag
    assert score_class(score, exceeded_from=D("9.0"), met_from=D("7.0")) == cls
    assert cls in score_rag(score).explanation


DUE = date(2021, 3, 17)


@pytest.mark.parametrize(
    ("met_on", "as_of", "expected"),
    [
        (DUE, DUE, G),  # met on the day
        (DUE - timedelta(days=30), DUE, G),
        (DUE + timedelta(days=1), DUE + timedelta(days=5), A),  # met late
        (None, DUE - timedelta(days=15), G),  # not yet in the warning window
        (None, DUE - timedelta(days=14), A),  # warning window edge
        (None, DUE, A),  # due today, not met
        (None, DUE + timedelta(days=1), R),  # past due, not met
    ],
)
def test_milestone_rag(met_on, as_of, expected):
    assert milestone_rag(DUE, met_on, as_of=as_of, warning_days=14).rag is expected


@pytest.mark.parametrize(
    ("month", "quarters"),
    [
        (date(2020, 4, 1), 0),
        (date(2020, 5, 1), 0),
        (date(2020, 6, 1), 1),
        (date(2020, 8, 1), 1),
        (date(2020, 9, 1), 2),
        (date(2020, 11, 1), 2),
        (date(2020, 12, 1), 3),
        (date(2021, 2, 1), 3),
        (date(2021, 3, 1), 4),
    ],
)
def test_quarters_ended(month, quarters):
    assert quarters_ended(month) == quarters


@pytest.mark.parametrize(
    ("delivered", "month", "expected"),
    [
        (2, date(2020, 11, 1), G),
        (3, date(2020, 11, 1), G),
        (1, date(2020, 11, 1), A),
        (0, date(2020, 11, 1), R),
        (4, date(2021, 3, 1), G),
        (3, date(2021, 3, 1), A),
        (2, date(2021, 3, 1), R),
        (0, date(2020, 4, 1), G),
        (None, date(2020, 4, 1), N),
    ],
)
def test_pace_rag(delivered, month, expected):
    assert pace_rag(delivered, month).rag is expected


def test_worst_picks_the_worst_reported_and_ignores_not_reported():
    g, a, r = Suggestion(G, "g"), Suggestion(A, "a"), Suggestion(R, "r")
    n = Suggestion(N, "n")
    assert worst([g, a]).rag is A
    assert worst([g, r, a]).rag is R
    assert worst([n, g]).rag is G
    assert worst([n, n]).rag is N
    assert worst([g]) == g


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2020, 4, 1), 2020),
        (date(2020, 3, 31), 2019),
        (date(2021, 3, 31), 2020),
        (date(2020, 12, 31), 2020),
        (date(2021, 1, 1), 2020),
    ],
)
def test_kvi_year_runs_april_to_march(day, start):
    assert kvi_year_start(day) == start


def test_kvi_year_months_and_label():
    months = kvi_year_months(2020)
    assert months[0] == date(2020, 4, 1) and months[-1] == date(2021, 3, 1)
    assert len(months) == 12
    assert kvi_year_label(2020) == "2020/21"
    assert kvi_year_label(1999) == "1999/00"


def test_months_ending_and_add_months():
    assert months_ending(date(2020, 11, 1), 3) == [
        date(2020, 9, 1),
        date(2020, 10, 1),
        date(2020, 11, 1),
    ]
    assert add_months(date(2020, 12, 1), 1) == date(2021, 1, 1)
    assert add_months(date(2021, 1, 1), -1) == date(2020, 12, 1)


percent = st.decimals(min_value=0, max_value=100, places=2)
tolerance = st.decimals(min_value=0, max_value=20, places=2)


@given(a=percent, b=percent, target=percent, tol=tolerance, higher=st.booleans())
def test_a_better_percentage_never_gives_a_worse_rag(a, b, target, tol, higher):
    better, worse = (max(a, b), min(a, b)) if higher else (min(a, b), max(a, b))
    kw = {"higher_is_better": higher, "amber_tolerance": tol}
    assert (
        SEVERITY[percentage_rag(better, target, **kw).rag]
        <= SEVERITY[percentage_rag(worse, target, **kw).rag]
    )


@given(
    a=st.integers(0, 50),
    b=st.integers(0, 50),
    target=st.integers(0, 20),
    tol=st.integers(0, 5),
    higher=st.booleans(),
)
def test_a_better_count_never_gives_a_worse_rag(a, b, target, tol, higher):
    better, worse = (max(a, b), min(a, b)) if higher else (min(a, b), max(a, b))
    kw = {"higher_is_better": higher, "amber_tolerance": D(tol)}
    assert (
        SEVERITY[count_rag(D(better), D(target), **kw).rag]
        <= SEVERITY[count_rag(D(worse), D(target), **kw).rag]
    )


@given(a=st.decimals(0, 10, places=2), b=st.decimals(0, 10, places=2))
def test_a_higher_score_never_gives_a_worse_rag(a, b):
    assert SEVERITY[score_rag(max(a, b)).rag] <= SEVERITY[score_rag(min(a, b)).rag]


@given(early=st.integers(-60, 60), late=st.integers(-60, 60), as_of=st.integers(-60, 90))
def test_meeting_a_milestone_earlier_never_gives_a_worse_rag(early, late, as_of):
    first, second = sorted([early, late])
    today = DUE + timedelta(days=as_of)
    met_first = DUE + timedelta(days=first)
    met_second = DUE + timedelta(days=second)
    if met_second > today:
        return  # cannot have met it in the future
    assert (
        SEVERITY[milestone_rag(DUE, met_first, as_of=today).rag]
        <= SEVERITY[milestone_rag(DUE, met_second, as_of=today).rag]
    )


@given(delivered=st.integers(0, 6), more=st.integers(0, 3), month=st.integers(1, 12))
def test_delivering_more_financial_updates_never_gives_a_worse_rag(delivered, more, month):
    m = date(2021 if month < 4 else 2020, month, 1)
    assert SEVERITY[pace_rag(delivered + more, m).rag] <= SEVERITY[pace_rag(delivered, m).rag]
