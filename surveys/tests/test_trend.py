"""The trend as the seeds state it, the rules the KVI app reads, the pack section and chart."""

from datetime import date
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from core import demo as core_demo
from kvis import registry
from kvis.rules import Rag
from surveys import charts, demo, importers, kvi_rules, pack, selectors, services
from surveys.models import Round, Survey, YouSaidWeDid
from surveys.standard import CHANGE, TRUST
from surveys.tests.factories import CategoryScoreFactory, RoundFactory, survey_with_questions

pytestmark = pytest.mark.django_db

SEED_TRUST = [
    ("Overall trust", "90.91 %", "up from 85.2 %", "up"),
    ("Strategic decisions", "93.94 %", "up from 86.6 %", "up"),
    ("Operational services", "87.88 %", "up from 77 %", "up"),
    ("Customer first", "90.91 %", "down from 95.1 %", "down"),
]


@pytest.fixture
def seeded():
    core_demo.load()
    demo.load()


def trend(key, day):
    return selectors.survey_trend(Survey.objects.get(key=key), as_of=day)


def test_trust_round_shows_the_seed_figures_with_changes(seeded):
    latest = trend(TRUST, date(2020, 11, 30)).latest
    assert latest.round.label == "Nov 2020 survey"
    assert latest.round.score_source == Round.ScoreSource.IMPORTED
    assert [
        (c.name, c.score_text, c.change.text, c.change.direction) for c in latest.categories
    ] == SEED_TRUST


def test_change_survey_october_round_and_year_to_date(seeded):
    t = trend(CHANGE, date(2020, 11, 30))
    assert (t.latest.round.label, t.latest.round.respondents) == ("Oct 2020 survey", 8)
    assert t.latest.headline.score_text == "100 %"
    assert (t.ytd, t.ytd_text, t.ytd_year) == (Decimal("98.00"), "98 %", "2020/21")
    # January 2020 is in the KVI year 2019/20: not part of 2020/21's figure.
    assert (t.ytd_rounds, t.ytd_respondents) == (3, 25)


def test_year_to_date_starts_again_in_april():
    survey = survey_with_questions(categories=())
    headline = survey.categories.get()
    for held_on, respondents, score in [
        (date(2021, 3, 31), 10, "50"),
        (date(2021, 4, 1), 1, "90"),
        (date(2021, 6, 1), 3, "70"),
    ]:
        CategoryScoreFactory(
            round=RoundFactory(survey=survey, held_on=held_on, respondents=respondents),
            category=headline,
            score=Decimal(score),
        )
    assert trend(survey.key, date(2021, 3, 31)).ytd == Decimal("50.00")
    assert trend(survey.key, date(2021, 4, 30)).ytd == Decimal("90.00")
    assert trend(survey.key, date(2021, 6, 30)).ytd == Decimal("75.00")  # (90 + 210) / 4


@pytest.mark.parametrize(
    ("month", "rag", "explanation"),
    [
        (date(2020, 5, 1), Rag.NOT_REPORTED, "No trust survey round was held on or before 31 May"),
        (date(2020, 6, 1), Rag.RED, "Overall trust 85.2 %; target 95 % (Red: more than 5 points"),
        (
            date(2020, 11, 1),
            Rag.AMBER,
            "Overall trust 90.91 %, up from 85.2 %; target 95 % (Amber: within 5 points)",
        ),
        (date(2021, 1, 1), Rag.AMBER, "Latest round: Nov 2020 survey."),
    ],
)
def test_relationship_kvi_suggestion_follows_the_latest_trust_round(
    seeded, month, rag, explanation
):
    suggestion = registry.rule("surveys.trust").provider(month)
    assert suggestion.rag is rag
    assert explanation in suggestion.explanation


def test_a_new_trust_round_moves_the_suggestion(seeded):
    trust = Survey.objects.get(key=TRUST)
    services.round_create(
        survey=trust,
        label="Dec 2020 survey",
        held_on=date(2020, 12, 11),
        respondents=10,
        scores={trust.categories.get(is_headline=True): Decimal("96")},
    )
    suggestion = kvi_rules.trust_suggestion(date(2020, 12, 1))
    assert suggestion.rag is Rag.GREEN
    assert suggestion.explanation.startswith("Overall trust 96 %, up from 90.91 %; target 95 %")
    assert kvi_rules.trust_suggestion(date(2020, 11, 1)).rag is Rag.AMBER


def test_a_wider_tolerance_from_the_settings_changes_the_rag(seeded):
    services.settings_create(amber_tolerance=Decimal("10"))
    suggestion = kvi_rules.trust_suggestion(date(2020, 6, 1))
    assert suggestion.rag is Rag.AMBER
    assert "(Amber: within 10 points)" in suggestion.explanation


def test_engagement_in_change_suggestion_gives_score_and_year_to_date(seeded):
    suggestion = registry.rule("surveys.change").provider(date(2020, 11, 1))
    assert suggestion.rag is Rag.GREEN
    assert suggestion.explanation == (
        "Change score 100 %, up from 96 %; year to date 98 % (2020/21, weighted by "
        "respondents); target 95 % (Green: at or above target). "
        "Latest round: Oct 2020 survey, 8 respondents."
    )


def test_rules_say_when_a_survey_is_missing_or_has_no_headline_score():
    Survey.objects.filter(key=CHANGE).delete()
    assert kvi_rules.change_suggestion(date(2020, 11, 1)).explanation == (
        kvi_rules.NO_SURVEY.format(key=CHANGE)
    )
    trust = Survey.objects.get(key=TRUST)
    RoundFactory(survey=trust, label="Empty", held_on=date(2020, 11, 2))
    assert kvi_rules.trust_suggestion(date(2020, 11, 1)).explanation == (
        "The Empty round has no Overall trust score."
    )


def test_rules_and_pack_section_are_registered():
    assert {"surveys.trust", "surveys.change"} <= {key for key, _ in registry.rule_choices()}
    section = next(s for s in registry.pack_sections("CoMC") if s.key == "surveys.scores")
    assert (section.title, section.order, section.template_name) == (
        "Survey scores",
        60,
        "surveys/pack/scores.html",
    )


def test_pack_section_renders_the_latest_rounds_without_the_site_layout(seeded):
    context = pack.scores_context(None, date(2020, 11, 1))
    html = render_to_string("surveys/pack/scores.html", context)
    for name, score, change, _ in SEED_TRUST:
        # The pack's one number style: a non-breaking space before the per cent sign.
        nbsp = lambda text: text.replace(" %", "\u00a0%")  # noqa: E731
        assert f"<td>{name}</td>" in html and nbsp(score) in html and nbsp(change) in html
    assert "Year to date (2020/21): <strong>98\u00a0%</strong>" in html
    assert html.count('src="data:image/png;base64,') == 2
    assert "<nav" not in html and "<html" not in html


def test_charts_draw_rounds_against_target(seeded):
    data = trend(TRUST, date(2020, 11, 30)).chart_data()
    assert data["labels"] == ["Jun 2020 survey", "Nov 2020 survey"]
    assert data["series"]["Overall trust"] == [85.2, 90.91]
    assert data["target"] == [95.0, 95.0]
    svg = charts.trend_svg(data)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    png = charts.trend_png(data)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_demo_is_idempotent(seeded):
    counts = (Round.objects.count(), YouSaidWeDid.objects.count())
    demo.load()
    assert (Round.objects.count(), YouSaidWeDid.objects.count()) == counts
    assert Round.objects.get(label="Nov 2020 survey").version == 2


def test_demo_csv_gives_the_seed_scores():
    core_demo.load()  # the customers the responses name
    round_ = Round.objects.create(
        survey=Survey.objects.get(key=TRUST), label="x", held_on=date(2020, 11, 1), target=95
    )
    preview = importers.responses_preview(round=round_, data=demo.november_trust_csv())
    assert [str(s) for s in preview.scores.values()] == ["90.91", "93.94", "87.88", "90.91"]
