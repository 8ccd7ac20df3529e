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
#: Inches (width, height): a KVI page's chart, and the smaller one of a compact pack (many
#: KVIs to a page), printed beside its table of values at the same type size.
SIZE, COMPACT_SIZE = (6.2, 2.2), (4.4, 1.6)


def trend_png(
    *,
    title: str,
    months: list[date],
    actual: list[float | None],
    target: float | None,
    kind: str = "percentage",
    size: tuple[float, float] = SIZE,
) -> bytes:
    """A line chart of actual against target, as PNG bytes, `size` inches."""
    return _trend_png(title, tuple(months), tuple(actual), target, kind, size)


@lru_cache(maxsize=256)
def _trend_png(
    title: str,
    months: tuple[date, ...],
    actual: tuple[float | None, ...],
    target: float | None,
    kind: str = "percentage",
    size: tuple[float, float] = SIZE,
) -> bytes:
    width, height = size
    fig = Figure(figsize=size, dpi=100)
    # The margins (title and legend band above, month labels below, the y labels left) keep
    # their size in inches whatever the size, so a smaller chart loses only plot area.
    fig.subplots_adjust(
        left=0.558 / width,
        right=1 - 0.124 / width,
        top=1 - 0.484 / height,
        bottom=0.308 / height,
    )
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
    fig.text(0.558 / width, 1 - 0.11 / height, title, fontsize=8, ha="left", va="top")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.legend(
        fontsize=7,
        frameon=False,
        loc="upper right",
        bbox_to_anchor=(1 - 0.124 / width, 1 - 0.022 / height),
        ncols=2,
    )
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, metadata={"Software": None})
    return out.getvalue()
