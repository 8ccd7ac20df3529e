"""CSV import of measures and measure results: validate every row, import all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from kvis import services
from kvis.models import KVI, Direction, Frequency, Measure, MeasureKind, MeasureResult

RESULT_COLUMNS = ["kvi", "measure", "month", "actual"]
RESULT_OPTIONAL = ["met_on", "note"]
MEASURE_COLUMNS = ["kvi", "name", "kind", "target"]
MEASURE_OPTIONAL = ["direction", "frequency", "owner", "purpose", "formula", "source_of_data"]


@dataclass
class RowError:
    row: int  # 1 is the header; data rows start at 2, as a spreadsheet numbers them
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0
    preview: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_rows(text: str, required: list[str], report: ImportReport) -> list[dict]:
    """Parse CSV text into stripped row dicts; a missing required column is reported as an
    error on row 1 and no rows are returned."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in required if c not in header]
    for column in missing:
        report.errors.append(RowError(1, column, "required column is missing from the header"))
    if missing:
        return []
    rows = [{k: (v or "").strip() for k, v in row.items() if k} for row in reader]
    report.rows = len(rows)
    if not rows:
        report.errors.append(RowError(2, "-", "the file has no data rows"))
    return rows


def _month(value: str) -> date:
    return datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 - a calendar month


def _decimal(value: str) -> Decimal | None:
    if value == "":
        return None
    try:
        return Decimal(value.rstrip("%"))
    except InvalidOperation:
        raise ValueError(f"'{value}' is not a number") from None


def results_import(*, text: str, dry_run: bool, by=None) -> ImportReport:
    """Import measure results (kvi, measure, month YYYY-MM, actual[, met_on, note])."""
    report = ImportReport(kind="results")
    rows = read_rows(text, RESULT_COLUMNS, report)
    measures = {(m.kvi.code, m.name): m for m in Measure.objects.select_related("kvi")}
    locked = {p for p in _locked_months()}
    seen: dict[tuple, int] = {}
    parsed = []
    for number, row in enumerate(rows, start=2):
        measure = measures.get((row["kvi"], row["measure"]))
        if measure is None:
            column = "kvi" if not KVI.objects.filter(code=row["kvi"]).exists() else "measure"
            report.errors.append(
                RowError(number, column, f"no measure '{row['measure']}' on KVI '{row['kvi']}'")
            )
            continue
        try:
            month = _month(row["month"])
        except ValueError:
            report.errors.append(RowError(number, "month", f"'{row['month']}' is not YYYY-MM"))
            continue
        if month in locked:
            report.errors.append(RowError(number, "month", f"{month:%B %Y} is locked"))
        if measure.kind in (MeasureKind.REGISTER, MeasureKind.NARRATIVE):
            report.errors.append(
                RowError(number, "measure", "this measure's result is not entered by hand")
            )
            continue
        try:
            actual = _decimal(row["actual"])
        except ValueError as exc:
            report.errors.append(RowError(number, "actual", str(exc)))
            continue
        met_on = None
        if row.get("met_on"):
            try:
                met_on = date.fromisoformat(row["met_on"])
            except ValueError:
                report.errors.append(
                    RowError(number, "met_on", f"'{row['met_on']}' is not YYYY-MM-DD")
                )
                continue
        key = (measure.id, month)
        if key in seen:
            report.errors.append(
                RowError(number, "month", f"the same measure and month as row {seen[key]}")
            )
            continue
        seen[key] = number
        candidate = MeasureResult(measure=measure, month=month, actual=actual, met_on=met_on)
        try:
            candidate.clean_fields(exclude=["measure"])
            candidate.clean()
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                name = "actual" if column == "__all__" else column
                report.errors.extend(RowError(number, name, m) for m in messages)
            continue
        parsed.append((measure, month, actual, met_on, row.get("note", "")))
        report.preview.append(
            {
                "row": number,
                "kvi": row["kvi"],
                "measure": measure.name,
                "month": row["month"],
                "actual": row["actual"],
                "met_on": row.get("met_on", ""),
            }
        )
    if report.ok and not dry_run:
        with transaction.atomic():
            for measure, month, actual, met_on, note in parsed:
                services.result_save(
                    measure=measure,
                    month=month,
                    actual=actual,
                    met_on=met_on,
                    note=note,
                    source=MeasureResult.Source.IMPORTED,
                    by=by,
                )
        report.imported = len(parsed)
    return report


def measures_import(*, text: str, dry_run: bool, by=None) -> ImportReport:
    """Import measure cards (kvi, name, kind, target[, direction, frequency, owner, ...])."""
    report = ImportReport(kind="measures")
    rows = read_rows(text, MEASURE_COLUMNS, report)
    kvis = {k.code: k for k in KVI.objects.all()}
    existing = set(Measure.objects.values_list("kvi__code", "name"))
    seen: dict[tuple, int] = {}
    parsed = []
    for number, row in enumerate(rows, start=2):
        kvi = kvis.get(row["kvi"])
        if kvi is None:
            report.errors.append(RowError(number, "kvi", f"no KVI with code '{row['kvi']}'"))
            continue
        if row["kind"] not in MeasureKind.values:
            report.errors.append(
                RowError(
                    number, "kind", f"'{row['kind']}' is not one of {', '.join(MeasureKind.values)}"
                )
            )
            continue
        key = (row["kvi"], row["name"])
        if key in existing:
            report.errors.append(
                RowError(number, "name", "this KVI already has a measure of that name")
            )
            continue
        if key in seen:
            report.errors.append(
                RowError(number, "name", f"the same KVI and name as row {seen[key]}")
            )
            continue
        seen[key] = number
        fields = {"kvi": kvi, "name": row["name"], "kind": row["kind"]}
        if row.get("direction"):
            if row["direction"] not in Direction.values:
                report.errors.append(RowError(number, "direction", "use 'higher' or 'lower'"))
                continue
            fields["direction"] = row["direction"]
        if row.get("frequency"):
            if row["frequency"] not in Frequency.values:
                report.errors.append(
                    RowError(number, "frequency", f"use one of {', '.join(Frequency.values)}")
                )
                continue
            fields["frequency"] = row["frequency"]
        for optional in ("owner", "purpose", "formula", "source_of_data"):
            if row.get(optional):
                fields[optional] = row[optional]
        target = row["target"]
        try:
            if row["kind"] == MeasureKind.MILESTONE:
                fields["target_date"] = date.fromisoformat(target) if target else None
            elif row["kind"] == MeasureKind.REGISTER:
                fields["rule_key"] = target
            else:
                fields["target_value"] = _decimal(target)
        except ValueError:
            report.errors.append(
                RowError(number, "target", f"'{target}' does not fit a {row['kind']} target")
            )
            continue
        measure = Measure(**fields)
        try:
            measure.full_clean(exclude=["kvi"])
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                name = "target" if column.startswith("target") or column == "rule_key" else column
                report.errors.extend(RowError(number, name, m) for m in messages)
            continue
        parsed.append(measure)
        report.preview.append(
            {
                "row": number,
                "kvi": row["kvi"],
                "name": row["name"],
                "kind": row["kind"],
                "target": target,
            }
        )
    if report.ok and not dry_run:
        with transaction.atomic():
            for measure in parsed:
                measure._history_user = by
                measure.save()
        report.imported = len(parsed)
    return report


def _locked_months() -> list[date]:
    from kvis.models import ReportingPeriod

    return list(
        ReportingPeriod.objects.filter(locked_at__isnull=False).values_list("month", flat=True)
    )
