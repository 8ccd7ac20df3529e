"""Reads for the KVI pages: each returns data already joined for its page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Max, Prefetch, QuerySet

from core.calendar import first_of_month, kvi_year_months, localdate, months_ending
from kvis import registry
from kvis.models import (
    KVI,
    KVILock,
    KVIUpdate,
    Measure,
    MeasureKind,
    MeasureResult,
    RagSettings,
    ReportingCycle,
    ReportingPeriod,
    UpdateStatus,
)
from kvis.rules import (
    Rag,
    Suggestion,
    count_rag,
    milestone_rag,
    pace_rag,
    percentage_rag,
    score_rag,
    worst,
)


def rag_settings_current() -> RagSettings:
    """The RAG settings version in force; SettingsMissing when the data migration has not run.
    Only reads: a page never writes a settings row."""
    return RagSettings.current()


def period_for(month: date) -> ReportingPeriod | None:
    """The reporting period row for `month`, if it has one (only locked months need one)."""
    return ReportingPeriod.objects.filter(month=month).first()


def locked_months(months: list[date], committee=None) -> set[date]:
    """Which of `months` are locked: by hand for every KVI, or for some KVI (of `committee`,
    when given) by an issued pack."""
    by_hand = ReportingPeriod.objects.filter(month__in=months, locked_at__isnull=False)
    by_pack = KVILock.objects.filter(month__in=months)
    if committee is not None:
        by_pack = by_pack.filter(kvi__committees=committee)
    return set(by_hand.values_list("month", flat=True)) | set(
        by_pack.values_list("month", flat=True)
    )


def cycles_in(months: list[date], committee=None) -> list[ReportingCycle]:
    """The reporting cycles of `months` that have started (of `committee`, when given)."""
    qs = ReportingCycle.objects.filter(month__in=months).select_related("committee")
    return list(qs.filter(committee=committee) if committee is not None else qs)


def update_locks(kvi: KVI) -> tuple[set[date], dict[date, int]]:
    """The KVI's locked months: those locked by hand for every KVI, and the issued pack id
    that locked each of its own months."""
    by_hand = set(
        ReportingPeriod.objects.filter(locked_at__isnull=False).values_list("month", flat=True)
    )
    return by_hand, dict(kvi.locks.values_list("month", "pack_id"))


def latest_reported_month() -> date | None:
    """The most recent month that has any KVI update."""
    return KVIUpdate.objects.aggregate(m=Max("month"))["m"]


def latest_approved_month() -> date | None:
    """The most recent month, up to the current one, that has an approved update."""
    current = first_of_month(localdate())
    return (
        KVIUpdate.objects.current()
        .approved()
        .filter(month__lte=current)
        .aggregate(m=Max("month"))["m"]
    )


def kvis_for_listing(committee=None) -> QuerySet[KVI]:
    """KVIs with their committees, optionally only those reporting to `committee`."""
    qs = KVI.objects.prefetch_related("committees").select_related("owner")
    return qs.for_committee(committee) if committee else qs


@dataclass(frozen=True)
class GridUpdate:
    """What a dashboard cell shows of a month's update (read with values_list: 720 model
    instances cost more than the rest of the page)."""

    reported_rag: str
    status: str
    corrected_after_issue: bool

    def get_status_display(self) -> str:
        return UpdateStatus(self.status).label


@dataclass(frozen=True)
class DashboardCell:
    month: date
    update: GridUpdate | None

    @property
    def rag(self) -> Rag:
        return Rag(self.update.reported_rag) if self.update else Rag.NOT_REPORTED


@dataclass(frozen=True)
class DashboardRow:
    kvi: KVI
    cells: list[DashboardCell]


def dashboard(*, months: list[date], committee=None) -> list[DashboardRow]:
    """KVIs × months with each month's current update. Two queries whatever the size."""
    kvis = KVI.objects.active_between(months[0], months[-1]).order_by("display_order", "code")
    kvis = kvis.only("id", "code", "title")
    kvis = list(kvis.for_committee(committee) if committee else kvis)
    updates = KVIUpdate.objects.current().in_months(months).filter(kvi__in=[k.id for k in kvis])
    fields = ("kvi_id", "month", "reported_rag", "status", "corrected_after_issue")
    by_key = {
        (kvi_id, month): GridUpdate(rag, status, corrected)
        for kvi_id, month, rag, status, corrected in updates.order_by().values_list(*fields)
    }
    return [
        DashboardRow(kvi=k, cells=[DashboardCell(m, by_key.get((k.id, m))) for m in months])
        for k in kvis
    ]


def dashboard_key(*, months: list[date], committee=None) -> str:
    """A key for the cached dashboard grid that changes on every write the grid shows: an
    update saved or added (updated_at, count) and a KVI changed (its history). Two cheap
    aggregates, the same in every web process, so a write invalidates every process' copy."""
    updates = KVIUpdate.objects.aggregate(at=Max("updated_at"), n=Count("id"))
    kvis = KVI.history.aggregate(at=Max("history_date"), n=Count("history_id"))
    stamp = f"{updates['at']}:{updates['n']}:{kvis['at']}:{kvis['n']}"
    return f"{committee.pk if committee else 'all'}:{months[0]}:{months[-1]}:{stamp}"


def dashboard_months(*, kvi_year: int | None, end: date | None) -> list[date]:
    """The dashboard's twelve months: a KVI year, or the twelve months ending at `end` (by
    default the latest month with approved data)."""
    if kvi_year is not None:
        return kvi_year_months(kvi_year)
    end = end or latest_approved_month() or first_of_month(localdate())
    return months_ending(end, 12)


def kvi_detail(code: str) -> KVI:
    """A KVI with commitments, measures (with results) and committees."""
    return (
        KVI.objects.select_related("owner")
        .prefetch_related(
            "committees",
            "commitments",
            Prefetch("measures", queryset=Measure.objects.prefetch_related("results")),
        )
        .get(code=code)
    )


def kvi_updates(kvi: KVI) -> QuerySet[KVIUpdate]:
    """Every update of a KVI, all revisions, newest month first."""
    return kvi.updates.select_related("submitted_by", "approved_by", "created_by").order_by(
        "-month", "-revision"
    )


def current_update(kvi: KVI, month: date) -> KVIUpdate | None:
    """The current revision of a KVI's update for `month`."""
    return (
        KVIUpdate.objects.select_related("kvi", "submitted_by", "approved_by")
        .filter(kvi=kvi, month=month, is_current=True)
        .first()
    )


def approval_queue() -> QuerySet[KVIUpdate]:
    """Submitted updates awaiting approval, oldest month first."""
    return (
        KVIUpdate.objects.current()
        .filter(status=UpdateStatus.SUBMITTED)
        .select_related("kvi", "submitted_by")
        .order_by("month", "kvi__display_order", "kvi__code")
    )


def results_by_measure(kvi: KVI, month: date) -> dict[int, MeasureResult]:
    """The month's results of a KVI's measures, keyed by measure id."""
    return {r.measure_id: r for r in MeasureResult.objects.filter(measure__kvi=kvi, month=month)}


def measure_suggestion(
    measure: Measure,
    month: date,
    result: MeasureResult | None,
    settings: RagSettings,
) -> Suggestion:
    """The rule for this measure's kind applied to its result for `month`."""
    actual = result.actual if result else None
    match measure.kind:
        case MeasureKind.PERCENTAGE:
            return percentage_rag(
                actual,
                measure.target_value,
                higher_is_better=measure.higher_is_better,
                amber_tolerance=settings.percentage_amber_tolerance,
            )
        case MeasureKind.COUNT:
            return count_rag(
                actual,
                measure.target_value,
                higher_is_better=measure.higher_is_better,
                amber_tolerance=settings.count_amber_tolerance,
            )
        case MeasureKind.SCORE:
            return score_rag(
                actual,
                green_from=settings.score_green_from,
                amber_from=settings.score_amber_from,
                exceeded_from=settings.score_exceeded_from,
            )
        case MeasureKind.MILESTONE:
            return milestone_rag(
                measure.target_date,
                result.met_on if result else None,
                as_of=_month_end(month),
                warning_days=settings.milestone_warning_days,
            )
        case MeasureKind.PACE:
            return pace_rag(None if actual is None else int(actual), month)
        case MeasureKind.REGISTER:
            registered = registry.rule(measure.rule_key)
            if registered is None:
                return Suggestion(
                    Rag.NOT_REPORTED, f"No installed register provides the rule {measure.rule_key}."
                )
            return registered.provider(month)
    return Suggestion(Rag.NOT_REPORTED, f"{measure.name}: no target to compare with.")


def kvi_suggestion(
    kvi: KVI, month: date, results: dict[int, MeasureResult] | None = None
) -> tuple[Suggestion, RagSettings]:
    """The KVI's suggested RAG for `month`: its measures' rules combined (worst wins)."""
    settings = rag_settings_current()
    results = results_by_measure(kvi, month) if results is None else results
    measures = [m for m in kvi.measures.all() if m.kind != MeasureKind.NARRATIVE]
    if not measures:
        return Suggestion(Rag.NOT_REPORTED, "This KVI has no measure with a target."), settings
    suggestions = [measure_suggestion(m, month, results.get(m.id), settings) for m in measures]
    return worst(suggestions), settings


def measure_trend(measure: Measure, months: list[date]) -> dict:
    """Actual against target for each month, for the trend chart."""
    results = {r.month: r.actual for r in measure.results.all()}
    target = float(measure.target_value) if measure.target_value is not None else None
    return {
        "labels": [f"{m:%b %y}" for m in months],
        "actual": [float(results[m]) if results.get(m) is not None else None for m in months],
        "target": [target for _ in months],
    }


def _month_end(month: date) -> date:
    from core.calendar import add_months

    return date.fromordinal(add_months(month, 1).toordinal() - 1)
