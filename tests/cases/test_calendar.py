"""Oregon business days: the holiday table, observance, receipt cut-off, and properties."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import pacific

from cases.calendar import BusinessCalendar
from cases.errors import InvalidInput

# The observed Oregon legal holidays 2025-2027 (ORS 187.010; Saturday → Friday, Sunday → Monday).
OBSERVED = {
    2025: ["01-01", "01-20", "02-17", "05-26", "06-19", "07-04", "09-01", "11-11", "11-27", "12-25"],
    2026: ["01-01", "01-19", "02-16", "05-25", "06-19", "07-03", "09-07", "11-11", "11-26", "12-25"],
    2027: ["01-01", "01-18", "02-15", "05-31", "06-18", "07-05", "09-06", "11-11", "11-25", "12-24",
           "12-31"],  # New Year's Day 2028 is a Saturday, observed Friday 2027-12-31
}


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return BusinessCalendar()


@pytest.mark.parametrize("year", sorted(OBSERVED))
def test_weekday_holidays_match_the_table(calendar: BusinessCalendar, year: int) -> None:
    expected = {date.fromisoformat(f"{year}-{day}") for day in OBSERVED[year]}
    weekdays = [date(year, 1, 1) + timedelta(days=n) for n in range(366)]
    closed = {d for d in weekdays if d.year == year and d.weekday() < 5 and not calendar.is_business_day(d)}
    assert closed == expected


@pytest.mark.parametrize(("day", "why"), [
    (date(2026, 10, 12), "Columbus Day is federal, not an Oregon legal holiday"),
    (date(2026, 11, 27), "the day after Thanksgiving is a state closure, not a legal holiday"),
    (date(2027, 7, 2), "the Friday before an observed Monday holiday"),
])
def test_days_that_are_business_days(calendar: BusinessCalendar, day: date, why: str) -> None:
    assert calendar.is_business_day(day), why


def test_weekends_are_never_business_days(calendar: BusinessCalendar) -> None:
    assert not calendar.is_business_day(date(2026, 11, 28))
    assert not calendar.is_business_day(date(2026, 11, 29))


def test_closure_days_from_configuration_are_not_business_days() -> None:
    closed = BusinessCalendar(closure_days=[date(2026, 11, 27)])
    assert not closed.is_business_day(date(2026, 11, 27))
    assert closed.holiday_name(date(2026, 11, 27)) == "utility closure"


def test_holiday_names_are_given(calendar: BusinessCalendar) -> None:
    assert calendar.holiday_name(date(2026, 11, 26)) == "Thanksgiving Day"
    assert calendar.holiday_name(date(2026, 11, 25)) is None


def test_three_business_days_over_thanksgiving(calendar: BusinessCalendar) -> None:
    before_cutoff = calendar.receipt_day(pacific(2026, 11, 25, 16, 30))
    after_cutoff = calendar.receipt_day(pacific(2026, 11, 25, 17, 30))
    assert before_cutoff == date(2026, 11, 25)
    assert after_cutoff == date(2026, 11, 27)
    assert calendar.add_business_days(before_cutoff, 3) == date(2026, 12, 1)
    assert calendar.add_business_days(after_cutoff, 3) == date(2026, 12, 2)


def test_receipt_on_a_weekend_counts_from_monday(calendar: BusinessCalendar) -> None:
    assert calendar.receipt_day(pacific(2026, 11, 28, 9)) == date(2026, 11, 30)


def test_cutoff_can_be_turned_off() -> None:
    assert BusinessCalendar(receipt_cutoff=None).receipt_day(pacific(2026, 11, 25, 23, 59)) == date(2026, 11, 25)


def test_cutoff_is_in_pacific_time_whatever_the_offset_given(calendar: BusinessCalendar) -> None:
    # 00:30 UTC on the 26th is 16:30 Pacific on the 25th: before the cut-off.
    assert calendar.receipt_day(datetime(2026, 11, 26, 0, 30, tzinfo=UTC)) == date(2026, 11, 25)
    assert calendar.receipt_day(datetime(2026, 11, 26, 1, 30, tzinfo=UTC)) == date(2026, 11, 27)
    assert calendar.receipt_cutoff == time(17, 0)


def test_the_cutoff_follows_daylight_saving_time(calendar: BusinessCalendar) -> None:
    # 17:00 Pacific is 00:00 UTC in daylight time (March 9, 2026, a Monday) and 01:00 UTC in
    # standard time (November 2, 2026, a Monday); the same UTC instant falls either side.
    assert calendar.receipt_day(datetime(2026, 3, 10, 0, 30, tzinfo=UTC)) == date(2026, 3, 10)  # 17:30 PDT
    assert calendar.receipt_day(datetime(2026, 11, 3, 0, 30, tzinfo=UTC)) == date(2026, 11, 2)  # 16:30 PST
    # 01:30 on 2026-11-01 happens twice (PDT then PST); both are a Sunday, counted from Monday.
    assert calendar.receipt_day(datetime(2026, 11, 1, 8, 30, tzinfo=UTC)) == date(2026, 11, 2)


def test_calendar_days_move_past_a_holiday(calendar: BusinessCalendar) -> None:
    assert calendar.add_calendar_days(date(2026, 11, 1), 25) == date(2026, 11, 27)  # 26th is Thanksgiving
    assert calendar.add_calendar_days(date(2026, 11, 2), 25) == date(2026, 11, 27)


def test_naive_times_and_zero_counts_are_refused(calendar: BusinessCalendar) -> None:
    with pytest.raises(InvalidInput, match="time zone"):
        calendar.receipt_day(pacific(2026, 1, 5).replace(tzinfo=None))
    with pytest.raises(InvalidInput, match="at least 1"):
        calendar.add_business_days(date(2026, 1, 5), 0)


days = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
counts = st.integers(min_value=1, max_value=60)


@given(anchor=days, n=counts)
def test_due_date_is_a_business_day_exactly_n_business_days_on(anchor: date, n: int) -> None:
    calendar = BusinessCalendar()
    due = calendar.add_business_days(anchor, n)
    assert due > anchor
    assert calendar.is_business_day(due)
    assert calendar.business_days_between(anchor, due) == n
    # Nothing closer would do: the day before the due date is fewer than n business days on.
    assert calendar.business_days_between(anchor, due - timedelta(days=1)) == n - 1


@given(anchor=days, n=counts, m=counts)
def test_adding_business_days_composes(anchor: date, n: int, m: int) -> None:
    calendar = BusinessCalendar()
    assert calendar.add_business_days(calendar.add_business_days(anchor, n), m) == \
        calendar.add_business_days(anchor, n + m)


@given(start=days, end=days)
def test_counting_between_is_antisymmetric(start: date, end: date) -> None:
    calendar = BusinessCalendar()
    assert calendar.business_days_between(start, end) == -calendar.business_days_between(end, start)


@given(start=days, end=days, closures=st.lists(days, max_size=5))
def test_counting_between_agrees_with_walking_the_days(start: date, end: date, closures: list[date]) -> None:
    # The count is arithmetic (weekdays, then the weekday holidays and closures in the range);
    # walking the days one by one is the definition it must match.
    calendar = BusinessCalendar(closure_days=closures)
    low, high = min(start, end), max(start, end)
    walked = sum(calendar.is_business_day(low + timedelta(days=i)) for i in range(1, (high - low).days + 1))
    assert calendar.business_days_between(low, high) == walked


@given(day=days, hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_receipt_day_is_a_business_day_on_or_after_the_local_date(day: date, hour: int, minute: int) -> None:
    calendar = BusinessCalendar()
    moment = pacific(day.year, day.month, day.day, hour, minute)
    counted = calendar.receipt_day(moment)
    assert calendar.is_business_day(counted)
    assert counted >= day
    if calendar.is_business_day(day) and hour < 17:
        assert counted == day
    else:
        assert counted > day
