"""CSV import of issues and breaches on core.imports: every row checked, every bad row and
column reported, nothing imported unless all rows are valid.

Moments are ISO 8601 (`2020-11-23T09:30:00+00:00`) or `YYYY-MM-DD HH:MM` in Europe/London;
customers are organisations' short names (or names) separated by `;`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.utils import timezone

from core.imports import Cells, ImportReport, import_all, read_rows
from core.models import Organisation
from issues import rules, services
from issues.models import Breach, Category, IdentifiedBy, Issue, Severity

ISSUE_COLUMNS = ["title", "category", "identified_by", "identified_at", "impact", "financial_level"]
ISSUE_OPTIONAL = ["description", "customers", "mprn_count"]
BREACH_COLUMNS = ["severity", "identified_at", "description"]
BREACH_OPTIONAL = ["customers", "notified_at", "resolved_at", "root_cause", "actions"]
LEVELS = {name.lower(): value for value, name in rules.LEVELS.items()}
UNKNOWN_CUSTOMERS = "unknown customer(s): {names}"


def _level(cells: Cells, column: str) -> int | None:
    name = cells.choice(column, LEVELS)
    return None if name is None else LEVELS[name]


def _customers(cells: Cells, by_name: dict[str, Organisation]) -> list[Organisation]:
    names = [n.strip() for n in cells.text("customers").split(";") if n.strip()]
    unknown = [n for n in names if n.lower() not in by_name]
    if unknown:
        cells.error("customers", UNKNOWN_CUSTOMERS.format(names=", ".join(unknown)))
        return []
    return [by_name[n.lower()] for n in names]


def _organisations() -> dict[str, Organisation]:
    found = {}
    for org in Organisation.objects.all():
        found[org.name.lower()] = org
        if org.short_name:
            found[org.short_name.lower()] = org
    return found


def _run(
    *,
    kind: str,
    text: str,
    columns: tuple[list[str], list[str]],
    parse: Callable[[Cells, dict], tuple[object, dict]],
    create: Callable[..., object],
    dry_run: bool,
    limit: int | None,
) -> ImportReport:
    required, optional = columns
    report = ImportReport(kind=kind)
    rows = read_rows(text, report, required=required, optional=optional, limit=limit)
    organisations = _organisations()
    writes = []
    for number, row in rows:
        cells = Cells(number, row)
        candidate, arguments = parse(cells, organisations)
        if cells.ok:  # the model's checks only on cells that could be read
            cells.check_model(candidate, exclude=["reference", "owner"])
        if not cells.ok:
            report.add_all(cells.errors)
            continue
        writes.append((number, partial(create, **arguments)))
        report.preview.append({"row": number, **{c: row.get(c, "") for c in required}})
    return import_all(report, writes, dry_run=dry_run)


# --- Issues ---------------------------------------------------------------------------------


def issues_import(*, text: str, dry_run: bool, by, limit: int | None = None) -> ImportReport:
    """Import issues (title, category, identified_by, identified_at, impact, financial_level
    [, description, customers, mprn_count]); each is scored and its actions scheduled. At most
    `limit` rows (default: the IMPORT_MAX_ROWS setting)."""

    def parse(cells: Cells, organisations: dict) -> tuple[Issue, dict]:
        title = cells.text("title")
        fields = {
            "title": title,
            # Without a description the title stands in (and is what gets checked).
            "description": cells.text("description") or title or "-",
            "category": cells.choice("category", Category.values),
            "identified_by": cells.choice("identified_by", IdentifiedBy.values),
            "identified_at": cells.moment("identified_at"),
            "mprns_affected": cells.whole("mprn_count") or 0,
        }
        arguments = {
            **fields,
            "owner": by,
            "impact": _level(cells, "impact"),
            "financial": _level(cells, "financial_level"),
            "affected_customers": _customers(cells, organisations),
            "by": by,
        }
        return Issue(**fields, owner=by), arguments

    return _run(
        kind="issues",
        text=text,
        columns=(ISSUE_COLUMNS, ISSUE_OPTIONAL),
        parse=parse,
        create=services.issue_create,
        dry_run=dry_run,
        limit=limit,
    )


# --- Breaches -------------------------------------------------------------------------------


def breaches_import(*, text: str, dry_run: bool, by, limit: int | None = None) -> ImportReport:
    """Import breaches (severity, identified_at, description [, customers, notified_at,
    resolved_at, root_cause, actions]); each gets its clocks. At most `limit` rows (default:
    the IMPORT_MAX_ROWS setting)."""

    def parse(cells: Cells, organisations: dict) -> tuple[Breach, dict]:
        fields = {
            "severity": cells.choice("severity", Severity.values),
            "identified_at": cells.moment("identified_at"),
            "description": cells.text("description"),
            "notified_at": cells.moment("notified_at", required=False),
            "resolved_at": cells.moment("resolved_at", required=False),
            "root_cause": cells.text("root_cause"),
            "actions": cells.text("actions"),
        }
        customers = _customers(cells, organisations)
        candidate = Breach(**fields, owner=by, resolution_due=timezone.now(), policy_version=1)
        return candidate, {**fields, "owner": by, "customers_impacted": customers}

    return _run(
        kind="breaches",
        text=text,
        columns=(BREACH_COLUMNS, BREACH_OPTIONAL),
        parse=parse,
        create=services.breach_create,
        dry_run=dry_run,
        limit=limit,
    )


IMPORTERS = {"issues": issues_import, "breaches": breaches_import}
