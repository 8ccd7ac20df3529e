"""Charts for the PDF pack, drawn offline with matplotlib's object API.

PNG at 150 dpi: crisp on an A4 page at the printed width, and cheaper for WeasyPrint to lay
out than the same chart as SVG. Fixed margins and a fixed legend place (no tight_layout, no
"best" legend search) keep a chart near matplotlib's floor of about 60 ms. The same input gives
the same bytes, so a rebuilt pack is identical; a worker keeps recent charts, so rebuilding a
pack (v2 after a correction) redraws only what changed.

Honest axes: a percentage runs 0–100, a score 0–10, a count from 0 in whole numbers. The
legend sits above the plot, clear of the data, and actual and target differ by line style and
marker as well as colour, so the chart reads in grey too.
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache

from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

NAVY, RED = "#1f3a5f", "#b3261e"

#: Fixed axis ranges by measure kind; a count's top follows its data.
AXIS_LIMITS = {"percentage": (0, 100), "score": (0, 10)}


def trend_png(
    *,
    title: str,
    months: list[date],
    actual: list[float | None],
    target: float | None,
    kind: str = "percentage",
) -> bytes:
    """A line chart of actual against target, as PNG bytes."""
    return _trend_png(title, tuple(months), tuple(actual), target, kind)


@lru_cache(maxsize=256)
def _trend_png(
    title: str,
    months: tuple[date, ...],
    actual: tuple[float | None, ...],
    target: float | None,
    kind: str = "percentage",
) -> bytes:
    fig = Figure(figsize=(6.2, 2.2), dpi=100)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.78, bottom=0.14)
    ax = fig.add_subplot()
    xs = list(range(len(months)))
    points = [(x, y) for x, y in zip(xs, actual, strict=True) if y is not None]
    if points:
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=NAVY,
            marker="o",
            linestyle="-",
            linewidth=1.6,
            markersize=4,
            label="Actual",
        )
    if target is not None:
        label = f"Target {target:g}{' %' if kind == 'percentage' else ''}"
        ax.axhline(target, color=RED, linestyle="--", linewidth=1.2, label=label)
    low, high = AXIS_LIMITS.get(kind, (0, None))
    if high is None:
        values = [p[1] for p in points] + ([target] if target is not None else [])
        high = max(values + [1]) + 1
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(low, high)
    if kind == "percentage":
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_xticks(xs, [f"{m:%b %y}" for m in months], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    fig.text(0.09, 0.95, title, fontsize=8, ha="left", va="top")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(fontsize=7, frameon=False, loc="upper right", bbox_to_anchor=(0.98, 0.99), ncols=2)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, metadata={"Software": None})
    return out.getvalue()
