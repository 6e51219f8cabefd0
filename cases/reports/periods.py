"""The periods a report can cover, as people say them: `2026`, `2026-11`, `2026-Q3`,
`november 2026`, `2026-11-03`, `2026-11-03..2026-11-20`, `this week`, `last month`, `last year`.

One parser for the command line and for chat, so `icdesk report compliance last month` and
`/ic report compliance last month` mean the same days.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cases.errors import InvalidInput

EXAMPLES = ("2026", "2026-11", "2026-Q3", "november 2026", "2026-11-03..2026-11-20", "this week", "last week",
            "this month", "last month", "this year", "last year")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to)\s*(\d{4}-\d{2}-\d{2})$")
_QUARTER = re.compile(r"^(?:(\d{4})-?q([1-4])|q([1-4])[\s-]*(\d{4}))$")


@dataclass(frozen=True)
class Period:
    """Days `start` to `end`, both included. `year` is set when the period is one whole
    calendar year (what the annual reports need)."""

    start: date
    end: date
    label: str
    year: int | None = None

    @property
    def slug(self) -> str:
        """For file names: the year alone, else the first and last day."""
        if self.year is not None:
            return str(self.year)
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}-to-{self.end.isoformat()}"


def _month(year: int, month: int) -> Period:
    start = date(year, month, 1)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return Period(start, end, f"{start:%B %Y}")


def _year(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year), year)


def _week(monday: date) -> Period:
    return Period(monday, monday + timedelta(days=6), f"week of {monday:%B} {monday.day}, {monday.year}")


def _relative(text: str, today: date) -> Period | None:
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    known = {
        "today": Period(today, today, today.isoformat()),
        "yesterday": Period(today - timedelta(days=1), today - timedelta(days=1),
                            (today - timedelta(days=1)).isoformat()),
        "this week": _week(monday), "week": _week(monday), "last week": _week(monday - timedelta(weeks=1)),
        "this month": _month(today.year, today.month), "month": _month(today.year, today.month),
        "last month": _month((first - timedelta(days=1)).year, (first - timedelta(days=1)).month),
        "this year": _year(today.year), "year": _year(today.year), "last year": _year(today.year - 1),
    }
    return known.get(text)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


def _named_month(text: str) -> Period | None:
    for pattern in ("%B %Y", "%b %Y"):
        try:
            parsed = datetime.strptime(text, pattern)  # noqa: DTZ007 - a calendar month, no time of day
        except ValueError:
            continue
        return _month(parsed.year, parsed.month)
    return None


def _absolute(text: str) -> Period | None:
    if re.fullmatch(r"\d{4}", text):
        return _year(int(text))
    if (found := re.fullmatch(r"(\d{4})-(\d{1,2})", text)) and 1 <= int(found[2]) <= 12:
        return _month(int(found[1]), int(found[2]))
    if quarter := _QUARTER.match(text):
        year, number = int(quarter[1] or quarter[4]), int(quarter[2] or quarter[3])
        start = date(year, 3 * number - 2, 1)
        return Period(start, _month(year, 3 * number).end, f"Q{number} {year}")
    return _days(text) or _named_month(text)


def _days(text: str) -> Period | None:
    """One day, or a range of days."""
    if (day := _day(text)) is not None:
        return Period(day, day, day.isoformat())
    if found := _RANGE.match(text):
        first, last = _day(found[1]), _day(found[2])
        if first is None or last is None:
            return None
        if first > last:
            raise InvalidInput(f"the period {found[1]}..{found[2]} ends before it starts")
        return Period(first, last, f"{first.isoformat()} to {last.isoformat()}")
    return None


def parse_period(text: str, today: date) -> Period:
    """The period `text` names, as of `today` (Pacific). A period that reaches past today ends
    today: a report cannot count days that have not happened. Raises `InvalidInput` saying what
    it accepts."""
    spoken = " ".join(text.lower().replace(",", " ").split())
    period = _relative(spoken, today) or _absolute(spoken)
    if period is None:
        raise InvalidInput(f"I can't read “{text.strip()}” as a period. Try one of: {', '.join(EXAMPLES)}.")
    if period.start > today:
        raise InvalidInput(f"{period.label} has not begun yet (today is {today.isoformat()}).")
    if period.end > today:
        return Period(period.start, today, period.label, period.year)
    return period
