"""CSV import of survey responses on core.imports: one row per respondent, a `respondent`
column, an optional `organisation` column (name or short name) and one column per question
code; every error named by row and column. `responses_preview` reads and checks, writing
nothing; `services.round_import_responses` writes a valid preview."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core import imports
from core.imports import BadFile, Cells, ImportReport, RowError, decode, read_rows
from core.models import Organisation
from surveys import rules
from surveys.models import Category, Round, Survey

IMPORT_INVALID = "Nothing was imported: the file has {count} error(s)."

ERR_NOT_UTF8 = imports.NOT_UTF8
ERR_EMPTY_FILE = imports.EMPTY_FILE
ERR_NO_ROWS = imports.NO_ROWS
ERR_MISSING_COLUMN = imports.MISSING_COLUMN
ERR_DUPLICATE_COLUMN = imports.DUPLICATE_COLUMN
ERR_EXTRA_FIELDS = imports.EXTRA_FIELDS
ERR_UNKNOWN_QUESTION = "Unknown question: '{column}' is not a question of the {survey}."
ERR_BAD_SCALE = "Bad scale value: '{value}' is not a whole number from {low} to {high}."
ERR_NO_RESPONDENT = "Missing respondent: every row needs one."
ERR_DUPLICATE_RESPONDENT = "Duplicate respondent: '{value}' already answered on row {first}."
ERR_UNKNOWN_ORGANISATION = "Unknown customer: no organisation is named '{value}'."

RESPONDENT = "respondent"
ORGANISATION = "organisation"


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
    report: ImportReport = field(default_factory=lambda: ImportReport(kind="responses"))
    scores: dict[Category, Decimal | None] = field(default_factory=dict)
    replaces: int = 0
    imported: bool = False

    @property
    def errors(self) -> list[RowError]:
        """The first errors by row (core.imports.MAX_ERRORS of them)."""
        return self.report.errors

    @property
    def error_count(self) -> int:
        return self.report.error_count

    @property
    def errors_not_shown(self) -> int:
        return self.report.errors_not_shown

    @property
    def is_valid(self) -> bool:
        return self.report.ok

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


def _read_row(
    cells: Cells,
    *,
    survey: Survey,
    codes: list[str],
    organisations: dict[str, Organisation],
    first_seen: dict[str, int],
) -> ParsedRow:
    respondent = cells.text(RESPONDENT)
    if not respondent:
        cells.error(RESPONDENT, ERR_NO_RESPONDENT)
    elif respondent.casefold() in first_seen:
        first = first_seen[respondent.casefold()]
        cells.error(RESPONDENT, ERR_DUPLICATE_RESPONDENT.format(value=respondent, first=first))
    else:
        first_seen[respondent.casefold()] = cells.number
    org_name = cells.text(ORGANISATION)
    organisation = organisations.get(org_name.casefold()) if org_name else None
    if org_name and organisation is None:
        cells.error(ORGANISATION, ERR_UNKNOWN_ORGANISATION.format(value=org_name))
    answers = {}
    for code in codes:
        value = cells.whole(
            code, low=survey.scale_min, high=survey.scale_max, message=ERR_BAD_SCALE
        )
        if value is not None:
            answers[code] = value
    return ParsedRow(cells.number, respondent, organisation, answers)


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
    try:
        text = decode(data)
    except BadFile as bad:
        preview.report.add(RowError(1, "", str(bad)))
        return preview
    codes = sorted(survey.questions.values_list("code", flat=True))
    rows = read_rows(
        text,
        preview.report,
        required=[RESPONDENT, *codes],
        optional=[ORGANISATION],
        unknown_message=lambda column: ERR_UNKNOWN_QUESTION.format(
            column=column, survey=survey.name
        ),
    )
    organisations = _organisations()
    first_seen: dict[str, int] = {}
    for number, row in rows:
        cells = Cells(number, row)
        parsed = _read_row(
            cells, survey=survey, codes=codes, organisations=organisations, first_seen=first_seen
        )
        preview.report.add_all(cells.errors)
        preview.rows.append(parsed)
    if preview.is_valid:
        preview.scores = responses_scores(survey, preview.rows)
    return preview
