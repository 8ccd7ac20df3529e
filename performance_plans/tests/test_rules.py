"""Pure rules: gates and transitions, action RAG, review scheduling, escalation, uploads."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import calendar
from performance_plans import rules
from performance_plans.rules import (
    TRANSITIONS,
    ActionFacts,
    ActionRag,
    Outcome,
    PlanFacts,
    Step,
)

GOOD_ACTION = ActionFacts("Clear backlog", has_owner=True, has_target=True, has_due_date=True)
#: Facts that satisfy every gate (outcome improved).
COMPLETE = PlanFacts(
    gaps_evidence_counts=(("Late reads", 1),),
    meeting_held_on=date(2022, 2, 1),
    actions=(GOOD_ACTION,),
    party_signed=True,
    provider_signed=True,
    notified_on=date(2022, 2, 8),
    notified_by="PAFA",
    has_notification_document=True,
    party_contact_email="cm@party.example",
    reviews_held=1,
    outcome=Outcome.IMPROVED,
    actions_taken="All actions done",
    results_achieved="Reads at 96%",
)


# Gates and transitions -----------------------------------------------------------------------


@pytest.mark.parametrize("current,to", list(TRANSITIONS.items()))
def test_every_allowed_transition_passes_with_complete_facts(current, to):
    assert rules.transition_refusal(current, to, COMPLETE) is None


@pytest.mark.parametrize(
    "current,to",
    [(c, t) for c in Step for t in Step if c is not Step.CLOSED and TRANSITIONS[c] is not t],
)
def test_every_other_move_is_refused_as_out_of_order(current, to):
    refusal = rules.transition_refusal(current, to, COMPLETE)
    expected = rules.OUT_OF_ORDER.format(current.label, f"“{TRANSITIONS[current].label}”")
    assert refusal == expected


@pytest.mark.parametrize("to", list(Step))
def test_a_closed_plan_moves_nowhere(to):
    assert rules.transition_refusal(Step.CLOSED, to, COMPLETE) == rules.ALREADY_CLOSED


GATE_CASES = [
    (Step.GAPS_OUTLINED, {"gaps_evidence_counts": ()}, rules.MISSING_GAP),
    (
        Step.GAPS_OUTLINED,
        {"gaps_evidence_counts": (("Late reads", 1), ("Late queries", 0))},
        rules.MISSING_EVIDENCE.format("Late queries"),
    ),
    (Step.ESTABLISHED, {"meeting_held_on": None}, rules.MISSING_MEETING),
    (Step.ESTABLISHED, {"actions": ()}, rules.MISSING_ACTION),
    (
        Step.ESTABLISHED,
        {"actions": (replace(GOOD_ACTION, has_owner=False),)},
        rules.MISSING_ACTION_PARTS.format("owner", "Clear backlog"),
    ),
    (
        Step.ESTABLISHED,
        {"actions": (replace(GOOD_ACTION, has_target=False, has_due_date=False),)},
        rules.MISSING_ACTION_PARTS.format("target and due date", "Clear backlog"),
    ),
    (Step.ESTABLISHED, {"party_signed": False}, rules.MISSING_PARTY_SIGNATURE),
    (Step.ESTABLISHED, {"provider_signed": False}, rules.MISSING_PROVIDER_SIGNATURE),
    (Step.NOTIFIED, {"notified_on": None}, rules.MISSING_NOTIFICATION_DATE),
    (Step.NOTIFIED, {"notified_by": "  "}, rules.MISSING_NOTIFICATION_BY),
    (Step.NOTIFIED, {"has_notification_document": False}, rules.MISSING_NOTIFICATION_DOCUMENT),
    (Step.UNDER_REVIEW, {"party_contact_email": ""}, rules.MISSING_PARTY_CONTACT),
    (Step.CLOSED, {"reviews_held": 0}, rules.MISSING_REVIEW),
    (Step.CLOSED, {"outcome": ""}, rules.MISSING_OUTCOME),
    (Step.CLOSED, {"outcome": "better"}, rules.MISSING_OUTCOME),
    (Step.CLOSED, {"actions_taken": ""}, rules.MISSING_ACTIONS_TAKEN),
    (Step.CLOSED, {"results_achieved": " "}, rules.MISSING_RESULTS),
    (Step.CLOSED, {"outcome": Outcome.INSUFFICIENT}, rules.MISSING_IMPACT_NOTICE),
]


@pytest.mark.parametrize("to,change,missing", GATE_CASES)
def test_each_gate_names_exactly_what_is_missing(to, change, missing):
    facts = replace(COMPLETE, **change)
    assert rules.gate_missing(to, facts) == [missing]
    previous = next(c for c, t in TRANSITIONS.items() if t is to)
    refusal = rules.transition_refusal(previous, to, facts)
    assert refusal == rules.GATE_REFUSED.format(to.label, missing)


def test_insufficient_outcome_passes_with_the_impact_notice():
    facts = replace(COMPLETE, outcome=Outcome.INSUFFICIENT, impact_notice_complete=True)
    assert rules.gate_missing(Step.CLOSED, facts) == []


def test_gate_lists_everything_missing_at_once():
    missing = rules.gate_missing(Step.ESTABLISHED, PlanFacts())
    assert missing == [
        rules.MISSING_MEETING,
        rules.MISSING_ACTION,
        rules.MISSING_PARTY_SIGNATURE,
        rules.MISSING_PROVIDER_SIGNATURE,
    ]


def test_gate_of_the_first_step_ignores_later_facts():
    facts = PlanFacts(gaps_evidence_counts=(("Late reads", 2),))
    assert rules.gate_missing(Step.GAPS_OUTLINED, facts) == []


# Action RAG ----------------------------------------------------------------------------------

THRESHOLDS = {"on_track_max_shortfall": 10, "at_risk_max_shortfall": 25}


@pytest.mark.parametrize(
    "done,expected,rag",
    [
        (50, 50, ActionRag.ON_TRACK),
        (100, 50, ActionRag.ON_TRACK),  # ahead of plan
        (40, 50, ActionRag.ON_TRACK),  # exactly 10 points behind
        (Decimal("39.9"), 50, ActionRag.AT_RISK),  # just over 10
        (25, 50, ActionRag.AT_RISK),  # exactly 25 behind
        (Decimal("24.9"), 50, ActionRag.OFF_TRACK),  # just over 25
        (0, 100, ActionRag.OFF_TRACK),
        (0, 0, ActionRag.ON_TRACK),
        (0, 10, ActionRag.ON_TRACK),
        (0, Decimal("10.1"), ActionRag.AT_RISK),
        (0, 25, ActionRag.AT_RISK),
        (0, Decimal("25.1"), ActionRag.OFF_TRACK),
    ],
)
def test_action_rag_boundaries(done, expected, rag):
    assert rules.action_rag(done, expected, **THRESHOLDS) is rag


@pytest.mark.parametrize(
    "on_track,at_risk,rag",
    [
        (0, 0, ActionRag.OFF_TRACK),
        (5, 5, ActionRag.OFF_TRACK),
        (5, 20, ActionRag.AT_RISK),
        (20, 30, ActionRag.ON_TRACK),
    ],
)
def test_action_rag_thresholds_are_data(on_track, at_risk, rag):
    # 15 points behind, judged by different thresholds.
    got = rules.action_rag(35, 50, on_track_max_shortfall=on_track, at_risk_max_shortfall=at_risk)
    assert got is rag


@pytest.mark.parametrize(
    "on,expected",
    [
        (date(2022, 1, 1), Decimal(0)),  # before start
        (date(2022, 2, 1), Decimal(0)),  # on the start date
        (date(2022, 2, 2), Decimal("1.0")),  # one day of 100
        (date(2022, 3, 23), Decimal("50.0")),  # half way
        (date(2022, 5, 11), Decimal("99.0")),  # the day before it is due
        (date(2022, 5, 12), Decimal(100)),  # the due date
        (date(2022, 6, 1), Decimal(100)),  # after the due date
    ],
)
def test_expected_percent_is_a_straight_line(on, expected):
    assert rules.expected_percent(date(2022, 2, 1), date(2022, 5, 12), on) == expected


def test_expected_percent_on_a_zero_length_action_is_complete_on_the_day():
    d = date(2022, 2, 1)
    assert rules.expected_percent(d, d, d) == Decimal(0)
    assert rules.expected_percent(d, d, d + timedelta(days=1)) == Decimal(100)


percents = st.decimals(min_value=0, max_value=100, places=1)
thresholds = st.tuples(st.integers(0, 50), st.integers(0, 50)).map(sorted)


@given(done=percents, more=percents, expected=percents, limits=thresholds)
def test_more_progress_never_gives_a_worse_rag(done, more, expected, limits):
    low, high = sorted([done, more])
    kw = {"on_track_max_shortfall": limits[0], "at_risk_max_shortfall": limits[1]}
    worse = rules.action_rag(low, expected, **kw)
    better = rules.action_rag(high, expected, **kw)
    assert rules.action_rag_severity(better) <= rules.action_rag_severity(worse)


@given(done=percents, expected=percents, more=percents, limits=thresholds)
def test_a_higher_expectation_never_gives_a_better_rag(done, expected, more, limits):
    low, high = sorted([expected, more])
    kw = {"on_track_max_shortfall": limits[0], "at_risk_max_shortfall": limits[1]}
    assert rules.action_rag_severity(
        rules.action_rag(done, high, **kw)
    ) >= rules.action_rag_severity(rules.action_rag(done, low, **kw))


@given(
    start=st.dates(date(2020, 1, 1), date(2030, 1, 1)),
    span=st.integers(1, 400),
    a=st.integers(-50, 500),
    b=st.integers(-50, 500),
)
def test_expected_percent_grows_with_time_between_0_and_100(start, span, a, b):
    due = start + timedelta(days=span)
    early, late = sorted([a, b])
    e1 = rules.expected_percent(start, due, start + timedelta(days=early))
    e2 = rules.expected_percent(start, due, start + timedelta(days=late))
    assert Decimal(0) <= e1 <= e2 <= Decimal(100)


# Review scheduling ---------------------------------------------------------------------------

HOLIDAYS = calendar.bank_holidays([2021, 2022, 2023])


@pytest.mark.parametrize(
    "d,expected",
    [
        (date(2022, 4, 13), date(2022, 4, 13)),  # an ordinary Wednesday
        (date(2022, 4, 15), date(2022, 4, 19)),  # Good Friday → Tuesday after Easter Monday
        (date(2022, 4, 16), date(2022, 4, 19)),  # Saturday of Easter
        (date(2022, 4, 18), date(2022, 4, 19)),  # Easter Monday
        (date(2022, 12, 24), date(2022, 12, 28)),  # Sat; Boxing Day and Christmas substitute
        (date(2022, 12, 26), date(2022, 12, 28)),
        (date(2022, 6, 2), date(2022, 6, 6)),  # Platinum Jubilee Thursday and Friday
        (date(2022, 9, 19), date(2022, 9, 20)),  # the Queen's funeral
        (date(2023, 5, 8), date(2023, 5, 9)),  # the Coronation bank holiday
        (date(2022, 1, 1), date(2022, 1, 4)),  # Saturday; New Year substitute on Monday 3rd
    ],
)
def test_next_business_day_skips_weekends_and_england_bank_holidays(d, expected):
    assert calendar.next_business_day_on_or_after(d, HOLIDAYS) == expected


def test_scottish_holidays_are_not_england_and_wales_holidays():
    assert date(2022, 1, 4) not in HOLIDAYS  # 2 January substitute holiday is Scotland only
    assert date(2022, 8, 29) in HOLIDAYS  # late summer holiday, England and Wales


def test_fortnightly_reviews_across_easter_move_and_do_not_drift():
    # Reviews every 14 days from Friday 1 April 2022: the 15 April review falls on Good Friday.
    anchor, dates = date(2022, 4, 1), []
    after = anchor
    for _ in range(4):
        after = rules.next_review_date(anchor, 14, after, HOLIDAYS)
        dates.append(after)
    assert dates == [date(2022, 4, 19), date(2022, 4, 29), date(2022, 5, 13), date(2022, 5, 27)]


def test_next_review_starts_one_interval_after_the_anchor():
    assert rules.next_review_date(date(2022, 1, 18), 14, date(2022, 1, 18), HOLIDAYS) == date(
        2022, 2, 1
    )


def test_next_review_after_a_moved_review_keeps_the_nominal_rhythm():
    anchor = date(2022, 4, 1)
    first = rules.next_review_date(anchor, 14, anchor, HOLIDAYS)
    assert first == date(2022, 4, 19)  # 15th is Good Friday, 18th Easter Monday
    assert rules.next_review_date(anchor, 14, first, HOLIDAYS) == date(2022, 4, 29)


def test_christmas_review_moves_past_both_holidays():
    anchor = date(2022, 12, 13)
    assert rules.next_review_date(anchor, 14, anchor, HOLIDAYS) == date(2022, 12, 28)


@given(
    anchor=st.dates(date(2021, 1, 1), date(2022, 12, 1)),
    interval=st.integers(1, 60),
    after_days=st.integers(0, 300),
)
def test_next_review_is_a_business_day_after_the_given_day(anchor, interval, after_days):
    after = anchor + timedelta(days=after_days)
    got = rules.next_review_date(anchor, interval, after, HOLIDAYS)
    assert got > after
    assert calendar.is_business_day(got, HOLIDAYS)
    # Never more than one interval plus a long holiday weekend after the nominal date.
    assert (got - after).days <= interval + 5


@pytest.mark.parametrize("bad", [0, -14])
def test_review_interval_must_be_positive(bad):
    with pytest.raises(ValueError, match=rules.REVIEW_INTERVAL_TOO_SHORT):
        rules.next_review_date(date(2022, 1, 1), bad, date(2022, 1, 1), HOLIDAYS)


# Chasing and escalation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "responses,misses",
    [
        ([], 0),
        ([True], 0),
        ([False], 1),
        ([False, False], 2),
        ([False, False, True], 0),
        ([True, False, False, False], 3),
        ([False, True, False], 1),
    ],
)
def test_consecutive_misses_count_from_the_last_answer(responses, misses):
    assert rules.consecutive_misses(responses) == misses


@pytest.mark.parametrize(
    "misses,threshold,due",
    [(0, 2, False), (1, 2, False), (2, 2, True), (3, 2, True), (1, 1, True), (5, 0, False)],
)
def test_escalation_due_after_n_misses(misses, threshold, due):
    assert rules.escalation_due(misses, threshold) is due


@given(st.lists(st.booleans(), max_size=30), st.integers(1, 5))
def test_an_answer_always_clears_the_escalation(responses, threshold):
    assert not rules.escalation_due(rules.consecutive_misses([*responses, True]), threshold)


# Uploads -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,head,size,problem",
    [
        ("finding.pdf", b"%PDF-1.7 ...", 1000, None),
        ("chart.PNG", b"\x89PNG\r\n\x1a\nxxxx", 1000, None),
        ("photo.jpeg", b"\xff\xd8\xff\xe0", 1000, None),
        ("photo.jpg", b"\xff\xd8\xff\xe1", 1000, None),
        ("data.xlsx", b"PK\x03\x04...", 1000, None),
        ("data.csv", b"month,value\n2022-01,95\n", 1000, None),
        ("notes.docx", b"PK\x03\x04", 1000, rules.UPLOAD_BAD_EXTENSION.format("notes.docx")),
        ("script", b"#!/bin/sh", 10, rules.UPLOAD_BAD_EXTENSION.format("script")),
        ("fake.pdf", b"MZ\x90\x00", 1000, rules.UPLOAD_BAD_CONTENT.format("fake.pdf", "PDF")),
        ("fake.png", b"%PDF-1.4", 1000, rules.UPLOAD_BAD_CONTENT.format("fake.png", "PNG")),
        (
            "fake.csv",
            b"PK\x03\x04\x00\x00",
            1000,
            rules.UPLOAD_BAD_CONTENT.format("fake.csv", "CSV"),
        ),
        ("empty.pdf", b"", 0, rules.UPLOAD_EMPTY.format("empty.pdf")),
        ("big.pdf", b"%PDF-", rules.MAX_UPLOAD_BYTES, None),
        (
            "big.pdf",
            b"%PDF-",
            rules.MAX_UPLOAD_BYTES + 1,
            rules.UPLOAD_TOO_LARGE.format("big.pdf", (rules.MAX_UPLOAD_BYTES + 1) / 1048576, 5),
        ),
    ],
)
def test_upload_checks_type_by_extension_and_content_and_size(name, head, size, problem):
    assert rules.upload_problem(name, size, head) == problem


def test_steps_are_numbered_in_order_with_labels():
    assert [s.number for s in Step] == list(range(6))
    assert Step.CLOSED.label == "5. Closed"


# --- Plan dates that must follow one another -------------------------------------------------

D = date(2021, 3, 10)


@pytest.mark.parametrize(
    ("dates", "refused"),
    [
        ({"mandated_on": D, "meeting_held_on": D}, set()),
        ({"mandated_on": D, "meeting_held_on": D - timedelta(days=1)}, {"meeting_held_on"}),
        (
            {"meeting_held_on": D, "signed_for_provider_on": D - timedelta(days=1)},
            {"signed_for_provider_on"},
        ),
        ({"meeting_held_on": D, "signed_for_party_on": D + timedelta(days=3)}, set()),
        ({"notified_on": D, "reviews_start_on": D - timedelta(days=2)}, {"reviews_start_on"}),
        ({"mandated_on": D, "closed_on": D - timedelta(days=1)}, {"closed_on"}),
        ({"signed_for_provider_on": D}, set()),  # nothing to compare with yet
    ],
)
def test_plan_dates_that_contradict_each_other_are_refused(dates, refused):
    assert set(rules.plan_date_contradictions(dates)) == refused


def test_a_contradiction_says_which_dates_and_what_they_are():
    found = rules.plan_date_contradictions(
        {"meeting_held_on": date(2021, 3, 10), "signed_for_provider_on": date(2021, 3, 2)}
    )
    assert found == {
        "signed_for_provider_on": "The provider's signature (2 Mar 2021) cannot be before "
        "the formal meeting (10 Mar 2021)."
    }


@given(st.lists(st.dates(date(2020, 1, 1), date(2023, 1, 1)), min_size=8, max_size=8))
def test_dates_in_the_plans_order_never_contradict(days):
    days = sorted(days)
    ordered = dict(
        zip(
            [
                "mandated_on",
                "meeting_held_on",
                "signed_for_party_on",
                "signed_for_provider_on",
                "notified_on",
                "reviews_start_on",
                "impact_notified_on",
                "closed_on",
            ],
            days,
            strict=True,
        )
    )
    assert rules.plan_date_contradictions(ordered) == {}


def test_a_plan_rag_note_names_the_actions_that_differ_worst_first():
    held = date(2022, 3, 15)
    actions = [
        ("Train", rules.ActionRag.AT_RISK),
        ("Fix", rules.ActionRag.OFF_TRACK),
        ("Plan", rules.ActionRag.ON_TRACK),
    ]
    note = rules.plan_rag_note("green", "Green", held, actions)
    assert "(Green) is the one recorded at its latest review, held 15 Mar 2022" in note
    assert note.endswith("At that review “Fix” was Off track and “Train” was At risk.")
    assert rules.plan_rag_note("amber", "Amber", held, [("Train", rules.ActionRag.AT_RISK)]) == ""
    assert rules.plan_rag_note("green", "Green", None, actions) == ""
