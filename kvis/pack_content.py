"""What the committee pack prints, in the order a committee reads it: the executive summary
(a row per KVI, exceptions first, totals, decisions due), the KVI pages, the register
sections the committee's pack carries, the forward plan.

Read from the revisions pinned in `pack.inputs`; a forced pack also prints each unapproved
KVI's current revision, marked NOT APPROVED. The pipeline (request, build, distribute) is
in `kvis/packs.py`; this module only prepares the context its template renders.
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string

from core.calendar import add_months, first_of_month, kvi_year_months, kvi_year_start, months_ending
from kvis import late, registry, selectors
from kvis.charts import COMPACT_SIZE, SIZE, trend_png
from kvis.models import KVI, ForwardPlanItem, KVIUpdate, Measure, MeasureKind, MeasureResult
from kvis.pack_sections import sections_for
from kvis.rules import SEVERITY, Rag
from kvis.templatetags.pack_numbers import change_text, measure_text, numbers

#: Months of trend drawn on a KVI page.
CHART_MONTHS = 6
#: From this many KVIs the pack is compact: the KVIs follow one another rather than each
#: starting a page, and only the Red and unapproved ones carry their charts.
COMPACT_FROM = 20
NUMERIC_KINDS = (MeasureKind.PERCENTAGE, MeasureKind.COUNT, MeasureKind.SCORE, MeasureKind.PACE)


@dataclass(frozen=True)
class Figure:
    """A measure's month in words: value, target, change, KVI year to date."""

    measure: Measure
    value: str
    target: str
    change: str
    ytd: str
    rag: Rag
    section_anchor: str = ""  # the register section holding a register-driven figure

    @property
    def key_figure(self) -> str:
        """The value with its target, unless the value already states it."""
        if not self.target or self.target == "—" or self.target in self.value:
            return self.value
        return f"{self.value} (target {self.target})"


@dataclass
class SummaryRow:
    kvi: KVI
    owner: str
    rag: Rag
    ytd: list[tuple[date, Rag]]
    figure: Figure | None
    reason: str
    changed: bool
    not_approved: bool
    previous: Rag = Rag.NOT_REPORTED

    @property
    def exception(self) -> bool:
        return self.rag in (Rag.RED, Rag.AMBER) or self.changed or self.not_approved


@dataclass
class KVIPage:
    kvi: KVI
    update: KVIUpdate | None
    not_approved: bool
    figures: list[Figure]
    charts: list[dict] = field(default_factory=list)
    own_page: bool = True


def first_sentence(text: str) -> str:
    """The first sentence of a register's explanation, for a one-line key figure."""
    text = (text or "").strip()
    for stop in (". ", "; "):
        if stop in text:
            return text.split(stop, 1)[0]
    return text.rstrip(".")


def _owner(kvi: KVI) -> str:
    if kvi.owner:
        return kvi.owner.get_full_name() or kvi.owner.username
    first = next(iter(kvi.measures.all()), None)
    return first.owner if first else ""


def section_anchor(key: str) -> str:
    """The pack's anchor of a register section: "issues.breaches" → "section-issues-breaches"."""
    return "section-" + key.replace(".", "-").replace("_", "-")


def _section_for_rule(rule_key: str, section_keys: list[str]) -> str:
    for key in section_keys:
        section = registry.pack_section(key)
        if section and rule_key in section.rule_keys:
            return section_anchor(key)
    return ""


def _measure_figure(
    measure: Measure,
    month: date,
    ytd_months: list[date],
    results: dict,
    update: KVIUpdate | None,
    rag_settings,
    section_keys: list[str],
) -> Figure:
    result = results.get((measure.id, month))
    rag = selectors.measure_suggestion(measure, month, result, rag_settings).rag
    if measure.kind == MeasureKind.REGISTER:
        suggestion = selectors.measure_suggestion(measure, month, result, rag_settings)
        value = first_sentence((update.figures if update else "") or suggestion.explanation)
        return Figure(
            measure,
            numbers(value),
            numbers(measure.target_display()),
            "",
            "",
            rag,
            _section_for_rule(measure.rule_key, section_keys),
        )
    if measure.kind == MeasureKind.MILESTONE:
        met = result.met_on if result else None
        value = f"met {met:%d %b %Y}" if met else "not yet met"
        return Figure(measure, value, measure.target_display(), "", "", rag)
    if measure.kind == MeasureKind.NARRATIVE:
        return Figure(measure, "reported in words", "—", "", "", Rag.NOT_REPORTED)
    actual = result.actual if result else None
    before = results.get((measure.id, add_months(month, -1)))
    change = None
    if actual is not None and before is not None and before.actual is not None:
        change = actual - before.actual
    year = [
        results[(measure.id, m)].actual
        for m in ytd_months
        if (measure.id, m) in results and results[(measure.id, m)].actual is not None
    ]
    ytd = ""
    if year:
        if measure.kind in (MeasureKind.COUNT,):
            ytd = f"{measure_text(sum(year), measure.kind)} in total"
        elif measure.kind == MeasureKind.PACE:
            ytd = measure_text(year[-1], measure.kind)
        else:
            mean = sum(year) / Decimal(len(year))
            ytd = f"mean {measure_text(mean, measure.kind)}"
    target = (
        measure_text(measure.target_value, measure.kind)
        if measure.target_value is not None and not measure.target_text
        else measure.target_display() or "—"
    )
    return Figure(
        measure,
        measure_text(actual, measure.kind),
        target,
        change_text(change, measure.kind),
        ytd,
        rag,
    )


def _chart(measure: Measure, months: list[date], results: dict, size=SIZE) -> dict | None:
    if measure.kind not in NUMERIC_KINDS or measure.target_value is None:
        return None
    actual = []
    for m in months:
        result = results.get((measure.id, m))
        actual.append(float(result.actual) if result and result.actual is not None else None)
    if all(a is None for a in actual):
        return None
    png = trend_png(
        title=measure.name,
        months=months,
        actual=actual,
        target=float(measure.target_value),
        kind=measure.kind,
        size=size,
    )
    values = [
        measure_text(Decimal(str(a)) if a is not None else None, measure.kind) for a in actual
    ]
    target = measure_text(measure.target_value, measure.kind)
    alt = f"Trend of {measure.name} against its target of {target}: " + ", ".join(
        f"{m:%b %Y} {v}" for m, v in zip(months, values, strict=True)
    )
    return {
        "measure": measure,
        "src": "data:image/png;base64," + base64.b64encode(png).decode(),
        "alt": alt,
        "months": months,
        "values": values,
        "points": list(zip(months, values, strict=True)),
        "target": target,
    }


def _reason(update: KVIUpdate | None) -> str:
    if update is None:
        return "No update for the month."
    if update.is_overridden and update.override_justification:
        return update.override_justification
    return update.suggestion_explanation


def _kvi_updates(pack, kvis: list[KVI], months: list[date]) -> tuple[dict, set[int]]:
    """The pinned revisions by (kvi, month); in a forced pack the unapproved KVIs' current
    revisions for the month, and the set of their ids."""
    ids = pack.inputs.get("update_ids", [])
    updates = {(u.kvi_id, u.month): u for u in KVIUpdate.objects.filter(pk__in=ids)}
    unapproved: set[int] = set()
    if pack.not_approved:
        current = KVIUpdate.objects.current().filter(
            kvi__code__in=pack.not_approved, kvi__in=kvis, month=pack.month
        )
        for update in current:
            updates[(update.kvi_id, update.month)] = update
            unapproved.add(update.kvi_id)
    return updates, unapproved


def summary_and_pages(pack, kvis: list[KVI], section_keys: list[str]) -> dict:
    """The executive summary's rows (exceptions first), totals, and the KVI pages."""
    month = pack.month
    ytd_months = [m for m in kvi_year_months(kvi_year_start(month)) if m <= month]
    chart_months = months_ending(month, CHART_MONTHS)
    all_months = sorted(set(ytd_months) | set(chart_months) | {add_months(month, -1)})
    updates, unapproved = _kvi_updates(pack, kvis, all_months)
    results = {
        (r.measure_id, r.month): r
        for r in MeasureResult.objects.filter(measure__kvi__in=kvis, month__in=all_months)
    }
    rag_settings = selectors.rag_settings_current()
    compact = len(kvis) >= COMPACT_FROM
    rows, pages = [], []
    for kvi in kvis:
        update = updates.get((kvi.id, month))
        figures = [
            _measure_figure(m, month, ytd_months, results, update, rag_settings, section_keys)
            for m in kvi.measures.all()
        ]
        rag = Rag(update.reported_rag) if update else Rag.NOT_REPORTED
        before = updates.get((kvi.id, add_months(month, -1)))
        previous = Rag(before.reported_rag) if before else Rag.NOT_REPORTED
        headline = next((f for f in figures if f.measure.kind != MeasureKind.NARRATIVE), None)
        rows.append(
            SummaryRow(
                kvi=kvi,
                owner=_owner(kvi),
                rag=rag,
                ytd=[
                    (m, Rag(updates[(kvi.id, m)].reported_rag))
                    if (kvi.id, m) in updates
                    else (m, Rag.NOT_REPORTED)
                    for m in ytd_months
                ],
                figure=headline,
                reason=_reason(update),
                changed=previous in SEVERITY and rag in SEVERITY and previous != rag,
                not_approved=kvi.id in unapproved,
                previous=previous,
            )
        )
        own_page = not compact
        size = COMPACT_SIZE if compact else SIZE
        charts = (
            [c for m in kvi.measures.all() if (c := _chart(m, chart_months, results, size))]
            if own_page or rag == Rag.RED or kvi.id in unapproved
            else []
        )
        pages.append(KVIPage(kvi, update, kvi.id in unapproved, figures, charts, own_page))
    order = {Rag.RED: 0, Rag.AMBER: 1}
    rows.sort(key=lambda r: (0 if r.exception else 1, order.get(r.rag, 2)))
    totals = {rag: sum(1 for r in rows if r.rag == rag) for rag in (Rag.RED, Rag.AMBER, Rag.GREEN)}
    totals[Rag.NOT_REPORTED] = len(rows) - sum(totals.values())
    return {
        "summary": rows,
        "exceptions": sum(1 for r in rows if r.exception),
        "totals": [
            (rag, count) for rag, count in totals.items() if count or rag != Rag.NOT_REPORTED
        ],
        "ytd_months": ytd_months,
        "pages": pages,
        "compact": compact,
    }


def decisions_due(committee, month: date):
    """Forward-plan decisions from the pack's month to the end of the next: the meeting
    that reads this pack takes them."""
    first = first_of_month(month)
    return ForwardPlanItem.objects.filter(
        committee=committee, decision_date__gte=first, decision_date__lt=add_months(first, 2)
    )


def _csv(appendix: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(appendix["header"])
    writer.writerows(appendix["rows"])
    return out.getvalue()


def register_sections(
    committee, month: date, appendices: list[dict], figures: dict | None = None
) -> list[dict]:
    """The register sections this committee's pack carries, rendered, in order; a section's
    full lists (when it prints only the exceptions: its `appendix` and any `…_appendix`) are
    added to `appendices` as CSV, and its
    figures (JSON, kept in the snapshot: the month "as issued") to `figures`."""
    rendered = []
    for section in sections_for(committee):
        if figures is not None and section.figures is not None:
            figures[section.key] = section.figures(committee, month)
        context = {"committee": committee, "month": month, **section.context(committee, month)}
        for key in [k for k in context if k == "appendix" or k.endswith("_appendix")]:
            if not context[key]:
                continue
            text = _csv(context[key])
            href = "data:text/csv;base64," + base64.b64encode(text.encode()).decode()
            context[key] = {**context[key], "csv": text, "href": href}
            appendices.append(context[key])
        rendered.append(
            {
                "key": section.key,
                "title": section.title,
                "anchor": section_anchor(section.key),
                "html": render_to_string(section.template_name, context),
            }
        )
    return rendered


def pack_context(pack, kvis: list[KVI]) -> dict:
    """Everything the pack prints, read from the revisions pinned in `pack.inputs`."""
    committee, month = pack.committee, pack.month
    appendices: list[dict] = []
    section_figures: dict = {}
    sections = register_sections(committee, month, appendices, section_figures)
    return {
        "pack": pack,
        "committee": committee,
        "month": month,
        "months": months_ending(month, CHART_MONTHS),
        **summary_and_pages(pack, kvis, [s["key"] for s in sections]),
        "sections": sections,
        "section_figures": section_figures,
        "changes_to_reported": late.pack_changes_to_reported(committee, month),
        "appendices": appendices,
        "decisions": decisions_due(committee, month),
        "forward_plan": ForwardPlanItem.objects.filter(
            committee=committee, decision_date__gte=month
        ),
        "static_root": settings.BASE_DIR / "static",
    }


def render_html(context: dict) -> str:
    """The pack's document as printed (the PDF medium)."""
    return render_to_string("kvis/pack/pack.html", {**context, "medium": "pdf"})
