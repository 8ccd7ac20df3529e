"""One number style in the pack: "95 %" with a non-breaking space, counts as integers,
scores as "9.7/10", signed changes with a true minus sign."""

from __future__ import annotations

import re
from decimal import Decimal

from django import template

register = template.Library()

NBSP = "\u00a0"
MINUS = "\u2212"


def number_text(value: Decimal | float | int | None) -> str:
    """A number without trailing zeros: 96.00 → "96", 90.910 → "90.91"."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)).normalize():f}"
    return text.replace("-", MINUS)


def measure_text(value: Decimal | float | int | None, kind: str) -> str:
    """A measure's value in the pack's one style for its kind (percentage, count, score)."""
    if value is None:
        return "—"
    if kind == "percentage":
        return f"{number_text(round(Decimal(str(value)), 2))}{NBSP}%"
    if kind in ("count", "pace"):
        return number_text(round(Decimal(str(value))))
    if kind == "score":
        return f"{number_text(round(Decimal(str(value)), 1))}/10"
    return number_text(value)


def change_text(value: Decimal | float | int | None, kind: str) -> str:
    """A change from last month: "+1", "−4 points" for percentages, "no change" at zero."""
    if value is None:
        return "—"
    value = Decimal(str(value))
    if value == 0:
        return "no change"
    sign = "+" if value > 0 else MINUS
    magnitude = abs(value)
    if kind == "percentage":
        return f"{sign}{number_text(round(magnitude, 2))}{NBSP}points"
    if kind in ("count", "pace"):
        return f"{sign}{number_text(round(magnitude))}"
    return f"{sign}{number_text(round(magnitude, 1))}"


@register.filter
def pct(value) -> str:
    """A percentage as "95 %", never split across a line."""
    return measure_text(value, "percentage")


@register.filter
def measure_value(value, kind: str) -> str:
    """A value in the style of its measure kind."""
    return measure_text(value, kind)


PERCENT_SIGN = re.compile(r"(\d)[ \u00a0\u202f]?%")


@register.filter
def numbers(text) -> str:
    """Free text in the pack's number style: "98%" and "98 %" both print "98 %" (kept
    together by a non-breaking space). The result is escaped later as usual."""
    return PERCENT_SIGN.sub("\\1" + NBSP + "%", str(text or ""))
