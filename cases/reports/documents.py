"""The report files a manager asks for by name, built the same way for the command line, Slack
and the terminal chat: the queue, clock compliance and the two annual reports, each as an xlsx
workbook with a one-line summary to send beside it.

The records come from a `ReportSource` (`cases.persistence.report_read_model.SqlReportReader`
in the desk); everything here is pure, so any process makes the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from cases.errors import InvalidInput
from cases.reports import annual, annual_net_metering, clocks, queue
from cases.reports.days import BusinessDayCounter
from cases.reports.periods import Period, parse_period
from cases.reports.records import AnnualCase, ClockOutcome, QueueEntry
from cases.rulebook import RuleBook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Name → what it is called in a sentence. "clocks" is the command line's older name for compliance.
REPORTS = {"queue": "queue report", "compliance": "clock compliance report",
           "annual-small-generator": "small generator annual report",
           "annual-net-metering": "net metering annual report"}
ALIASES = {"clocks": "compliance"}


class ReportSource(Protocol):
    """What the reports read (the desk's report read model)."""

    def queue(self, *, open_only: bool = True) -> list[QueueEntry]: ...

    def clock_outcomes(self, start: date, end: date) -> list[ClockOutcome]: ...

    def annual_cases(self, program: str, year: int) -> list[AnnualCase]: ...


@dataclass(frozen=True)
class ReportRequest:
    """Which report, for which period (None for the queue, which is always as of today), and
    for the queue whether closed and withdrawn cases are included."""

    name: str
    period: Period | None = None
    all_cases: bool = False

    @property
    def title(self) -> str:
        return REPORTS[self.name]


@dataclass(frozen=True)
class ReportFile:
    """A finished report: its file name, bytes, and one line saying what is in it."""

    filename: str
    data: bytes
    summary: str
    media_type: str = XLSX_TYPE


def _queue_request(words: Sequence[str]) -> ReportRequest:
    if not words:
        return ReportRequest("queue")
    if [w.lower() for w in words] == ["all"]:
        return ReportRequest("queue", all_cases=True)
    raise InvalidInput("The queue report is always as of today and takes no period; "
                       "add `all` to include closed and withdrawn cases (`report queue all`).")


def _annual_year(name: str, words: Sequence[str], today: date) -> Period:
    # The reports are due in the spring for the year before, so that is what a bare request means.
    period = parse_period(" ".join(words) or "last year", today)
    if period.year is None:
        raise InvalidInput(f"The {REPORTS[name]} covers a calendar year: say `report {name} "
                           f"{today.year - 1}` or `report {name} last year`.")
    return period


def report_request(words: Sequence[str], today: date) -> ReportRequest:
    """`<name> [period]` as typed after `report`; raises `InvalidInput` naming what is accepted."""
    names = ", ".join(f"`{n}`" for n in REPORTS)
    if not words:
        raise InvalidInput(f"Which report? One of {names}, e.g. `report compliance last month`.")
    name = ALIASES.get(words[0].lower(), words[0].lower())
    rest = list(words[1:])
    if name not in REPORTS:
        raise InvalidInput(f"I don't know the report `{words[0]}`. The reports are {names}.")
    if name == "queue":
        return _queue_request(rest)
    if name == "compliance":
        # Default: the year so far, as on the command line.
        return ReportRequest(name, parse_period(" ".join(rest) or "this year", today))
    return ReportRequest(name, _annual_year(name, rest, today))


def queue_rows(source: ReportSource, book: RuleBook, today: date, *,
               all_cases: bool = False) -> list[tuple[object, ...]]:
    """The queue export's rows, days counted to `today`."""
    return queue.queue_rows(source.queue(open_only=not all_cases), book.calendar, today)


def compliance(source: ReportSource, book: RuleBook, start: date, end: date) -> clocks.Compliance:
    """Clock compliance of the clocks stopped (or extended) from `start` to `end`."""
    outcomes = source.clock_outcomes(start, end)
    first = min([start, *(o.started_on for o in outcomes)])
    days = BusinessDayCounter(book.calendar, first, end)
    return clocks.compliance(outcomes, clocks.clock_teams(book.catalog.rule_sets), days, start, end)


def _plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


def _queue_file(request: ReportRequest, source: ReportSource, book: RuleBook, today: date) -> ReportFile:
    rows = queue_rows(source, book, today, all_cases=request.all_cases)
    left = [c.header for c in queue.QUEUE_COLUMNS].index("business days left")
    late = sum(1 for row in rows if isinstance(days := row[left], int) and days < 0)
    scope = "cases" if request.all_cases else "open cases"
    return ReportFile(f"queue-{today.isoformat()}.xlsx", queue.queue_xlsx(rows),
                      f"The queue on {today:%B} {today.day}, {today.year}: {len(rows)} {scope}, "
                      f"{_plural(late, 'case')} with a clock past due.")


def _compliance_file(period: Period, source: ReportSource, book: RuleBook, now: datetime) -> ReportFile:
    result = compliance(source, book, period.start, period.end)
    total = result.total
    return ReportFile(f"clock-compliance-{period.slug}.xlsx",
                      clocks.compliance_xlsx(result, now, book.calendar.zone),
                      f"Clock compliance, {period.label} ({period.start.isoformat()} to {period.end.isoformat()}): "
                      f"{total.met} met, {total.lapsed} lapsed, {total.extended} extended.")


def _annual_file(name: str, year: int, source: ReportSource, book: RuleBook, now: datetime) -> ReportFile:
    period = annual.Year(year, book.calendar)
    zone = book.calendar.zone
    if name == "annual-small-generator":
        cases = source.annual_cases("small_generator", year)
        complete = sum(period.within(c.deemed_complete_at) for c in cases)
        completed = sum(period.within(c.in_service_on) for c in cases)
        return ReportFile(f"annual-small-generator-{year}.xlsx",
                          annual.small_generator_xlsx(cases, period, now, zone),
                          f"Small generator annual report {year} (OAR 860-082-0065(3), due May 30, {year + 1}): "
                          f"{_plural(complete, 'complete application')}, "
                          f"{_plural(completed, 'interconnection')} completed.")
    cases = source.annual_cases("net_metering", year)
    facilities = annual_net_metering.in_service_by(cases, date(year, 12, 31))
    capacity = sum(annual.capacity_kw(c) for c in facilities)
    return ReportFile(f"annual-net-metering-{year}.xlsx",
                      annual_net_metering.net_metering_xlsx(cases, period, now, zone),
                      f"Net metering annual report {year} (OAR 860-039-0070, due April 1, {year + 1}): "
                      f"{_plural(len(facilities), 'facility', 'facilities')} at year end, "
                      f"{capacity:,.1f} kW rated capacity.")


def build_report(request: ReportRequest, source: ReportSource, book: RuleBook, now: datetime) -> ReportFile:
    """The workbook `request` asks for, as of `now`."""
    if request.name == "queue":
        return _queue_file(request, source, book, book.calendar.local_date(now))
    if request.period is None:
        raise InvalidInput(f"the {request.title} needs a period")
    if request.name == "compliance":
        return _compliance_file(request.period, source, book, now)
    if request.period.year is None:
        raise InvalidInput(f"the {request.title} covers a calendar year")
    return _annual_file(request.name, request.period.year, source, book, now)
