"""`icdesk report ...`: the manager's exports, charts and the regulator's annual reports.

Reads go through `SqlReportReader` (plain selects); the files are made by the pure builders in
`cases.reports`, so Slack and the scheduler can make the same bytes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import click

from app.bootstrap import Desk
from app.context import DeskContext, pass_context
from cases.errors import InvalidInput
from cases.persistence.report_read_model import SqlReportReader
from cases.reports import charts, clocks, documents, queue
from cases.reports.periods import EXAMPLES, parse_period

DAY = click.DateTime(formats=["%Y-%m-%d"])
CHARTS = ("stage-age", "weekly", "compliance")
PERIOD_HELP = f"PERIOD: {', '.join(EXAMPLES)}"


def _write(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise InvalidInput(f"cannot write {path}: {error.strerror}") from None


def _day(value: datetime | None, default: date) -> date:
    return value.date() if value is not None else default


def _reader(desk: Desk) -> SqlReportReader:
    return SqlReportReader(desk.engine, desk.book.calendar)


def _zone_now(desk: Desk) -> datetime:
    return desk.now().astimezone(desk.book.calendar.zone)


@click.group(help="Reports: the queue export, clock compliance, charts and the annual reports.")
def report() -> None:
    pass


@report.command("queue", help="One row per case: an Excel table (--xlsx) and/or CSV (--csv).")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--csv", "csv_path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--all", "all_cases", is_flag=True, help="closed and withdrawn cases too (default: open ones)")
@click.option("--today", type=DAY, help="count days as of this day (default: today, Pacific)")
@pass_context
def report_queue(context: DeskContext, xlsx_path: Path | None, csv_path: Path | None, all_cases: bool,
                 today: datetime | None) -> None:
    if xlsx_path is None and csv_path is None:
        raise InvalidInput("say where to write the queue: --xlsx FILE, --csv FILE, or both")
    desk = context.desk()
    rows = documents.queue_rows(_reader(desk), desk.book, _day(today, desk.today()), all_cases=all_cases)
    for path, make in ((xlsx_path, queue.queue_xlsx), (csv_path, queue.queue_csv)):
        if path is not None:
            _write(path, make(rows))
            click.echo(f"wrote {len(rows)} case{'s' if len(rows) != 1 else ''} to {path}")


@report.command("clocks", help="Clock compliance per clock and team for a period, and the lapses (also "
                               "`icdesk report compliance`). " + PERIOD_HELP + "; or --from/--to; default: this year.")
@click.argument("period", nargs=-1)
@click.option("--from", "start", type=DAY, help="first day (default: January 1 of this year)")
@click.option("--to", "end", type=DAY, help="last day (default: today)")
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False),
              help="also write the report as a workbook")
@pass_context
def report_clocks(context: DeskContext, period: tuple[str, ...], start: datetime | None, end: datetime | None,
                  xlsx_path: Path | None) -> None:
    desk = context.desk()
    if period and (start or end):
        raise InvalidInput("give a PERIOD or --from/--to, not both")
    if period:
        named = parse_period(" ".join(period), desk.today())
        first, last = named.start, named.end
    else:
        last = _day(end, desk.today())
        first = _day(start, date(last.year, 1, 1))
    if first > last:
        raise InvalidInput(f"--from {first.isoformat()} is after --to {last.isoformat()}")
    result = documents.compliance(_reader(desk), desk.book, first, last)
    click.echo(clocks.compliance_text(result, _zone_now(desk)))
    if xlsx_path is not None:
        _write(xlsx_path, clocks.compliance_xlsx(result, desk.now(), desk.book.calendar.zone))
        click.echo(f"wrote {xlsx_path}")


report.add_command(report_clocks, "compliance")


@report.command("chart", help="A PNG chart: stage-age (open cases by stage and age), weekly (applications "
                              "received per week by program), compliance (clocks met and lapsed per month).")
@click.argument("name", type=click.Choice(CHARTS))
@click.option("--png", "png_path", type=click.Path(path_type=Path, dir_okay=False), required=True)
@click.option("--from", "start", type=DAY, help="weekly: 12 weeks back; compliance: 12 months back")
@click.option("--to", "end", type=DAY, help="last day (default: today)")
@pass_context
def report_chart(context: DeskContext, name: str, png_path: Path, start: datetime | None,
                 end: datetime | None) -> None:
    desk = context.desk()
    calendar, last = desk.book.calendar, _day(end, desk.today())
    if name == "stage-age":
        data = charts.stage_age_png(charts.stage_age_series(_reader(desk).open_receipts(), calendar, last), last)
    elif name == "weekly":
        first = _day(start, last - timedelta(weeks=12) + timedelta(days=1))
        receipts = _reader(desk).receipts_between(first, last)
        data = charts.weekly_png(charts.weekly_series(receipts, calendar, first, last), first, last)
    else:
        first = _day(start, (last.replace(day=1) - timedelta(days=335)).replace(day=1))
        outcomes = _reader(desk).clock_outcomes(first, last)
        data = charts.compliance_png(charts.monthly_series(outcomes, first, last), first, last)
    _write(png_path, data)
    click.echo(f"wrote {png_path}")


def _annual(context: DeskContext, name: str, year_words: tuple[str, ...], xlsx_path: Path) -> None:
    desk = context.desk()
    request = documents.report_request([name, *year_words], desk.today())
    _write(xlsx_path, documents.build_report(request, _reader(desk), desk.book, desk.now()).data)
    click.echo(f"wrote {xlsx_path}")


@report.command("annual-small-generator", help="The small generator annual report (OAR 860-082-0065(3)) of "
                                               "YEAR: 2025, last year or this year.")
@click.argument("year", nargs=-1, required=True)
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_context
def report_annual_small_generator(context: DeskContext, year: tuple[str, ...], xlsx_path: Path) -> None:
    _annual(context, "annual-small-generator", year, xlsx_path)


@report.command("annual-net-metering", help="The net metering annual report (OAR 860-039-0070) of YEAR: "
                                            "2025, last year or this year.")
@click.argument("year", nargs=-1, required=True)
@click.option("--xlsx", "xlsx_path", type=click.Path(path_type=Path, dir_okay=False), required=True)
@pass_context
def report_annual_net_metering(context: DeskContext, year: tuple[str, ...], xlsx_path: Path) -> None:
    _annual(context, "annual-net-metering", year, xlsx_path)
