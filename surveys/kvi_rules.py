"""The survey rules the KVI app reads through its registry (see SurveysConfig.ready)."""

from __future__ import annotations

from datetime import date

from kvis.rules import Rag, Suggestion
from surveys import rules, selectors
from surveys.standard import CHANGE, TRUST

NO_SURVEY = "No survey with key '{key}' is set up."
NO_ROUND = "No {survey} round was held on or before {day:%d %b %Y}."
NO_HEADLINE_SCORE = "The {label} round has no {category} score."


def _latest(key: str, month: date):
    survey = selectors.survey_by_key(key)
    if survey is None:
        return None, Suggestion(Rag.NOT_REPORTED, NO_SURVEY.format(key=key))
    day = selectors.month_end(month)
    trend = selectors.survey_trend(survey, as_of=day)
    latest = trend.latest
    if latest is None:
        return None, Suggestion(
            Rag.NOT_REPORTED, NO_ROUND.format(survey=survey.name.lower(), day=day)
        )
    headline = latest.headline
    if headline is None or headline.score is None:
        return None, Suggestion(
            Rag.NOT_REPORTED,
            NO_HEADLINE_SCORE.format(label=latest.round.label, category=trend.headline_name),
        )
    return trend, None


def trust_suggestion(month: date) -> Suggestion:
    """Customer relationship: the latest trust round's headline category against its target."""
    trend, missing = _latest(TRUST, month)
    if missing:
        return missing
    headline = trend.latest.headline
    text = rules.headline_explanation(headline.name, headline.change, headline.rag.explanation)
    return Suggestion(headline.rag.rag, f"{text}. Latest round: {trend.latest.round.label}.")


def change_suggestion(month: date) -> Suggestion:
    """Customer engagement in change: the latest change round's score against its target, with
    the KVI-year-to-date score weighted by respondents."""
    trend, missing = _latest(CHANGE, month)
    if missing:
        return missing
    latest = trend.latest
    headline = latest.headline
    ytd = (
        f"year to date {trend.ytd_text} ({trend.ytd_year}, weighted by respondents)"
        if trend.ytd is not None
        else ""
    )
    text = rules.headline_explanation(
        headline.name, headline.change, headline.rag.explanation, extra=ytd
    )
    note = f"Latest round: {latest.round.label}, {latest.round.respondents} respondents."
    return Suggestion(headline.rag.rag, f"{text}. {note}")
