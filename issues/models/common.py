"""Shared pieces of the register models: level choices, help texts, month bounds."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from core.calendar import add_months, first_of_month, start_of_day
from issues import rules

LEVEL_CHOICES = [(value, label) for value, label in rules.LEVELS.items()]

IMPACT_HELP = (
    "Impact to customer; consider the number of customers affected. Low 1, Medium 2, High 3."
)
FINANCIAL_HELP = (
    "Low: low or no financial impact and no licence obligation. "
    "Medium: financial impact, no licence obligation. "
    "High: high financial impact or a licence obligation affected."
)


def _in_future(moment: datetime | None) -> bool:
    # A minute's grace for the clocks of the browser and the server.
    return moment is not None and moment > timezone.now() + timezone.timedelta(minutes=1)


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The aware start and end (exclusive) of a calendar month in Europe/London."""
    start = first_of_month(month)
    return start_of_day(start), start_of_day(add_months(start, 1))
