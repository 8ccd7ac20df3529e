"""CSV import of issues and breaches: every row checked, every bad row and column reported,
nothing imported unless all rows are valid (the pattern of kvis.importers).

Moments are ISO 8601 (`2020-11-23T09:30:00+00:00`) or `YYYY-MM-DD HH:MM` in Europe/London;
customers are organisations' short names (or names) separated by `;`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.models import Organisation
from issues import rules, services
from issues.models import Breach, Category, IdentifiedBy, Issue, Severity
from kvis.importers import ImportReport, RowError, read_rows

ISSUE_COLUMNS = ["title", "category", "identified_by", "identified_at", "impact", "financial_level"]
ISSUE_OPTIONAL = ["description", "customers", "mprn_count"]
BREACH_COLUMNS = ["severity", "identified_at", "description"]
BREACH_OPTIONAL = ["customers", "notified_at", "resolved_at", "root_cause", "actions"]
LEVELS = {name.lower(): value for value, name in rules.LEVELS.items()}


class _BadCell(ValueError):
    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


class _BadRow(ValueError):
    def __init__(self, cells: list[_BadCell]):
        super().__init__("; ".join(map(str, cells)))
        self.cells = cells


class _Cells:
    """Reads a row's cells, keeping every bad one so the report names them all."""

    def __init__(self, row: dict):
        self.row = row
        self.bad: list[_BadCell] = []

    def __call__(self, read: Callable, *args, **kwargs):
        try:
            return read(self.row, *args, **kwargs)
        except _BadCell as bad:
            self.bad.append(bad)
            return None

    def check(self) -> None:
        if self.bad:
            raise _BadRow(self.bad)


def _choice(row: dict, column: str, choices: list[str]) -> str:
    value = row.get(column, "").strip().lower()
    if value not in choices:
        raise _BadCell(column, f"'{row.get(column, '')}' is not one of {', '.join(choices)}")
    return value


def _moment(row: dict, column: str, *, required: bool) -> datetime | None:
    text = row.get(column, "")
    if not text:
        if required:
            raise _BadCell(column, "a date and time is needed")
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _BadCell(
            column, f"'{text}' is not a date and time (YYYY-MM-DD HH:MM, or ISO 8601)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=rules.LONDON)
    return moment


def _level(row: dict, column: str) -> int:
    return LEVELS[_choice(row, column, list(LEVELS))]


def _whole(row: dict, column: str) -> int:
    text = row.get(column, "") or "0"
    if not text.isdigit():
        raise _BadCell(column, f"'{text}' is not a whole number")
    return int(text)


def _customers(row: dict, by_name: dict[str, Organisation]) -> list[Organisation]:
    names = [n.strip() for n in row.get("customers", "").split(";") if n.strip()]
    unknown = [n for n in names if n.lower() not in by_name]
    if unknown:
        raise _BadCell("customers", f"unknown customer(s): {', '.join(unknown)}")
    return [by_name[n.lower()] for n in names]


def _organisations() -> dict[str, Organisation]:
    found = {}
    for org in Organisation.objects.all():
        found[org.name.lower()] = org
        if org.short_name:
            found[org.short_name.lower()] = org
    return found


def _model_errors(candidate, number: int, exclude: list[str]) -> list[RowError]:
    """The model's own checks (field and whole-record), all of them, as row errors."""
    errors = []
    for check in (lambda: candidate.clean_fields(exclude=exclude), candidate.clean):
        try:
            check()
        except ValidationError as exc:
            errors += [
                RowError(number, "-" if column == "__all__" else column, message)
                for column, messages in exc.message_dict.items()
                for message in messages
            ]
    return errors


def _run(
    *,
    kind: str,
    text: str,
    required: list[str],
    parse: Callable[[dict, dict], tuple[object, dict]],
    create: Callable[..., object],
    dry_run: bool,
    exclude: list[str],
) -> ImportReport:
    report = ImportReport(kind=kind)
    rows = read_rows(text, required, report)
    organisations = _organisations()
    parsed = []
    for number, row in enumerate(rows, start=2):
        try:
            candidate, arguments = parse(row, organisations)
        except _BadRow as bad:
            report.errors.extend(RowError(number, c.column, str(c)) for c in bad.cells)
            continue
        errors = _model_errors(candidate, number, exclude)
        if errors:
            report.errors.extend(errors)
            continue
        parsed.append((number, arguments))
        report.preview.append({"row": number, **{c: row.get(c, "") for c in required}})
    if report.ok and not dry_run:
        try:
            with transaction.atomic():
                for number, arguments in parsed:
                    _create_row(create, number, arguments)
        except _RowFailed as failed:
            report.errors.append(failed.error)
            return report
        report.imported = len(parsed)
    return report


class _RowFailed(Exception):
    def __init__(self, error: RowError):
        super().__init__(str(error))
        self.error = error


def _create_row(create, number: int, arguments: dict) -> None:
    try:
        create(**arguments)
    except services.ApplicationError as exc:
        raise _RowFailed(RowError(number, "-", str(exc))) from exc
    except ValidationError as exc:
        column, messages = next(iter(exc.message_dict.items()))
        raise _RowFailed(RowError(number, column, messages[0])) from exc


# --- Issues ---------------------------------------------------------------------------------


def issues_import(*, text: str, dry_run: bool, by) -> ImportReport:
    """Import issues (title, category, identified_by, identified_at, impact, financial_level
    [, description, customers, mprn_count]); each is scored and its actions scheduled."""

    def parse(row: dict, organisations: dict) -> tuple[Issue, dict]:
        cell = _Cells(row)
        category = cell(_choice, "category", Category.values)
        identified_by = cell(_choice, "identified_by", IdentifiedBy.values)
        identified_at = cell(_moment, "identified_at", required=True)
        impact = cell(_level, "impact")
        financial = cell(_level, "financial_level")
        customers = cell(_customers, organisations)
        mprns = cell(_whole, "mprn_count")
        cell.check()
        fields = {
            "title": row.get("title", ""),
            # Without a description the title stands in (and is what gets checked).
            "description": row.get("description", "") or row.get("title", "") or "-",
            "category": category,
            "identified_by": identified_by,
            "identified_at": identified_at,
            "mprns_affected": mprns,
        }
        arguments = {
            **fields,
            "owner": by,
            "affected_customers": customers,
            "impact": impact,
            "financial": financial,
            "by": by,
        }
        return Issue(**fields, owner=by), arguments

    return _run(
        kind="issues",
        text=text,
        required=ISSUE_COLUMNS,
        parse=parse,
        create=services.issue_create,
        dry_run=dry_run,
        exclude=["reference", "owner"],
    )


# --- Breaches -------------------------------------------------------------------------------


def breaches_import(*, text: str, dry_run: bool, by) -> ImportReport:
    """Import breaches (severity, identified_at, description [, customers, notified_at,
    resolved_at, root_cause, actions]); each gets its clocks."""

    def parse(row: dict, organisations: dict) -> tuple[Breach, dict]:
        cell = _Cells(row)
        fields = {
            "severity": cell(_choice, "severity", Severity.values),
            "identified_at": cell(_moment, "identified_at", required=True),
            "description": row.get("description", ""),
            "notified_at": cell(_moment, "notified_at", required=False),
            "resolved_at": cell(_moment, "resolved_at", required=False),
            "root_cause": row.get("root_cause", ""),
            "actions": row.get("actions", ""),
        }
        customers = cell(_customers, organisations)
        cell.check()
        candidate = Breach(**fields, owner=by, resolution_due=timezone.now(), policy_version=1)
        return candidate, {**fields, "owner": by, "customers_impacted": customers}

    return _run(
        kind="breaches",
        text=text,
        required=BREACH_COLUMNS,
        parse=parse,
        create=services.breach_create,
        dry_run=dry_run,
        exclude=["reference", "owner"],
    )


IMPORTERS = {"issues": issues_import, "breaches": breaches_import}
