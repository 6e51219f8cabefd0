"""Business days as Oregon counts them.

A business day is Monday to Friday, not an Oregon legal holiday (ORS 187.010, observed on the
Friday before when it falls on a Saturday and the Monday after when on a Sunday) and not a
utility closure day from configuration. Deadlines follow OAR 860-001-0150: the anchor day is
excluded and day N is the due date. An application received after the cut-off time (17:00
Pacific by default) or on a non-business day counts as received on the next business day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from cases.errors import InvalidInput

_SATURDAY = 5


def _weekdays_through(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday) up to `day` inclusive."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


class BusinessCalendar:
    """Which days count, and date arithmetic in business days (all dates are Pacific)."""

    def __init__(
        self,
        *,
        timezone: str = "America/Los_Angeles",
        country: str = "US",
        subdivision: str | None = "OR",
        closure_days: Iterable[date] = (),
        extra_holidays: Iterable[date] = (),
        receipt_cutoff: time | None = time(17, 0),
    ) -> None:
        """`receipt_cutoff` None counts every receipt on its own (local) calendar day."""
        self.zone = ZoneInfo(timezone)
        self._country = country
        self._subdivision = subdivision
        self._closed = frozenset(closure_days) | frozenset(extra_holidays)
        self.receipt_cutoff = receipt_cutoff
        self._legal_holidays = lru_cache(maxsize=64)(self._legal_holidays_of)

    def _legal_holidays_of(self, year: int) -> dict[date, str]:
        table = holidays.country_holidays(self._country, subdiv=self._subdivision, years=year, observed=True)
        return {day: str(name) for day, name in table.items()}

    def holiday_name(self, day: date) -> str | None:
        """The legal holiday or closure on `day`, for messages ("Thanksgiving Day")."""
        name = self._legal_holidays(day.year).get(day)
        if name is not None:
            return name
        return "utility closure" if day in self._closed else None

    def is_business_day(self, day: date) -> bool:
        """Monday to Friday, not a legal holiday (as observed) and not a closure day."""
        if day.weekday() >= _SATURDAY:
            return False
        return day not in self._legal_holidays(day.year) and day not in self._closed

    def next_business_day(self, day: date) -> date:
        """The first business day strictly after `day`."""
        day += timedelta(days=1)
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def previous_business_day(self, day: date) -> date:
        """The last business day strictly before `day`."""
        day -= timedelta(days=1)
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def add_business_days(self, anchor: date, days: int) -> date:
        """Day `days` counted from `anchor` (excluded); `days` must be at least 1."""
        if days < 1:
            raise InvalidInput(f"a business-day count must be at least 1, not {days}")
        day = anchor
        for _ in range(days):
            day = self.next_business_day(day)
        return day

    def add_calendar_days(self, anchor: date, days: int) -> date:
        """`days` calendar days after `anchor`; a due date on a non-business day moves on."""
        due = anchor + timedelta(days=days)
        return due if self.is_business_day(due) else self.next_business_day(due)

    def business_days_between(self, start: date, end: date) -> int:
        """Business days in (start, end]; negative when `end` is before `start`.

        Counted by arithmetic, not by walking the days: reports take medians of this over
        thousands of cases, each spanning weeks."""
        if end < start:
            return -self.business_days_between(end, start)
        days_off = set(self._closed)
        for year in range(start.year, end.year + 1):
            days_off.update(self._legal_holidays(year))
        weekdays_off = sum(1 for day in days_off if start < day <= end and day.weekday() < _SATURDAY)
        return _weekdays_through(end) - _weekdays_through(start) - weekdays_off

    def local_date(self, moment: datetime) -> date:
        """The Pacific calendar date of an aware timestamp."""
        if moment.tzinfo is None:
            raise InvalidInput(f"timestamp {moment.isoformat()} has no time zone")
        return moment.astimezone(self.zone).date()

    def receipt_day(self, moment: datetime) -> date:
        """The day a receipt at `moment` counts from (the anchor of receipt clocks)."""
        local = moment.astimezone(self.zone) if moment.tzinfo else None
        if local is None:
            raise InvalidInput(f"timestamp {moment.isoformat()} has no time zone")
        day = local.date()
        late = self.receipt_cutoff is not None and local.time() >= self.receipt_cutoff
        if late or not self.is_business_day(day):
            return self.next_business_day(day)
        return day
