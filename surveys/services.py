"""Writes: rounds and their scores, the CSV import of responses, the settings; "You said, we
did" items are written by `surveys.feedback` (re-exported here)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from core.errors import ApplicationError, StaleVersion
from core.models import Organisation
from core.writes import claim_version, stamp_history
from surveys import rules
from surveys.feedback import FEEDBACK_FIELDS, feedback_create, feedback_update  # noqa: F401
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
IMPORT_INVALID = "Nothing was imported: the file has {count} error(s)."

# Import errors: each names the row (the header is row 1) and the column.
ERR_NOT_UTF8 = "The file is not UTF-8 text: save it as 'CSV UTF-8' and try again."
ERR_EMPTY_FILE = "The file has no header row."
ERR_NO_ROWS = "The file has a header but no rows of answers."
ERR_MISSING_COLUMN = "Missing column: the file has no '{column}' column."
ERR_UNKNOWN_QUESTION = "Unknown question: '{column}' is not a question of the {survey}."
ERR_DUPLICATE_COLUMN = "The column '{column}' appears more than once."
ERR_BAD_SCALE = "Bad scale value: '{value}' is not a whole number from {low} to {high}."
ERR_NO_RESPONDENT = "Missing respondent: every row needs one."
ERR_DUPLICATE_RESPONDENT = "Duplicate respondent: '{value}' already answered on row {first}."
ERR_UNKNOWN_ORGANISATION = "Unknown customer: no organisation is named '{value}'."
ERR_EXTRA_FIELDS = "The row has more values than the header has columns."

RESPONDENT = "respondent"
ORGANISATION = "organisation"


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
    stamp_history(round, by=user)
    round.save()
    _set_scores(round=round, scores=scores)
    return round


#: The round's own fields a person edits (its scores are rows of their own).
ROUND_FIELDS = ("label", "held_on", "period_start", "period_end", "respondents", "target", "source")


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
    current.full_clean()
    stamp_history(current, by=user)
    current.save(update_fields=[*ROUND_FIELDS, "score_source", "version"])
    _set_scores(round=current, scores=scores)
    return current


# ---------------------------------------------------------------------------------------------
# CSV import of responses


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell (or the header, row 1) of an imported file."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ParsedRow:
    row: int
    respondent: str
    organisation: Organisation | None
    answers: dict[str, int]


@dataclass
class ImportPreview:
    """What an import would do (or did): the rows read, the errors, the scores they give."""

    round: Round
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    scores: dict[Category, Decimal | None] = field(default_factory=dict)
    replaces: int = 0
    imported: bool = False

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def score_rows(self) -> list[tuple[str, str]]:
        """(category, formatted score) for the preview table."""
        return [
            (c.name, rules.format_percent(s) if s is not None else "no answers")
            for c, s in self.scores.items()
        ]


def _organisations() -> dict[str, Organisation]:
    by_key = {}
    for org in Organisation.objects.all():
        by_key[org.name.casefold()] = org
        if org.short_name:
            by_key[org.short_name.casefold()] = org
    return by_key


def _read_header(
    header: list[str], survey: Survey, codes: set[str], errors: list[RowError]
) -> list[str]:
    header = [h.strip() for h in header]
    seen = set()
    for name in header:
        if name in seen:
            errors.append(RowError(1, name, ERR_DUPLICATE_COLUMN.format(column=name)))
        seen.add(name)
        if name not in codes and name.casefold() not in (RESPONDENT, ORGANISATION):
            errors.append(
                RowError(1, name, ERR_UNKNOWN_QUESTION.format(column=name, survey=survey.name))
            )
    lowered = {h.casefold() for h in header}
    for required in [RESPONDENT, *sorted(codes)]:
        if required not in header and required not in lowered:
            errors.append(RowError(1, required, ERR_MISSING_COLUMN.format(column=required)))
    return header


def _read_row(
    number: int,
    cells: dict[str, str],
    *,
    survey: Survey,
    codes: set[str],
    organisations: dict[str, Organisation],
    first_seen: dict[str, int],
    errors: list[RowError],
) -> ParsedRow:
    respondent = cells.get(RESPONDENT, "").strip()
    if not respondent:
        errors.append(RowError(number, RESPONDENT, ERR_NO_RESPONDENT))
    elif respondent.casefold() in first_seen:
        errors.append(
            RowError(
                number,
                RESPONDENT,
                ERR_DUPLICATE_RESPONDENT.format(
                    value=respondent, first=first_seen[respondent.casefold()]
                ),
            )
        )
    else:
        first_seen[respondent.casefold()] = number
    org_name = cells.get(ORGANISATION, "").strip()
    organisation = organisations.get(org_name.casefold()) if org_name else None
    if org_name and organisation is None:
        errors.append(
            RowError(number, ORGANISATION, ERR_UNKNOWN_ORGANISATION.format(value=org_name))
        )
    answers = {}
    for code in sorted(codes):
        raw = cells.get(code, "").strip()
        if not raw:
            continue  # not answered
        # ASCII digits only: str.isdigit() would take '５' or '²' as numbers.
        if not (raw.isascii() and raw.isdigit()) or not (
            survey.scale_min <= int(raw) <= survey.scale_max
        ):
            errors.append(
                RowError(
                    number,
                    code,
                    ERR_BAD_SCALE.format(value=raw, low=survey.scale_min, high=survey.scale_max),
                )
            )
            continue
        answers[code] = int(raw)
    return ParsedRow(number, respondent, organisation, answers)


def responses_scores(survey: Survey, rows: list[ParsedRow]) -> dict[Category, Decimal | None]:
    """Each category's share of favourable answers; a headline without questions of its own
    counts every answer."""
    questions = list(survey.questions.select_related("category"))
    scores = {}
    for category in survey.categories.all():
        codes = {q.code for q in questions if q.category_id == category.pk}
        if not codes and category.is_headline:
            codes = {q.code for q in questions}
        values = [v for row in rows for code, v in row.answers.items() if code in codes]
        scores[category] = rules.favourable_share(values, survey.favourable_from)
    return scores


def responses_preview(*, round: Round, data: bytes | str) -> ImportPreview:
    """Read a CSV of responses (one row per respondent, one column per question code) and say
    what importing it would do, with every error by row and column. Writes nothing."""
    survey = round.survey
    preview = ImportPreview(round=round, replaces=round.responses.count())
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            preview.errors.append(RowError(1, "", ERR_NOT_UTF8))
            return preview
    reader = csv.reader(io.StringIO(data))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        preview.errors.append(RowError(1, "", ERR_EMPTY_FILE))
        return preview
    codes = set(survey.questions.values_list("code", flat=True))
    header = _read_header(header, survey, codes, preview.errors)
    keys = [h.casefold() if h.casefold() in (RESPONDENT, ORGANISATION) else h for h in header]
    organisations = _organisations()
    first_seen: dict[str, int] = {}
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue  # a blank line, e.g. at the end of the file
        if len(values) > len(keys):
            preview.errors.append(RowError(number, "", ERR_EXTRA_FIELDS))
            continue
        cells = dict(zip(keys, values, strict=False))
        preview.rows.append(
            _read_row(
                number,
                cells,
                survey=survey,
                codes=codes,
                organisations=organisations,
                first_seen=first_seen,
                errors=preview.errors,
            )
        )
    if not preview.rows and not preview.errors:
        preview.errors.append(RowError(2, "", ERR_NO_ROWS))
    if preview.is_valid:
        preview.scores = responses_scores(survey, preview.rows)
    return preview


@transaction.atomic
def round_import_responses(
    *, round: Round, data: bytes | str, dry_run: bool = False, user=None
) -> ImportPreview:
    """Import a CSV of responses into `round`, replacing any earlier ones, and set its scores
    and respondents from them. Imports nothing unless every row is valid (or on a dry run)."""
    round = Round.objects.select_for_update().select_related("survey").get(pk=round.pk)
    preview = responses_preview(round=round, data=data)
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
