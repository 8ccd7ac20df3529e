"""CSV import of measures and measure results on core.imports: validate every row, import all
or nothing."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import ValidationError

from core.imports import Cells, ImportReport, import_all, parse_day, parse_decimal, read_rows
from kvis import services
from kvis.models import (
    KVI,
    Direction,
    Frequency,
    KVILock,
    Measure,
    MeasureKind,
    MeasureResult,
    ReportingPeriod,
)

RESULT_COLUMNS = ["kvi", "measure", "month", "actual"]
RESULT_OPTIONAL = ["met_on", "note"]
MEASURE_COLUMNS = ["kvi", "name", "kind", "target"]
MEASURE_OPTIONAL = ["direction", "frequency", "owner", "purpose", "formula", "source_of_data"]

NO_MEASURE = "no measure '{measure}' on KVI '{kvi}'"
NO_KVI = "no KVI with code '{kvi}'"
MONTH_LOCKED = "{month:%B %Y} is locked"
NOT_BY_HAND = "this measure's result is not entered by hand"
SAME_AS_ROW = "the same {what} as row {row}"
MEASURE_EXISTS = "this KVI already has a measure of that name"
TARGET_MISFIT = "'{target}' does not fit a {kind} target"


def _outside(kvi: KVI, month) -> str | None:
    """Why the KVI does not report `month`, or None."""
    try:
        services.ensure_reporting_month(kvi, month)
    except ValidationError as exc:
        return exc.message_dict["month"][0]
    return None


def results_import(*, text: str, dry_run: bool, by=None) -> ImportReport:
    """Import measure results (kvi, measure, month YYYY-MM, actual[, met_on, note])."""
    report = ImportReport(kind="results")
    rows = read_rows(text, report, required=RESULT_COLUMNS, optional=RESULT_OPTIONAL)
    measures = {(m.kvi.code, m.name): m for m in Measure.objects.select_related("kvi")}
    codes = set(KVI.objects.values_list("code", flat=True))
    locked = set(
        ReportingPeriod.objects.filter(locked_at__isnull=False).values_list("month", flat=True)
    )
    locked_kvis = set(KVILock.objects.values_list("kvi_id", "month"))
    seen: dict[tuple, int] = {}
    writes = []
    for number, row in rows:
        cells = Cells(number, row)
        measure = measures.get((row["kvi"], row["measure"]))
        if measure is None:
            column = "kvi" if row["kvi"] not in codes else "measure"
            cells.error(column, NO_MEASURE.format(measure=row["measure"], kvi=row["kvi"]))
        elif measure.kind in (MeasureKind.REGISTER, MeasureKind.NARRATIVE):
            cells.error("measure", NOT_BY_HAND)
        month = cells.month("month")
        if month and measure and (outside := _outside(measure.kvi, month)):
            cells.error("month", outside)
        elif month in locked or (measure and (measure.kvi_id, month) in locked_kvis):
            cells.error("month", MONTH_LOCKED.format(month=month))
        actual = cells.decimal("actual")
        met_on = cells.day("met_on")
        if cells.ok:
            key = (measure.id, month)
            if key in seen:
                cells.error("month", SAME_AS_ROW.format(what="measure and month", row=seen[key]))
            seen[key] = number
        if cells.ok:
            candidate = MeasureResult(measure=measure, month=month, actual=actual, met_on=met_on)
            cells.check_model(
                candidate,
                exclude=["measure"],
                column_of=lambda name: "actual" if name == "__all__" else name,
            )
        if not cells.ok:
            report.add_all(cells.errors)
            continue
        writes.append(
            (
                number,
                partial(
                    services.result_save,
                    measure=measure,
                    month=month,
                    actual=actual,
                    met_on=met_on,
                    note=row.get("note", ""),
                    source=MeasureResult.Source.IMPORTED,
                    by=by,
                ),
            )
        )
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
    return import_all(report, writes, dry_run=dry_run)


def _target_column(name: str) -> str:
    return "target" if name.startswith("target") or name == "rule_key" else name


def _measure_target(cells: Cells, kind: str, target: str) -> dict:
    try:
        if kind == MeasureKind.MILESTONE:
            return {"target_date": parse_day(target) if target else None}
        if kind == MeasureKind.REGISTER:
            return {"rule_key": target}
        return {"target_value": parse_decimal(target) if target else None}
    except ValueError:
        cells.error("target", TARGET_MISFIT.format(target=target, kind=kind))
        return {}


def _save_measure(measure: Measure, by) -> None:
    measure._history_user = by
    measure.full_clean()
    measure.save()


def measures_import(*, text: str, dry_run: bool, by=None) -> ImportReport:
    """Import measure cards (kvi, name, kind, target[, direction, frequency, owner, ...])."""
    report = ImportReport(kind="measures")
    rows = read_rows(text, report, required=MEASURE_COLUMNS, optional=MEASURE_OPTIONAL)
    kvis = {k.code: k for k in KVI.objects.all()}
    existing = set(Measure.objects.values_list("kvi__code", "name"))
    seen: dict[tuple, int] = {}
    writes = []
    for number, row in rows:
        cells = Cells(number, row)
        kvi = kvis.get(row["kvi"])
        if kvi is None:
            cells.error("kvi", NO_KVI.format(kvi=row["kvi"]))
        kind = cells.choice("kind", MeasureKind.values)
        key = (row["kvi"], row["name"])
        if key in existing:
            cells.error("name", MEASURE_EXISTS)
        elif key in seen:
            cells.error("name", SAME_AS_ROW.format(what="KVI and name", row=seen[key]))
        seen.setdefault(key, number)
        fields = {"kvi": kvi, "name": row["name"], "kind": kind}
        if row.get("direction"):
            fields["direction"] = cells.choice("direction", Direction.values)
        if row.get("frequency"):
            fields["frequency"] = cells.choice("frequency", Frequency.values)
        for optional in ("owner", "purpose", "formula", "source_of_data"):
            if row.get(optional):
                fields[optional] = row[optional]
        if kind is not None:
            fields |= _measure_target(cells, kind, row["target"])
        if cells.ok:
            measure = Measure(**fields)
            cells.check_model(measure, exclude=["kvi"], column_of=_target_column)
        if not cells.ok:
            report.add_all(cells.errors)
            continue
        writes.append((number, partial(_save_measure, measure, by)))
        report.preview.append(
            {
                "row": number,
                "kvi": row["kvi"],
                "name": row["name"],
                "kind": kind,
                "target": row["target"],
            }
        )
    return import_all(report, writes, dry_run=dry_run, column_of=_target_column)
