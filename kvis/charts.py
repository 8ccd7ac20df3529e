"""Charts for the PDF pack, drawn offline with matplotlib's object API.

PNG at 150 dpi: crisp on an A4 page at the printed width, and cheaper for WeasyPrint to lay
out than the same chart as SVG. Fixed margins and a fixed legend place (no tight_layout, no
"best" legend search) keep a chart near matplotlib's floor of about 60 ms. The same input gives
the same bytes, so a rebuilt pack is identical; a worker keeps recent charts, so rebuilding a
pack (v2 after a correction) redraws only what changed.
"""

from __future__ import annotations

import io
from datetime import date
from functools import lru_cache

from matplotlib.figure import Figure

NAVY, RED = "#1f3a5f", "#b3261e"


def trend_png(
    *, title: str, months: list[date], actual: list[float | None], target: float | None
) -> bytes:
    """A line chart of actual against target, as PNG bytes."""
    return _trend_png(title, tuple(months), tuple(actual), target)


@lru_cache(maxsize=256)
def _trend_png(
    title: str, months: tuple[date, ...], actual: tuple[float | None, ...], target: float | None
) -> bytes:
    fig = Figure(figsize=(6.2, 2.2), dpi=100)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.87, bottom=0.14)
    ax = fig.add_subplot()
    xs = list(range(len(months)))
    points = [(x, y) for x, y in zip(xs, actual, strict=True) if y is not None]
    if points:
        ax.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            color=NAVY,
            marker="o",
            linewidth=1.6,
            markersize=3.5,
            label="Actual",
        )
    if target is not None:
        ax.axhline(target, color=RED, linestyle="--", linewidth=1.2, label=f"Target {target:g}")
    ax.set_xticks(xs, [f"{m:%b %y}" for m in months], fontsize=7)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_title(title, fontsize=8, loc="left")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(fontsize=7, frameon=False, loc="lower left", ncols=2)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=150, metadata={"Software": None})
    return out.getvalue()
