"""Writes: rounds and their scores, the CSV import of responses, "You said, we did" items."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.errors import ApplicationError
from core.models import Organisation
from surveys import importers
from surveys.importers import ImportPreview
from surveys.models import (
    Answer,
    Category,
    CategoryScore,
    Response,
    Round,
    Survey,
    SurveySettings,
    YouSaidWeDid,
)

CONFLICT = (
    "Someone else saved this record while you were editing it. Reload the page to see their "
    "changes, then make yours again."
)
HEADLINE_SCORE_NEEDED = "Enter the {category} score: the KVI's RAG follows it."
NO_RESPONDENTS = "A round needs at least one respondent."
CATEGORY_OF_OTHER_SURVEY = "The category {category} belongs to another survey."


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
    round.full_clean()
    _stamp(round, user)
    round.save()
    _set_scores(round=round, scores=scores)
    return round


@transaction.atomic
def round_update(
    *,
    round: Round,
    expected_version: int,
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
    """Change a round and its scores; refused when someone saved it since `expected_version`."""
    current = Round.objects.select_for_update().get(pk=round.pk)
    if current.version != expected_version:
        raise ApplicationError(CONFLICT)
    if respondents < 1:
        raise ApplicationError(NO_RESPONDENTS)
    _check_headline(current.survey, scores)
    current.label, current.held_on, current.respondents = label, held_on, respondents
    current.target, current.source = target, source
    current.period_start, current.period_end = period_start, period_end
    current.score_source = Round.ScoreSource.ENTERED
    current.version += 1
    current.full_clean()
    _stamp(current, user)
    current.save()
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
    round.version += 1
    round.full_clean()
    _stamp(round, user)
    round.save()
    _set_scores(round=round, scores=preview.scores)
    preview.imported = True
    return preview


# ---------------------------------------------------------------------------------------------
# "You said, we did"


FEEDBACK_FIELDS = (
    "raised_on",
    "source",
    "round",
    "organisation",
    "you_said",
    "we_did",
    "owner",
    "status",
    "outcome",
)


@transaction.atomic
def feedback_create(
    *,
    raised_on: date,
    you_said: str,
    owner: str,
    source: str = YouSaidWeDid.Source.SURVEY,
    round: Round | None = None,
    organisation: Organisation | None = None,
    we_did: str = "",
    status: str = "open",
    outcome: str = "",
    user=None,
) -> YouSaidWeDid:
    """Log a piece of customer feedback and (when known) what was done about it."""
    item = YouSaidWeDid(
        raised_on=raised_on,
        source=source,
        round=round,
        organisation=organisation,
        you_said=you_said,
        we_did=we_did,
        owner=owner,
        status=status,
        outcome=outcome,
    )
    item.full_clean()
    _stamp(item, user)
    item.save()
    return item


@transaction.atomic
def feedback_update(
    *, item: YouSaidWeDid, expected_version: int, user=None, **changes
) -> YouSaidWeDid:
    """Change a feedback item; refused when someone saved it since `expected_version`."""
    current = YouSaidWeDid.objects.select_for_update().get(pk=item.pk)
    if current.version != expected_version:
        raise ApplicationError(CONFLICT)
    for name, value in changes.items():
        if name not in FEEDBACK_FIELDS:
            raise TypeError(f"feedback_update() got an unexpected field {name!r}")
        setattr(current, name, value)
    current.version += 1
    current.full_clean()
    _stamp(current, user)
    current.save()
    return current


# ---------------------------------------------------------------------------------------------
# Settings


@transaction.atomic
def settings_create(*, amber_tolerance: Decimal, user=None) -> SurveySettings:
    """A new version of the survey settings; earlier versions stay as they were."""
    latest = SurveySettings.objects.select_for_update().order_by("-version").first()
    row = SurveySettings(
        version=(latest.version + 1) if latest else 1,
        amber_tolerance=amber_tolerance,
        created_by=user,
    )
    row.full_clean()
    _stamp(row, user)
    row.save()
    return row
