"""The "Survey scores" section of the monthly committee pack."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal

from kvis.late import LateEntry, change_kind
from surveys import charts, rules, selectors
from surveys.models import Round

#: Rounds a pack's chart and its table of values show: a year and a half of quarterly rounds
#: fit the page's width, where a survey's whole history (20 rounds since 2016) ran off it.
PACK_ROUNDS = 6


def scores_context(committee, month: date) -> dict:
    """Each survey's latest round as of the end of `month`: category scores with the change
    from the previous round, target and RAG, the year to date, and a trend chart (PNG)."""
    trends = selectors.survey_trends(as_of=selectors.month_end(month))
    charted = [(trend, _recent(trend.chart_data()) if trend.rounds else None) for trend in trends]
    settings = selectors.current_settings()
    return {
        "committee": committee,
        "month": month,
        "tolerance": settings.amber_tolerance,
        "settings_version": settings.version,
        "sections": [
            {
                "trend": trend,
                "chart": charts.png_data_uri(charts.trend_png(_wrapped(data))) if data else "",
                "plotted": _plotted(data) if data else None,
            }
            for trend, data in charted
        ],
    }


def _recent(data: dict) -> dict:
    """The chart's data cut to its last PACK_ROUNDS rounds."""
    return {
        **data,
        "labels": data["labels"][-PACK_ROUNDS:],
        "series": {name: values[-PACK_ROUNDS:] for name, values in data["series"].items()},
        "target": data["target"][-PACK_ROUNDS:],
    }


def _wrapped(data: dict) -> dict:
    """The chart's data with its round labels on two lines, so neighbours do not overlap."""
    return {**data, "labels": [textwrap.fill(label, 14) for label in data["labels"]]}


def _plotted(data: dict) -> dict:
    """The chart's values as a table (rounds across, one row per series and the target), for
    screen readers and for anyone printing in grey."""

    def text(value):
        return "–" if value is None else rules.format_percent(Decimal(str(value)))

    return {
        "labels": data["labels"],
        "rows": [(name, [text(v) for v in values]) for name, values in data["series"].items()]
        + [("Target", [text(v) for v in data["target"]])],
    }


def late_rounds(before: date) -> list[LateEntry]:
    """Survey rounds held in months before `before` that were added or corrected after the
    month was issued (the packs' "Changes to months already reported")."""
    rounds = Round.objects.filter(
        recorded_after_issue__isnull=False, held_on__lt=before.replace(day=1)
    ).select_related("survey", "recorded_after_issue__committee")
    return [
        LateEntry(
            reference=r.label,
            kind="Survey round",
            month=r.held_on.replace(day=1),
            recorded_at=r.recorded_after_issue_at,
            pack=str(r.recorded_after_issue),
            summary=f"{r.survey.name}, held {r.held_on:%d %b %Y}, {r.respondents} respondents",
            change=change_kind(r),
        )
        for r in rounds
    ]
