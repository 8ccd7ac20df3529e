"""Writes: rounds and their scores, the CSV import of responses, the settings; "You said, we
did" items are written by `surveys.feedback` (re-exported here)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.errors import ApplicationError, StaleVersion
from core.writes import claim_version, stamp_history
from kvis import late
from surveys import importers
from surveys.feedback import FEEDBACK_FIELDS, feedback_create, feedback_update  # noqa: F401
from surveys.importers import ImportPreview
from surveys.models import (
    Answer,
    Category,
    CategoryScore,
    Response,
    Round,
    Survey,
    SurveySettings,
)

HEADLINE_SCORE_NEEDED = "Enter the {category} score: the KVI's RAG follows it."
NO_RESPONDENTS = "A round needs at least one respondent."
CATEGORY_OF_OTHER_SURVEY = "The category {category} belongs to another survey."
ROUND_LABEL_TAKEN = "{survey} already has a round labelled {label!r}: choose another label."
ROUND_DAY_TAKEN = "{survey} already has a round held on {held_on}: one round a day per survey."


def _stamp(obj, user) -> None:
    # simple_history takes the user from the request; services also run from commands.
    if user is not None:
        obj._history_user = user


# ---------------------------------------------------------------------------------------------
# Rounds and their scores


def _set_scores(*, round: Round, scores: Mapping[Category, Decimal | None]) -> None:
    for category, score in scores.items():
        if category.survey_id != round.survey_id:
            raise ApplicationError(CATEGORY_OF_OTHER_SURVEY.format(category=category))
        existing = CategoryScore.objects.filter(round=round, category=category).first()
        if score is None:
            if existing:
                existing.delete()
            continue
        row = existing or CategoryScore(round=round, category=category)
        row.score = score
        row.full_clean()
        row.save()


def _check_headline(survey: Survey, scores: Mapping[Category, Decimal | None]) -> None:
    headline = survey.categories.filter(is_headline=True).first()
    if headline and scores.get(headline) is None:
        raise ApplicationError(HEADLINE_SCORE_NEEDED.format(category=headline.name))


@transaction.atomic
def round_create(
    *,
    survey: Survey,
    label: str,
    held_on: date,
    respondents: int,
    scores: Mapping[Category, Decimal | None],
    target: Decimal | None = None,
    period_start: date | None = None,
    period_end: date | None = None,
    source: str = "",
    user=None,
) -> Round:
    """Record a round with scores entered directly."""
    if respondents < 1:
        raise ApplicationError(NO_RESPONDENTS)
    _check_headline(survey, scores)
    # A round that is already there is a conflict with the data (409), not bad input.
    if Round.objects.filter(survey=survey, label=label).exists():
        raise ApplicationError(
            ROUND_LABEL_TAKEN.format(survey=survey.name, label=label), field="label"
        )
    if Round.objects.filter(survey=survey, held_on=held_on).exists():
        raise ApplicationError(
            ROUND_DAY_TAKEN.format(survey=survey.name, held_on=held_on.isoformat()),
            field="held_on",
        )
    round = Round(
        survey=survey,
        label=label,
        held_on=held_on,
        period_start=period_start,
        period_end=period_end,
        respondents=respondents,
        target=survey.default_target if target is None else target,
        source=source,
        score_source=Round.ScoreSource.ENTERED,
    )
    late.mark_recorded_after_issue(round, held_on)
    round.full_clean()
    stamp_history(round, by=user)
    round.save()
    _set_scores(round=round, scores=scores)
    return round


#: The round's own fields a person edits (its scores are rows of their own).
ROUND_FIELDS = ("label", "held_on", "period_start", "period_end", "respondents", "target", "source")
#: The mark of a round added or corrected after its month was issued (kvis.late).
LATE_FIELDS = ("recorded_after_issue", "recorded_after_issue_at")


def _score_values(round: Round) -> dict[str, Decimal]:
    """The round's stored scores keyed as the round form names its score fields."""
    return {f"score_{s.category_id}": s.score for s in round.scores.all()}


@transaction.atomic
def round_update(
    *,
    round: Round,
    version: int | None,
    label: str,
    held_on: date,
    respondents: int,
    target: Decimal,
    scores: Mapping[Category, Decimal | None],
    period_start: date | None = None,
    period_end: date | None = None,
    source: str = "",
    user=None,
) -> Round:
    """Change a round and its scores; StaleVersion (with the current values and scores) when
    someone saved it since `version`."""
    current = Round.objects.select_related("survey").get(pk=round.pk)
    try:
        claim_version(current, version, shown=ROUND_FIELDS)
    except StaleVersion as stale:
        stale.current.update(_score_values(current))
        raise
    if respondents < 1:
        raise ApplicationError(NO_RESPONDENTS, field="respondents")
    _check_headline(current.survey, scores)
    current.label, current.held_on, current.respondents = label, held_on, respondents
    current.target, current.source = target, source
    current.period_start, current.period_end = period_start, period_end
    current.score_source = Round.ScoreSource.ENTERED
    late.mark_recorded_after_issue(current, held_on)
    current.full_clean()
    stamp_history(current, by=user)
    current.save(update_fields=[*ROUND_FIELDS, "score_source", "version", *LATE_FIELDS])
    _set_scores(round=current, scores=scores)
    return current


# ---------------------------------------------------------------------------------------------
# CSV import of responses (read and checked by surveys.importers)


@transaction.atomic
def round_import_responses(
    *, round: Round, data: bytes | str, dry_run: bool = False, user=None
) -> ImportPreview:
    """Import a CSV of responses into `round`, replacing any earlier ones, and set its scores
    and respondents from them. Imports nothing unless every row is valid (or on a dry run)."""
    round = Round.objects.select_for_update().select_related("survey").get(pk=round.pk)
    preview = importers.responses_preview(round=round, data=data)
    if dry_run or not preview.is_valid:
        return preview
    round.responses.all().delete()
    questions = {q.code: q for q in round.survey.questions.all()}
    for parsed in preview.rows:
        response = Response(
            round=round, respondent=parsed.respondent, organisation=parsed.organisation
        )
        _stamp(response, user)
        response.save()
        bulk_create_with_history(
            [
                Answer(response=response, question=questions[code], value=value)
                for code, value in parsed.answers.items()
            ],
            Answer,
            default_user=user,
        )
    round.respondents = len(preview.rows)
    round.score_source = Round.ScoreSource.IMPORTED
    late.mark_recorded_after_issue(round, round.held_on)
    round.version += 1
    round.full_clean()
    _stamp(round, user)
    round.save()
    _set_scores(round=round, scores=preview.scores)
    preview.imported = True
    return preview


# ---------------------------------------------------------------------------------------------
# Settings


@transaction.atomic
def settings_create(*, amber_tolerance: Decimal, user=None) -> SurveySettings:
    """A new version of the survey settings; earlier versions stay as they were."""
    row = SurveySettings(
        version=SurveySettings.next_version(), amber_tolerance=amber_tolerance, created_by=user
    )
    row.full_clean()
    stamp_history(row, by=user)
    row.save()
    return row
