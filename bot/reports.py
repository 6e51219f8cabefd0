"""`report <name> [period]`: a manager's workbook (the queue, clock compliance, an annual
report) as a file. The grammar only checks the request and answers "Building …"; the
transport that can carry a file builds it afterwards with `make_report` and delivers it
(Slack uploads it to the manager's direct messages with the bot, the terminal writes it to
a folder), so a slow report never holds up the answer."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.commands import REGISTRY
from bot.content import Content, Notice
from bot.core import BotDeps, Caller, Role
from cases.errors import DeskError
from cases.reports.documents import REPORTS, ReportFile, ReportRequest, report_request

# The workbooks list every case with its customer and site: for the managers who answer for them.
REPORT_ROLES = frozenset({Role.MANAGER})


@dataclass(frozen=True)
class ReportOrder(Notice):
    """The answer to a valid `report` request: a notice ("Building the queue report…") that
    carries the request, so a transport that can deliver files recognises it and goes on."""

    request: ReportRequest = field(kw_only=True)


def _building(request: ReportRequest) -> str:
    period = request.period
    if period is None:
        what = "including closed and withdrawn cases" if request.all_cases else "open cases as of today"
        return f"Building the {request.title} ({what})…"
    return f"Building the {request.title} for {period.label}…"


@REGISTRY.command("report", usage=f"report <{'|'.join(REPORTS)}> [period]",
                  summary="a workbook, sent to you as a file; periods like 2026, 2026-11, last month, this week",
                  example="report compliance last month", roles=REPORT_ROLES)
def report(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    request = report_request(args, deps.book.calendar.local_date(deps.now()))
    return ReportOrder(_building(request), request=request)


def make_report(deps: BotDeps, request: ReportRequest) -> ReportFile:
    """Build the file (the slow part, after the answer has gone). Raises `DeskError` when this
    desk cannot make reports, or the request cannot be met."""
    if deps.reports is None:
        raise DeskError("Reports are not available on this desk.")
    return deps.reports(request)
