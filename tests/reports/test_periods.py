"""The periods people name, read the same by `icdesk report` and by `report` in chat."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import Run

from cases.errors import InvalidInput
from cases.reports.documents import ReportRequest, report_request
from cases.reports.periods import Period, parse_period

TODAY = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ("2026", date(2026, 1, 1), TODAY, "2026"),  # the year so far
    ("2026-02", date(2026, 2, 1), date(2026, 2, 28), "February 2026"),
    ("2024-2", date(2024, 2, 1), date(2024, 2, 29), "February 2024"),
    ("October 2026", date(2026, 10, 1), date(2026, 10, 31), "October 2026"),
    ("oct 2026", date(2026, 10, 1), date(2026, 10, 31), "October 2026"),
    ("2026-Q3", date(2026, 7, 1), date(2026, 9, 30), "Q3 2026"),
    ("q4 2025", date(2025, 10, 1), date(2025, 12, 31), "Q4 2025"),
    ("2026-11-03", date(2026, 11, 3), date(2026, 11, 3), "2026-11-03"),
    ("2026-11-03..2026-11-10", date(2026, 11, 3), date(2026, 11, 10), "2026-11-03 to 2026-11-10"),
    ("2026-11-03 to 2026-11-10", date(2026, 11, 3), date(2026, 11, 10), "2026-11-03 to 2026-11-10"),
    ("this week", date(2026, 11, 16), TODAY, "week of November 16, 2026"),
    ("Last  Week", date(2026, 11, 9), date(2026, 11, 15), "week of November 9, 2026"),
    ("this month", date(2026, 11, 1), TODAY, "November 2026"),
    ("last month", date(2026, 10, 1), date(2026, 10, 31), "October 2026"),
    ("last year", date(2025, 1, 1), date(2025, 12, 31), "2025"),
    ("yesterday", date(2026, 11, 17), date(2026, 11, 17), "2026-11-17"),
])
def test_periods_as_people_say_them(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text, TODAY)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_last_month_in_january_is_last_years_december() -> None:
    assert parse_period("last month", date(2027, 1, 5)) == Period(date(2026, 12, 1), date(2026, 12, 31),
                                                                  "December 2026")


@pytest.mark.parametrize(("text", "says"), [
    ("someday", "I can't read “someday” as a period. Try one of: 2026, 2026-11, 2026-Q3"),
    ("2026-13", "I can't read “2026-13” as a period"),
    ("2026-02-30", "I can't read “2026-02-30” as a period"),
    ("2026-11-10..2026-11-03", "the period 2026-11-10..2026-11-03 ends before it starts"),
    ("2027", "2027 has not begun yet (today is 2026-11-18)."),
    ("next week", "I can't read “next week” as a period"),
])
def test_a_period_that_cannot_be_read_says_what_can(text: str, says: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_period(text, TODAY)
    assert str(raised.value).startswith(says)


def test_report_requests_and_their_defaults() -> None:
    assert report_request(["queue"], TODAY) == ReportRequest("queue")
    assert report_request(["Queue", "ALL"], TODAY) == ReportRequest("queue", all_cases=True)
    assert report_request(["clocks"], TODAY).period == parse_period("this year", TODAY)
    assert report_request(["compliance", "last", "month"], TODAY).period == parse_period("last month", TODAY)
    annual = report_request(["annual-small-generator"], TODAY).period
    assert annual is not None
    assert annual.year == 2025
    assert report_request(["annual-net-metering", "2024"], TODAY).period == parse_period("2024", TODAY)
    with pytest.raises(InvalidInput, match="covers a calendar year"):
        report_request(["annual-net-metering", "last", "month"], TODAY)
    with pytest.raises(InvalidInput, match=r"Which report\?"):
        report_request([], TODAY)


def test_the_command_line_takes_the_same_periods(run: Run, numbers: dict[str, str]) -> None:
    named = run("compliance", "2026-Q2").output
    assert named.startswith("Clock compliance 2026-04-01 to 2026-06-30 ")
    assert run("clocks", "--from", "2026-04-01", "--to", "2026-06-30").output.splitlines()[2:] == \
        named.splitlines()[2:]
    bad = run("clocks", "someday", ok=False)
    assert str(bad.exception).startswith("I can't read “someday” as a period.")
    both = run("clocks", "2026", "--from", "2026-01-01", ok=False)
    assert str(both.exception) == "give a PERIOD or --from/--to, not both"
