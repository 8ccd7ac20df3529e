"""Reads: rounds with their scores, a survey's trend as of a day, the feedback log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from core.calendar import add_months, kvi_year_label, kvi_year_start
from kvis.rules import Suggestion
from surveys import rules
from surveys.models import Category, CategoryScore, Round, Survey, SurveySettings, YouSaidWeDid


def current_settings() -> SurveySettings:
    """The latest survey settings version; SettingsMissing when the table is empty (reading
    never writes: version 1 comes from the data migration)."""
    return SurveySettings.current()


def surveys() -> QuerySet[Survey]:
    """Every survey with its categories, in display order."""
    return Survey.objects.prefetch_related("categories")


def survey_by_key(key: str) -> Survey | None:
    """The survey with `key`, or None."""
    return surveys().filter(key=key).first()


def rounds(survey: Survey) -> QuerySet[Round]:
    """A survey's rounds, newest first, with their scores."""
    return (
        Round.objects.of_survey(survey)
        .select_related("survey")
        .prefetch_related(
            Prefetch("scores", queryset=CategoryScore.objects.select_related("category"))
        )
        .order_by("-held_on")
    )


def round_detail(pk: int) -> Round:
    """One round with its survey, categories and scores."""
    return (
        Round.objects.select_related("survey")
        .prefetch_related(
            "survey__categories",
            Prefetch("scores", queryset=CategoryScore.objects.select_related("category")),
        )
        .get(pk=pk)
    )


def feedback() -> QuerySet[YouSaidWeDid]:
    """The "You said, we did" log, newest first, with customer and round."""
    return YouSaidWeDid.objects.select_related("organisation", "round", "round__survey")


def month_end(month: date) -> date:
    """The last day of the month starting on `month`."""
    return add_months(month.replace(day=1), 1) - timedelta(days=1)


@dataclass(frozen=True)
class CategoryRow:
    """One category of one round: its score, the change from the previous round, its RAG."""

    name: str
    is_headline: bool
    score: Decimal | None
    change: rules.Change | None
    rag: Suggestion

    @property
    def score_text(self) -> str:
        return rules.format_percent(self.score) if self.score is not None else "–"


@dataclass(frozen=True)
class RoundRow:
    round: Round
    categories: list[CategoryRow]

    @property
    def headline(self) -> CategoryRow | None:
        return next((c for c in self.categories if c.is_headline), None)

    @property
    def target_text(self) -> str:
        return rules.format_percent(self.round.target)


@dataclass(frozen=True)
class SurveyTrend:
    """A survey as of a day: its rounds (newest first) with changes and RAG, the latest round,
    the KVI-year-to-date headline score weighted by respondents, and the chart series."""

    survey: Survey
    as_of: date
    rounds: list[RoundRow]
    ytd: Decimal | None
    ytd_year: str
    ytd_rounds: int
    ytd_respondents: int
    tolerance: Decimal
    settings_version: int

    @property
    def latest(self) -> RoundRow | None:
        return self.rounds[0] if self.rounds else None

    @property
    def ytd_text(self) -> str:
        return rules.format_percent(self.ytd) if self.ytd is not None else "–"

    @property
    def headline_name(self) -> str:
        headline = next((c for c in self.survey.categories.all() if c.is_headline), None)
        return headline.name if headline else self.survey.name

    def chart_data(self) -> dict:
        """Oldest first: round labels, each category's scores, and the target, as floats."""
        ordered = list(reversed(self.rounds))
        names = [c.name for c in self.survey.categories.all()]
        series = {
            name: [
                float(row.score) if row.score is not None else None
                for rr in ordered
                for row in rr.categories
                if row.name == name
            ]
            for name in names
        }
        return {
            "title": self.survey.name,
            "labels": [rr.round.label for rr in ordered],
            "series": series,
            "headline": self.headline_name,
            "target": [float(rr.round.target) for rr in ordered],
        }


def _category_rows(
    round: Round,
    categories: list[Category],
    previous: dict[int, Decimal],
    tolerance: Decimal,
) -> list[CategoryRow]:
    by_category = {s.category_id: s.score for s in round.scores.all()}
    out = []
    for category in categories:
        score = by_category.get(category.pk)
        change = rules.Change(score, previous.get(category.pk)) if score is not None else None
        rag = rules.survey_rag(score, round.target, amber_tolerance=tolerance)
        out.append(CategoryRow(category.name, category.is_headline, score, change, rag))
    return out


def survey_trend(
    survey: Survey, *, as_of: date, settings: SurveySettings | None = None
) -> SurveyTrend:
    """The survey's rounds held on or before `as_of`, each category against the previous
    round's score, and the year to date of the KVI year of the latest round."""
    settings = settings or current_settings()
    tolerance = settings.amber_tolerance
    categories = list(survey.categories.all())
    headline = next((c for c in categories if c.is_headline), None)
    oldest_first = list(reversed(rounds(survey).held_on_or_before(as_of)))
    previous: dict[int, Decimal] = {}
    rows = []
    for round in oldest_first:
        rows.append(RoundRow(round, _category_rows(round, categories, previous, tolerance)))
        previous.update({s.category_id: s.score for s in round.scores.all()})
    ytd, year_label, ytd_rounds, ytd_respondents = None, "", 0, 0
    if oldest_first and headline:
        year = kvi_year_start(oldest_first[-1].held_on)
        year_label = kvi_year_label(year)
        in_year = [
            (r.respondents, s.score)
            for r in oldest_first
            if kvi_year_start(r.held_on) == year
            for s in r.scores.all()
            if s.category_id == headline.pk
        ]
        ytd = rules.year_to_date(in_year)
        ytd_rounds, ytd_respondents = len(in_year), sum(n for n, _ in in_year)
    return SurveyTrend(
        survey=survey,
        as_of=as_of,
        rounds=list(reversed(rows)),
        ytd=ytd,
        ytd_year=year_label,
        ytd_rounds=ytd_rounds,
        ytd_respondents=ytd_respondents,
        tolerance=tolerance,
        settings_version=settings.version,
    )


def survey_trends(*, as_of: date) -> list[SurveyTrend]:
    """Every survey's trend as of a day."""
    settings = current_settings()
    return [survey_trend(s, as_of=as_of, settings=settings) for s in surveys()]
