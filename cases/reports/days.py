"""Business-day arithmetic at report scale, and the summary statistics of day counts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate

from cases.calendar import BusinessCalendar


class BusinessDayCounter:
    """Counts business days in (start, end] like `BusinessCalendar.business_days_between`, in
    constant time per question.

    A report asks this for every case; the calendar walks day by day, which over 100,000 cases
    that are months old would take most of a minute. One pass over [first, last] builds a
    running count; dates outside the span fall back to the calendar's walk.
    """

    def __init__(self, calendar: BusinessCalendar, first: date, last: date) -> None:
        """`first` and `last` bound the dates most questions will be about."""
        self._calendar = calendar
        self._first = min(first, last)
        span = (max(first, last) - self._first).days
        flags = (calendar.is_business_day(self._first + timedelta(days=i)) for i in range(span + 1))
        # _running[i]: business days in (first, first + i]; the first day itself never counts.
        self._running = [count - int(calendar.is_business_day(self._first))
                         for count in accumulate(int(flag) for flag in flags)]

    def between(self, start: date, end: date) -> int:
        """Business days in (start, end]; negative when `end` is before `start`."""
        low, high = (start - self._first).days, (end - self._first).days
        if 0 <= low < len(self._running) and 0 <= high < len(self._running):
            return self._running[high] - self._running[low]
        return self._calendar.business_days_between(start, end)


def median(values: Sequence[int]) -> float | None:
    """The median in business days (None for no values): half took longer, half less."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Sequence[int], share: float) -> int | None:
    """The nearest-rank percentile (`share` 0.9 for the 90th): a day count that actually
    occurred, so a manager can find the case behind it. None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]
