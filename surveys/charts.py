"""Trend charts of survey rounds against their target, drawn with matplotlib's object API
(no pyplot, no global state: safe in a web process and in the pack builder)."""

from __future__ import annotations

import base64
import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

#: Colour-blind-safe series colours (Okabe–Ito); the target is a dashed grey line.
COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
TARGET_COLOUR = "#555555"
#: Series also differ by marker and line style, so they read in grey and without colour vision.
MARKERS = ["o", "s", "^", "D", "v", "P"]
LINESTYLES = ["-", "-.", ":", (0, (5, 1)), "-", "-."]


def trend_figure(data: dict) -> Figure:
    """A line per category over the rounds (the headline thicker) and the target, dashed.

    `data` is what `SurveyTrend.chart_data()` returns: title, labels, series, headline, target.
    """
    figure = Figure(figsize=(7, 3.2), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    x = list(range(len(data["labels"])))
    for i, (name, values) in enumerate(data["series"].items()):
        headline = name == data["headline"]
        points = [(xi, v) for xi, v in zip(x, values, strict=True) if v is not None]
        if not points:
            continue
        axes.plot(
            [p[0] for p in points],
            [p[1] for p in points],
            marker=MARKERS[i % len(MARKERS)],
            linestyle="-" if headline else LINESTYLES[i % len(LINESTYLES)],
            linewidth=2.6 if headline else 1.4,
            color=COLOURS[i % len(COLOURS)],
            label=name,
            zorder=3 if headline else 2,
        )
    axes.plot(x, data["target"], linestyle="--", color=TARGET_COLOUR, label="Target")
    axes.set_xticks(x, data["labels"])
    axes.set_ylim(0, 100.5)  # an honest axis: a 4-point dip looks like one
    axes.set_ylabel("Score (%)")
    axes.set_title(data["title"])
    axes.grid(axis="y", alpha=0.3)
    figure.legend(loc="outside lower center", fontsize="small", ncols=5, frameon=False)
    return figure


def trend_svg(data: dict) -> str:
    """The trend chart as SVG text."""
    buffer = io.StringIO()
    trend_figure(data).savefig(buffer, format="svg")
    return buffer.getvalue()


def trend_png(data: dict, *, dpi: int = 150) -> bytes:
    """The trend chart as PNG bytes."""
    buffer = io.BytesIO()
    trend_figure(data).savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def png_data_uri(png: bytes) -> str:
    """A PNG as a data: URI, for an <img> in the pack (WeasyPrint reads it without a server)."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
