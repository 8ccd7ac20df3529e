"""The "Survey scores" section of the monthly committee pack."""

from __future__ import annotations

from datetime import date

from surveys import charts, selectors


def scores_context(committee, month: date) -> dict:
    """Each survey's latest round as of the end of `month`: category scores with the change
    from the previous round, target and RAG, the year to date, and a trend chart (PNG)."""
    trends = selectors.survey_trends(as_of=selectors.month_end(month))
    settings = selectors.current_settings()
    return {
        "committee": committee,
        "month": month,
        "tolerance": settings.amber_tolerance,
        "settings_version": settings.version,
        "sections": [
            {
                "trend": trend,
                "chart": charts.png_data_uri(charts.trend_png(trend.chart_data()))
                if trend.rounds
                else "",
            }
            for trend in trends
        ],
    }
