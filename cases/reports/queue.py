"""The queue export: one row per case with everything a manager filters on, as an Excel table
and as CSV (the same columns, for tools that do not read Excel)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from cases.calendar import BusinessCalendar
from cases.reports.days import BusinessDayCounter
from cases.reports.records import QueueEntry
from cases.reports.streamed import streamed_table_workbook
from cases.reports.xlsx import Column

QUEUE_COLUMNS = (
    Column("case", 15), Column("customer", 26), Column("site address", 28), Column("city", 14),
    Column("zip", 8), Column("program", 15), Column("tier", 6, "int"),
    Column("nameplate kW AC", 11, "number"), Column("export kW", 10, "number"), Column("stage", 20),
    Column("received", 12, "date"), Column("in stage since", 13, "date"),
    Column("business days in stage", 11, "int"), Column("next clock", 34), Column("next clock due", 13, "date"),
    Column("business days left", 10, "int"), Column("next clock citation", 22), Column("running clocks", 50),
    Column("open tasks", 50), Column("assignees", 18), Column("fee due USD", 12, "money"),
    Column("fee paid USD", 12, "money"), Column("fee outstanding USD", 13, "money"),
)


def _words(value: str) -> str:
    return value.replace("_", " ")


def queue_row(entry: QueueEntry, calendar: BusinessCalendar, days: BusinessDayCounter,
              today: date) -> tuple[object, ...]:
    """The row of one case, in `QUEUE_COLUMNS` order.

    Days in stage count business days from the last stage change in the event log (the receipt
    when it never moved) to `today`; "business days left" is negative once the clock is late.
    """
    since = calendar.local_date(entry.stage_changed_at or entry.received_at)
    clocks = sorted(entry.clocks, key=lambda clock: (clock.due_on, clock.name))
    upcoming = clocks[0] if clocks else None
    tasks = "; ".join(f"{task.team}: {task.title} (@{task.assignee or 'unassigned'})" for task in entry.tasks)
    assignees = ", ".join(sorted({task.assignee for task in entry.tasks if task.assignee}))
    outstanding = None
    if entry.fee_due_usd is not None:
        outstanding = max(entry.fee_due_usd - entry.fee_paid_usd, 0)
    return (
        entry.number, entry.customer, entry.address, entry.city, entry.zip, _words(entry.program), entry.tier,
        entry.nameplate_kw_ac, entry.export_kw, _words(entry.stage), calendar.local_date(entry.received_at),
        since, days.between(since, today),
        upcoming.title if upcoming else None, upcoming.due_on if upcoming else None,
        days.between(today, upcoming.due_on) if upcoming else None, upcoming.citation if upcoming else None,
        "; ".join(f"{clock.title} due {clock.due_on.isoformat()}"
                  + (" (extended)" if clock.status == "extended" else "") for clock in clocks) or None,
        tasks or None, assignees or None, entry.fee_due_usd, entry.fee_paid_usd, outstanding,
    )


def queue_rows(entries: Sequence[QueueEntry], calendar: BusinessCalendar, today: date) -> list[tuple[object, ...]]:
    """The rows of every case, in the order given (the read model sorts by case number)."""
    if not entries:
        return []
    first = min(*(calendar.local_date(e.received_at) for e in entries), today)
    last = max([today, *(clock.due_on for entry in entries for clock in entry.clocks)])
    days = BusinessDayCounter(calendar, first, last)
    return [queue_row(entry, calendar, days, today) for entry in entries]


def queue_xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    """The queue as an Excel table on one sheet ("Queue"), panes frozen below the header and
    right of the case number."""
    return streamed_table_workbook("Queue", "Queue", QUEUE_COLUMNS, rows)


def _csv_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def queue_csv(rows: Sequence[Sequence[object]]) -> bytes:
    """The same rows as CSV (UTF-8 with a byte-order mark, so Excel opens accents right; dates
    ISO 8601, money plain decimals)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in QUEUE_COLUMNS])
    writer.writerows([_csv_value(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
