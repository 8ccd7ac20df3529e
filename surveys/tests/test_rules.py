"""The survey arithmetic and RAG (DOMAIN rule 3): tables at every boundary, and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kvis.rules import Rag
from surveys import rules

D = Decimal
percentages = st.decimals(min_value=0, max_value=100, places=2)
rounds_strategy = st.lists(
    st.tuples(st.integers(min_value=1, max_value=500), percentages), min_size=1, max_size=12
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D("90.91"), "90.91 %"),
        (D("85.20"), "85.2 %"),
        (D("77.00"), "77 %"),
        (D("100"), "100 %"),
        (D("0"), "0 %"),
        (D("93.935"), "93.94 %"),  # half-up at the third place
        (D("87.875"), "87.88 %"),
        (D("90.905"), "90.91 %"),
        (D("90.904"), "90.9 %"),
    ],
)
def test_format_percent_as_the_documents_write_it(value, text):
    assert rules.format_percent(value) == text


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (30, 33, D("90.91")),
        (31, 33, D("93.94")),
        (29, 33, D("87.88")),
        (90, 99, D("90.91")),
        (8, 8, D("100.00")),
        (0, 5, D("0.00")),
        (1, 3, D("33.33")),
        (2, 3, D("66.67")),
    ],
)
def test_percent_of_a_whole(part, whole, expected):
    assert rules.percent(part, whole) == expected


def test_percent_refuses_an_empty_whole():
    with pytest.raises(ValueError):
        rules.percent(0, 0)


@pytest.mark.parametrize(
    ("answers", "favourable_from", "expected"),
    [
        ([5, 4, 3], 4, D("66.67")),
        ([4, 4, 4, 4], 4, D("100.00")),
        ([1, 2, 3], 4, D("0.00")),
        ([3], 3, D("100.00")),
        ([], 4, None),
    ],
)
def test_favourable_share(answers, favourable_from, expected):
    assert rules.favourable_share(answers, favourable_from) == expected


@pytest.mark.parametrize(
    ("current", "previous", "direction", "text", "delta"),
    [
        (D("90.91"), D("85.2"), "up", "up from 85.2 %", "+5.71 points"),
        (D("93.94"), D("86.6"), "up", "up from 86.6 %", "+7.34 points"),
        (D("87.88"), D("77"), "up", "up from 77 %", "+10.88 points"),
        (D("90.91"), D("95.1"), "down", "down from 95.1 %", "−4.19 points"),
        (D("90"), D("90.00"), "same", "unchanged from 90 %", "0 points"),
        (D("90"), None, "new", "first round", ""),
    ],
)
def test_change_from_previous_round_reads_as_the_seed(current, previous, direction, text, delta):
    change = rules.Change(current, previous)
    assert (change.direction, change.text, change.delta_text) == (direction, text, delta)


@pytest.mark.parametrize(
    ("rounds", "expected"),
    [
        # The seed's change survey: 2020/21 to date with October's 8 customers at 100 %.
        ([(12, D("97.5")), (5, D("96")), (8, D("100"))], D("98.00")),
        # Different respondent counts weigh differently: not the plain mean (86.67).
        ([(1, D("60")), (9, D("100"))], D("96.00")),
        ([(9, D("60")), (1, D("100"))], D("64.00")),
        ([(3, D("90.91"))], D("90.91")),
        ([(0, D("10")), (4, D("80"))], D("80.00")),  # a round without respondents has no weight
        ([(1, D("100")), (2, D("0"))], D("33.33")),
        ([], None),
        ([(0, D("50"))], None),
    ],
)
def test_year_to_date_is_weighted_by_respondents(rounds, expected):
    assert rules.year_to_date(rounds) == expected


@pytest.mark.parametrize(
    ("score", "target", "tolerance", "rag", "band"),
    [
        (D("95"), D("95"), D("5"), Rag.GREEN, "Green: at or above target"),
        (D("100"), D("95"), D("5"), Rag.GREEN, "Green: at or above target"),
        (D("94.99"), D("95"), D("5"), Rag.AMBER, "Amber: within 5 points"),
        (D("90.91"), D("95"), D("5"), Rag.AMBER, "Amber: within 5 points"),
        (D("90"), D("95"), D("5"), Rag.AMBER, "Amber: within 5 points"),
        (D("89.99"), D("95"), D("5"), Rag.RED, "Red: more than 5 points below"),
        (D("85.2"), D("95"), D("5"), Rag.RED, "Red: more than 5 points below"),
        (D("92.5"), D("95"), D("2.5"), Rag.AMBER, "Amber: within 2.5 points"),
        (D("92.49"), D("95"), D("2.5"), Rag.RED, "Red: more than 2.5 points below"),
        (D("80"), D("80"), D("0"), Rag.GREEN, "Green: at or above target"),
        (D("79.99"), D("80"), D("0"), Rag.RED, "Red: more than 0 points below"),
    ],
)
def test_survey_rag_boundaries(score, target, tolerance, rag, band):
    suggestion = rules.survey_rag(score, target, amber_tolerance=tolerance)
    assert suggestion.rag is rag
    assert suggestion.explanation == f"target {rules.format_percent(target)} ({band})"


def test_survey_rag_without_a_score_is_not_reported():
    assert rules.survey_rag(None, D("95"), amber_tolerance=D("5")).rag is Rag.NOT_REPORTED


def test_headline_explanation_reads_as_agreed():
    change = rules.Change(D("90.91"), D("85.2"))
    rag = rules.survey_rag(D("90.91"), D("95"), amber_tolerance=D("5"))
    assert (
        rules.headline_explanation("Overall trust", change, rag.explanation)
        == "Overall trust 90.91 %, up from 85.2 %; target 95 % (Amber: within 5 points)"
    )


@given(rounds_strategy)
def test_year_to_date_lies_between_the_lowest_and_highest_round(rounds):
    ytd = rules.year_to_date(rounds)
    scores = [s for _, s in rounds]
    assert min(scores) - D("0.005") <= ytd <= max(scores) + D("0.005")


@given(st.integers(min_value=1, max_value=100), percentages, rounds_strategy)
def test_year_to_date_moves_towards_a_new_round(respondents, score, rounds):
    before = rules.year_to_date(rounds)
    after = rules.year_to_date([*rounds, (respondents, score)])
    if score > before:
        assert after >= before
    elif score < before:
        assert after <= before


@given(rounds_strategy)
def test_equal_respondents_give_the_plain_mean(rounds):
    same = [(7, s) for _, s in rounds]
    mean = sum(s for _, s in same) / len(same)
    assert abs(rules.year_to_date(same) - mean) <= D("0.005")


@given(percentages, percentages)
def test_change_direction_matches_the_sign_of_the_difference(current, previous):
    change = rules.Change(current, previous)
    expected = "up" if current > previous else "down" if current < previous else "same"
    assert change.direction == expected
    assert change.delta == current - previous
    assert change.text.startswith({"up": "up", "down": "down", "same": "unchanged"}[expected])


@given(percentages, percentages, st.decimals(min_value=0, max_value=20, places=2))
def test_rag_is_monotonic_in_the_score(score, target, tolerance):
    order = {Rag.RED: 0, Rag.AMBER: 1, Rag.GREEN: 2}
    rag = rules.survey_rag(score, target, amber_tolerance=tolerance).rag
    higher = rules.survey_rag(min(score + 1, D(100)), target, amber_tolerance=tolerance).rag
    assert order[higher] >= order[rag]
    assert (rag is Rag.GREEN) == (score >= target)
    assert (rag is Rag.RED) == (target - score > tolerance)


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=1, max_size=500), st.integers(1, 5))
def test_favourable_share_is_a_percentage_of_the_answers(answers, favourable_from):
    share = rules.favourable_share(answers, favourable_from)
    assert D(0) <= share <= D(100)
    favourable = sum(1 for a in answers if a >= favourable_from)
    assert (share == 100) == (favourable == len(answers))
    assert (share == 0) == (favourable == 0)
