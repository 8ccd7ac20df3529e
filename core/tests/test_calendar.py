"""The calendar: months, the KVI year, the month parser, business days with closure days."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core import calendar
from core.calendar import LONDON

BANK_2020 = calendar.bank_holidays([2020, 2021])


@pytest.mark.parametrize(
    ("text", "month"),
    [("2020-11", date(2020, 11, 1)), ("2021-01", date(2021, 1, 1))],
)
def test_parse_month_reads_yyyy_mm(text, month):
    assert calendar.parse_month(text) == month


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2020-13", calendar.BAD_MONTH),
        ("11/2020", calendar.BAD_MONTH),
        ("", calendar.BAD_MONTH),
        (None, calendar.BAD_MONTH),
        ("2020-00", calendar.BAD_MONTH),
        # Exactly the published pattern (MONTH_PATTERN): no one-digit month, no spaces.
        (" 2020-1 ", calendar.BAD_MONTH),
        ("2020-1", calendar.BAD_MONTH),
        ("9999-12", calendar.OUT_OF_RANGE),
        ("1900-01", calendar.OUT_OF_RANGE),
    ],
)
def test_parse_month_refuses_with_the_reason(text, message):
    with pytest.raises(calendar.BadMonth, match=message.split(",")[0]):
        calendar.parse_month(text)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_month_string_round_trips(day):
    month = calendar.first_of_month(day)
    assert calendar.parse_month(calendar.month_string(month)) == month


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(-240, 240))
def test_add_months_moves_by_whole_months(day, n):
    month = calendar.first_of_month(day)
    moved = calendar.add_months(month, n)
    assert moved.day == 1
    assert (moved.year - month.year) * 12 + moved.month - month.month == n
    assert calendar.add_months(moved, -n) == month


@pytest.mark.parametrize(
    ("day", "start", "label"),
    [
        (date(2020, 4, 1), 2020, "2020/21"),
        (date(2021, 3, 31), 2020, "2020/21"),
        (date(2020, 3, 31), 2019, "2019/20"),
        (date(1999, 12, 1), 1999, "1999/00"),
    ],
)
def test_kvi_year_runs_april_to_march(day, start, label):
    assert calendar.kvi_year_start(day) == start
    assert calendar.kvi_year_label(start) == label
    months = calendar.kvi_year_months(start)
    assert months[0] == date(start, 4, 1) and months[-1] == date(start + 1, 3, 1)
    assert calendar.kvi_year_bounds(start) == (date(start, 4, 1), date(start + 1, 3, 31))


def test_month_end():
    assert calendar.month_end(date(2020, 2, 1)) == date(2020, 2, 29)
    assert calendar.month_end(date(2020, 12, 1)) == date(2020, 12, 31)


@pytest.mark.parametrize(
    ("start", "n", "due"),
    [
        # Thursday 24 Dec 2020 + 2: Christmas, Boxing Day (substitute Mon 28), weekend skipped.
        (date(2020, 12, 24), 2, date(2020, 12, 30)),
        (date(2020, 11, 20), 1, date(2020, 11, 23)),  # Friday → Monday
        (date(2020, 11, 23), 5, date(2020, 11, 30)),
        (date(2020, 4, 9), 1, date(2020, 4, 14)),  # Good Friday and Easter Monday
        (date(2020, 11, 30), -5, date(2020, 11, 23)),
        (date(2021, 1, 4), -1, date(2020, 12, 31)),
    ],
)
def test_add_business_days_skips_weekends_and_bank_holidays(start, n, due):
    assert calendar.add_business_days(start, n, BANK_2020) == due
    assert calendar.add_business_days(start, n, frozenset(BANK_2020)) == due


@pytest.mark.parametrize(
    ("month", "n", "day"),
    [
        (date(2020, 12, 1), 5, date(2020, 12, 7)),
        (date(2020, 11, 1), 1, date(2020, 11, 2)),  # 1 Nov 2020 is a Sunday
        (date(2021, 1, 1), 1, date(2021, 1, 4)),  # New Year's Day, then a weekend
        (date(2021, 1, 1), 5, date(2021, 1, 8)),
    ],
)
def test_nth_business_day_of_month(month, n, day):
    assert calendar.nth_business_day(month, n, BANK_2020) == day


@pytest.mark.django_db
def test_closure_days_are_not_business_days():
    from core.models import ClosureDay

    ClosureDay.objects.create(day=date(2020, 12, 29), reason="Office closed")
    closed = calendar.closed_days([2020])
    assert date(2020, 12, 29) in closed
    assert calendar.add_business_days(date(2020, 12, 24), 2, closed) == date(2020, 12, 31)
    # Years not asked for are filled in on look-up: a clock that runs into 2031 still counts.
    assert date(2031, 12, 25) in closed


@given(
    st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(1, 40),
    st.sets(st.dates(min_value=date(2015, 1, 1), max_value=date(2031, 12, 31)), max_size=20),
)
def test_business_days_agree_between_a_set_and_a_holidays_calendar(start, n, extra):
    as_calendar = calendar.bank_holidays(range(2015, 2032))
    as_calendar.update({d: "closure" for d in extra})
    as_set = frozenset(as_calendar)
    due = calendar.add_business_days(start, n, as_calendar)
    assert due == calendar.add_business_days(start, n, as_set)
    assert calendar.is_business_day(due, as_set)
    assert calendar.business_days_between(start, due, as_set) == n
    assert calendar.add_business_days(due, -n, as_set) <= start or not calendar.is_business_day(
        start, as_set
    )


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2098, 1, 1)))
@example(datetime(2020, 10, 24, 21, 0))  # 22:00 BST: four hours later is 01:00 GMT (fold 1)
def test_hours_after_counts_elapsed_hours_across_clock_changes(naive):
    moment = naive.replace(tzinfo=UTC).astimezone(LONDON)
    later = calendar.hours_after(moment, 4)
    # Elapsed time in UTC: Python subtracts two times of one zone as wall clocks, fold ignored.
    assert later.astimezone(UTC) - moment.astimezone(UTC) == timedelta(hours=4)
    assert later.tzinfo == LONDON


def test_local_day_needs_an_aware_datetime():
    with pytest.raises(ValueError):
        calendar.local_day(datetime(2020, 11, 1, 12))
    # 23:30 UTC on 31 Oct 2020 is still 31 Oct in London (GMT from 25 Oct).
    assert calendar.local_day(datetime(2020, 10, 31, 23, 30, tzinfo=UTC)) == date(2020, 10, 31)
    # 23:30 UTC on 30 Jun is 1 Jul in London (BST).
    assert calendar.local_day(datetime(2020, 6, 30, 23, 30, tzinfo=UTC)) == date(2020, 7, 1)
