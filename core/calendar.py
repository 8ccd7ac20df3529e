"""The portal's calendar: reporting months, the KVI year, the one month parser, London's days and
business days (England and Wales bank holidays from `holidays`, plus the admin's closure days).

Everything here but `closed_days` is pure. Dates are calendar days in Europe/London; a month is
held as its first day.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from django.utils import timezone

LONDON = ZoneInfo("Europe/London")

#: The years the portal's records can fall in: the contract's calendar, not all of history
#: (before 1900 Europe/London has offsets in seconds, which ISO 8601 cannot say).
FIRST_YEAR, LAST_YEAR = 2000, 2099
BAD_MONTH = "Give a month as YYYY-MM, e.g. 2020-11."
OUT_OF_RANGE = f"Give a year from {FIRST_YEAR} to {LAST_YEAR}."
#: What the parser accepts, for a published schema: a month of the years above, 01 to 12
#: (the schema must refuse what the API refuses, e.g. 2020-86 or 1999-12).
MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
#: The start of a date or a date and time in the portal's years, for a published schema.
YEAR_PATTERN = r"^20\d{2}-"

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")  # exactly MONTH_PATTERN's shape


class BadMonth(ValueError):
    """A month that is not YYYY-MM or falls outside the portal's years; the message says which."""


# --- Today ----------------------------------------------------------------------------------


def localdate() -> date:
    """Today in Europe/London (the portal's TIME_ZONE), never the server's own date."""
    return timezone.localdate()


def local_day(moment: datetime) -> date:
    """The calendar day in Europe/London of an aware datetime."""
    if moment.tzinfo is None:
        raise ValueError("An aware datetime is needed.")
    return moment.astimezone(LONDON).date()


def end_of_day(day: date) -> datetime:
    """The last instant of `day` in Europe/London."""
    return datetime.combine(day, time.max, tzinfo=LONDON)


def start_of_day(day: date) -> datetime:
    """The first instant of `day` in Europe/London."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


# --- Months and the KVI year ----------------------------------------------------------------


def parse_month(value: str | None) -> date:
    """'2020-11' → 1 Nov 2020; BadMonth (with the message to show) for anything else."""
    match = _MONTH.match(value or "")
    if not match:
        raise BadMonth(BAD_MONTH)
    year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12:
        raise BadMonth(BAD_MONTH)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise BadMonth(OUT_OF_RANGE)
    return date(year, month, 1)


def month_string(month: date) -> str:
    """1 Nov 2020 → '2020-11' (the form the URLs, the API and the parser use)."""
    return f"{month:%Y-%m}"


def first_of_month(d: date) -> date:
    """The reporting period (a calendar month) that contains `d`, as its first day."""
    return d.replace(day=1)


def add_months(month: date, n: int) -> date:
    """The first day of the month `n` months after `month` (negative n goes back)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    """The last day of `month`."""
    return add_months(first_of_month(month), 1) - timedelta(days=1)


def months_ending(month: date, count: int) -> list[date]:
    """`count` months up to and including `month`, oldest first."""
    return [add_months(month, i - count + 1) for i in range(count)]


def kvi_year_start(d: date) -> int:
    """The calendar year in which the KVI (and financial) year containing `d` began:
    the KVI year runs 1 April to 31 March."""
    return d.year if d.month >= 4 else d.year - 1


def kvi_year_label(start_year: int) -> str:
    """'2020/21' for the KVI year that starts on 1 April 2020."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def kvi_year_months(start_year: int) -> list[date]:
    """The twelve reporting months of a KVI year, April to March."""
    return [add_months(date(start_year, 4, 1), i) for i in range(12)]


def kvi_year_bounds(start_year: int) -> tuple[date, date]:
    """First and last day of the KVI year that starts on 1 April `start_year`."""
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


# --- Business days --------------------------------------------------------------------------


def bank_holidays(years: Iterable[int] = ()) -> holidays.HolidayBase:
    """England and Wales bank holidays (with substitute days); years not named are added as
    they are asked about (`holidays` expands on look-up)."""
    return holidays.country_holidays("GB", subdiv="ENG", years=sorted(set(years)))


def closed_days(years: Iterable[int] = ()) -> holidays.HolidayBase:
    """The days no business day falls on: bank holidays plus the admin's closure days, as a
    `holidays` calendar (a container of dates with its working-day arithmetic)."""
    from core.models import ClosureDay

    calendar = bank_holidays(years)
    calendar.update(dict(ClosureDay.objects.values_list("day", "reason")))
    return calendar


def closed_days_around(day: date) -> holidays.HolidayBase:
    """Closed days for the year of `day` and the next (a clock may run over New Year)."""
    return closed_days([day.year, day.year + 1])


def is_business_day(day: date, closed: Container[date]) -> bool:
    """Monday to Friday and not a bank holiday or closure day."""
    return day.weekday() < 5 and day not in closed


def next_business_day_on_or_after(day: date, closed: Container[date]) -> date:
    """`day` itself when it is a business day, else the next one."""
    while not is_business_day(day, closed):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, n: int, closed: Container[date]) -> date:
    """The n-th business day after `day` (n ≥ 1), or before it for n ≤ -1; `day` itself need
    not be a business day."""
    if n == 0:
        raise ValueError("n must not be 0")
    if isinstance(closed, holidays.HolidayBase):
        return closed.get_nth_working_day(day, n)
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_business_day(day, closed):
            remaining -= 1
    return day


def nth_business_day(month: date, n: int, closed: Container[date]) -> date:
    """The n-th business day (n ≥ 1) of `month`."""
    if n < 1:
        raise ValueError("n must be at least 1")
    first = first_of_month(month)
    if is_business_day(first, closed):
        return first if n == 1 else add_business_days(first, n - 1, closed)
    return add_business_days(first, n, closed)


def business_days_between(start: date, end: date, closed: Container[date]) -> int:
    """Business days after `start` up to and including `end` (negative when `end` is earlier).
    With a `holidays` calendar, counted by arithmetic (weekdays less the closed weekdays in
    the span) rather than day by day: a deadline years away is as cheap as one next week."""
    if end == start:
        return 0
    sign = 1 if end > start else -1
    low, high = sorted((start, end))
    if isinstance(closed, holidays.HolidayBase):
        for year in range(low.year, high.year + 1):
            date(year, 1, 1) in closed  # noqa: B015 (the look-up adds the year's holidays)
        weeks, rest = divmod((high - low).days, 7)
        weekdays = 5 * weeks
        weekdays += sum(1 for i in range(1, rest + 1) if (low + timedelta(i)).weekday() < 5)
        shut = sum(1 for day in closed if low < day <= high and day.weekday() < 5)
        return sign * (weekdays - shut)
    count = sum(
        1 for i in range(1, (high - low).days + 1) if is_business_day(low + timedelta(i), closed)
    )
    return sign * count


def business_days_due(identified_at: datetime, days: int, closed: Container[date]) -> datetime:
    """End of the `days`-th business day after the day of identification; with 0, the end of
    that day when it is a business day, else of the next business day ("same business day")."""
    day = local_day(identified_at)
    if days == 0:
        return end_of_day(next_business_day_on_or_after(day, closed))
    return end_of_day(add_business_days(day, days, closed))


def hours_after(moment: datetime, hours: int) -> datetime:
    """`moment` + elapsed hours, counted in UTC so a clock change neither adds nor removes an
    hour; the answer is in London time."""
    if moment.tzinfo is None:
        raise ValueError("An aware datetime is needed.")
    return (moment.astimezone(UTC) + timedelta(hours=hours)).astimezone(LONDON)
