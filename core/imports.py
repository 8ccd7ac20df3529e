"""The one CSV import path: read an upload's rows with header checks, read each row's cells
keeping every bad one, and import all rows or none, with a dry run.

Bounded whatever is uploaded: at most `IMPORT_MAX_ROWS` data rows (setting, default 5,000; a
longer file is one error and is not parsed further), the first `MAX_ERRORS` errors kept plus
their total, a cell over csv's field limit or a line csv cannot read is an error on its row,
and years outside the portal's calendar are refused when a cell is read (so a dry run that
passes never fails the real import). Rows are read one at a time from the decoded text.

Part of the kit in core: it imports no app. Each app's `importers.py` says its columns and
how a row becomes arguments for its service.
"""

from __future__ import annotations

import bisect
import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import zip_longest

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from core import calendar
from core.errors import ApplicationError

DEFAULT_MAX_ROWS = 5_000
MAX_ERRORS = 100

NOT_UTF8 = "The file is not UTF-8 text: save it as 'CSV UTF-8' and try again."
EMPTY_FILE = "The file has no header row."
NO_ROWS = "The file has a header but no data rows."
TOO_MANY_ROWS = (
    "The file has more than {limit:,} data rows: split it into files of {limit:,} or fewer."
)
MISSING_COLUMN = "Missing column: the file has no '{column}' column."
UNKNOWN_COLUMN = "Unknown column: '{column}' is not one of {known}."
DUPLICATE_COLUMN = "The column '{column}' appears more than once."
EXTRA_FIELDS = "The row has more values than the header has columns."
FIELD_TOO_LONG = "A value is longer than {limit:,} characters."
NOT_CSV = "This line is not readable CSV ({problem})."
NEEDED = "A value is needed."
NOT_A_CHOICE = "'{value}' is not one of {choices}."
NOT_A_MOMENT = "'{value}' is not a date and time (YYYY-MM-DD HH:MM, or ISO 8601)."
NOT_A_DATE = "'{value}' is not a date (YYYY-MM-DD)."
NOT_A_NUMBER = "'{value}' is not a number."
NOT_WHOLE = "'{value}' is not a whole number."
NOT_A_MONTH = "'{value}' is not a month: " + calendar.BAD_MONTH
YEAR_OUT_OF_RANGE = "'{value}': " + calendar.OUT_OF_RANGE


def max_rows() -> int:
    """The most data rows one import reads (setting IMPORT_MAX_ROWS)."""
    return getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell of an imported file: the row as a spreadsheet numbers it
    (the header is row 1), the column ('' for the whole row or file) and the message."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class ImportReport:
    """What an import read, found wrong and imported: the first MAX_ERRORS errors and the
    total number of them."""

    kind: str = ""
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    def add(self, error: RowError) -> None:
        """Count an error and keep the MAX_ERRORS first by row (within a row, as found)."""
        self.error_count += 1
        bisect.insort(self.errors, error, key=lambda e: e.row)
        del self.errors[MAX_ERRORS:]

    def only(self, error: RowError) -> None:
        """Make `error` the report's one error: the file as a whole is refused."""
        self.errors, self.error_count, self.rows = [], 0, 0
        self.add(error)

    def add_all(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            self.add(error)


class BadFile(ValueError):
    """An upload that is not text the importer can read; the message says why."""


def decode(data: bytes | str) -> str:
    """An upload as text: UTF-8, with or without Excel's byte order mark."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile(NOT_UTF8) from None


# --- Reading rows ---------------------------------------------------------------------------


def _columns(
    raw: list[str],
    report: ImportReport,
    *,
    required: Iterable[str],
    optional: Iterable[str],
    unknown_message: str | Callable[[str], str] | None,
) -> list[str] | None:
    """The header's names as the importer spells them (matched ignoring case); every missing,
    unknown and repeated column is an error on row 1. None when a required one is missing:
    the rows cannot be read without it (with an unknown one they are, to report them too)."""
    required, known = list(required), [*required, *optional]
    by_fold = {name.casefold(): name for name in known}
    names, seen, errors = [], set(), []
    for cell in raw:
        text = cell.strip()
        name = text if text in known else by_fold.get(text.casefold(), text)
        if name in seen:
            errors.append(RowError(1, name, DUPLICATE_COLUMN.format(column=name)))
        seen.add(name)
        if name not in known and unknown_message is not None:
            if callable(unknown_message):
                message = unknown_message(name)
            else:
                message = unknown_message.format(column=name, known=", ".join(known))
            errors.append(RowError(1, name, message))
        names.append(name)
    missing = [
        RowError(1, column, MISSING_COLUMN.format(column=column))
        for column in required
        if column not in seen
    ]
    report.add_all(errors + missing)
    return None if missing else names


def read_rows(
    text: str,
    report: ImportReport,
    *,
    required: Iterable[str],
    optional: Iterable[str] = (),
    unknown_message: str | Callable[[str], str] | None = UNKNOWN_COLUMN,
    limit: int | None = None,
) -> list[tuple[int, dict[str, str]]]:
    """The data rows of CSV text as (row number, {column: stripped value}), blank rows left
    out; header problems, unreadable lines and extra values are errors on the report (no rows
    when a required column is missing). A file
    with more than `limit` (IMPORT_MAX_ROWS) data rows is one error and no rows: reading
    stops at the first row over. `unknown_message` (a template, or a function of the
    column) says what is wrong with an unknown column; None lets unknown columns through."""
    limit = max_rows() if limit is None else limit
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff")))
    try:
        header = next(reader, None)
    except csv.Error as problem:
        report.only(RowError(1, "", _csv_problem(problem)))
        return []
    if not header or not any(h.strip() for h in header):
        report.add(RowError(1, "", EMPTY_FILE))
        return []
    names = _columns(
        header, report, required=required, optional=optional, unknown_message=unknown_message
    )
    if names is None:
        return []
    rows: list[tuple[int, dict[str, str]]] = []
    number, records = 1, 0
    try:
        for values in reader:
            number += 1
            if not values:
                continue  # an empty line, e.g. at the end of the file
            records += 1
            if records > limit:
                report.only(RowError(number, "", TOO_MANY_ROWS.format(limit=limit)))
                return []
            if not any(v.strip() for v in values):
                continue  # a row of empty cells, as spreadsheets save below the data
            if len(values) > len(names):
                report.add(RowError(number, "", EXTRA_FIELDS))
                continue
            cells = zip_longest(names, values, fillvalue="")  # a short row's last cells are empty
            rows.append((number, {name: value.strip() for name, value in cells}))
    except csv.Error as problem:
        report.only(RowError(number + 1, "", _csv_problem(problem)))
        return []
    report.rows = len(rows)
    if not rows and report.ok:
        report.add(RowError(2, "", NO_ROWS))
    return rows


def _csv_problem(problem: csv.Error) -> str:
    if "field larger than field limit" in str(problem):
        return FIELD_TOO_LONG.format(limit=csv.field_size_limit())
    return NOT_CSV.format(problem=problem)


# --- Reading cells --------------------------------------------------------------------------


class Cells:
    """One row's cells, read by type; every bad cell becomes an error and reads as None, so
    a row reports all its problems at once (`errors`, `ok`)."""

    def __init__(self, number: int, row: dict[str, str]):
        self.number = number
        self.row = row
        self.errors: list[RowError] = []

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, message))

    def text(self, column: str) -> str:
        return self.row.get(column, "")

    def _read(self, column: str, required: bool, parse: Callable[[str], object]):
        value = self.text(column)
        if not value:
            if required:
                self.error(column, NEEDED)
            return None
        try:
            return parse(value)
        except ValueError as bad:
            self.error(column, str(bad))
            return None

    def choice(self, column: str, choices: Iterable[str], *, required: bool = True) -> str | None:
        """One of `choices`, ignoring case; the choice as written in `choices`."""
        choices = list(choices)
        by_fold = {c.casefold(): c for c in choices}

        def parse(value: str) -> str:
            if value.casefold() not in by_fold:
                raise ValueError(NOT_A_CHOICE.format(value=value, choices=", ".join(choices)))
            return by_fold[value.casefold()]

        if required and not self.text(column):
            self.error(column, NOT_A_CHOICE.format(value="", choices=", ".join(choices)))
            return None
        return self._read(column, required, parse)

    def moment(self, column: str, *, required: bool = True) -> datetime | None:
        """ISO 8601, or `YYYY-MM-DD HH:MM` in Europe/London."""
        return self._read(column, required, parse_moment)

    def day(self, column: str, *, required: bool = False) -> date | None:
        """A date, YYYY-MM-DD."""
        return self._read(column, required, parse_day)

    def month(self, column: str, *, required: bool = True) -> date | None:
        """A month, YYYY-MM, as its first day."""
        return self._read(column, required, parse_month)

    def decimal(self, column: str, *, required: bool = False) -> Decimal | None:
        """A number; a trailing % is allowed (percentages are entered as 95 or 95%)."""
        return self._read(column, required, parse_decimal)

    def whole(
        self,
        column: str,
        *,
        required: bool = False,
        low: int = 0,
        high: int = 2**31 - 1,
        message: str = NOT_WHOLE,
    ) -> int | None:
        """A whole number from `low` to `high` (ASCII digits only: '５' is not a number)."""

        def parse(value: str) -> int:
            if not (value.isascii() and value.isdigit()) or not low <= int(value) <= high:
                raise ValueError(message.format(value=value, low=low, high=high))
            return int(value)

        return self._read(column, required, parse)

    def check_model(self, candidate, *, exclude: Iterable[str] = (), column_of=None) -> None:
        """The model's own checks (fields, then the whole record), every one as an error."""
        exclude = list(exclude)
        for check in (lambda: candidate.clean_fields(exclude=exclude), candidate.clean):
            try:
                check()
            except ValidationError as invalid:
                self.errors += validation_errors(self.number, invalid, column_of=column_of)


def _year_in_range(value: str, year: int) -> None:
    if not calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
        raise ValueError(YEAR_OUT_OF_RANGE.format(value=value))


def parse_moment(value: str) -> datetime:
    """An aware datetime from ISO 8601 or a local Europe/London `YYYY-MM-DD HH:MM`."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(NOT_A_MOMENT.format(value=value)) from None
    _year_in_range(value, moment.year)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=calendar.LONDON)
    return moment


def parse_day(value: str) -> date:
    """A date from YYYY-MM-DD, in the portal's years."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(NOT_A_DATE.format(value=value)) from None
    _year_in_range(value, day.year)
    return day


def parse_month(value: str) -> date:
    """A month from YYYY-MM (core.calendar's parser), as its first day."""
    try:
        return calendar.parse_month(value)
    except calendar.BadMonth as bad:
        if str(bad) == calendar.OUT_OF_RANGE:
            raise ValueError(YEAR_OUT_OF_RANGE.format(value=value)) from None
        raise ValueError(NOT_A_MONTH.format(value=value)) from None


def parse_decimal(value: str) -> Decimal:
    """A finite number, with or without a trailing %."""
    try:
        number = Decimal(value.removesuffix("%").strip())
    except InvalidOperation:
        raise ValueError(NOT_A_NUMBER.format(value=value)) from None
    if not number.is_finite():
        raise ValueError(NOT_A_NUMBER.format(value=value))
    return number


def validation_errors(number: int, invalid: ValidationError, *, column_of=None) -> list[RowError]:
    """A model's ValidationError as row errors, by field when it has fields ('' otherwise);
    `column_of` maps a field name (or '__all__') to the file's column."""
    column_of = column_of or (lambda name: "" if name == "__all__" else name)
    if hasattr(invalid, "error_dict"):
        return [
            RowError(number, column_of(name), message)
            for name, messages in invalid.message_dict.items()
            for message in messages
        ]
    return [RowError(number, column_of("__all__"), message) for message in invalid.messages]


# --- Importing ------------------------------------------------------------------------------


class _RowFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


def import_all(
    report: ImportReport,
    rows: list[tuple[int, Callable[[], object]]],
    *,
    dry_run: bool,
    column_of=None,
) -> ImportReport:
    """Write every checked row (`rows`: row number and the call that writes it) in one
    transaction, unless this is a dry run or the report has errors. A row the service
    refuses is an error on the report and nothing is imported."""
    if not report.ok or dry_run:
        return report
    try:
        with transaction.atomic():
            for number, write in rows:
                try:
                    write()
                except ApplicationError as refused:
                    error = RowError(number, refused.field or "", refused.message)
                    raise _RowFailed([error]) from refused
                except ValidationError as invalid:
                    errors = validation_errors(number, invalid, column_of=column_of)
                    raise _RowFailed(errors) from invalid
    except _RowFailed as failed:
        report.add_all(failed.errors)
        return report
    report.imported = len(rows)
    return report
