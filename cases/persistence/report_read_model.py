"""The reports' read model over SQL: plain selects, one per table, joined in Python by case id.

No case is loaded whole: the queue export of 100,000 cases is five queries, each a scan of one
table, rather than 100,000 aggregates with their event logs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cases.calendar import BusinessCalendar
from cases.entities import ACTIVE_CLOCK_STATUSES, ClockStatus, TaskStatus
from cases.persistence import tables
from cases.reports.clocks import lapse_outcome
from cases.reports.records import AnnualCase, CaseReceipt, ClockOutcome, LogEntry, OpenTask, QueueEntry, RunningClock
from cases.stages import DECIDED, TERMINAL

_C = tables.cases.c
_E = tables.events.c
_K = tables.clocks.c
# Bound parameters per IN list: SQLite allows 32,766 and psycopg sends each one; small batches
# keep both well inside their limits.
_BATCH = 500


def _batches(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), _BATCH):
        yield ids[start:start + _BATCH]


def _stage_entered(stage_values: Iterable[str]) -> sa.ColumnElement[bool]:
    """Stage-change events into one of `stage_values`, found by text so the database can filter
    before Python parses the JSON (the same trick as the desk's period figures)."""
    text = sa.cast(_E.changes, sa.Text)
    return sa.and_(_E.action == "stage changed", sa.or_(*(text.like(f'%"{v}"]%') for v in stage_values)))


class SqlReportReader:
    """What the reports read, as frozen records (`cases.reports.records`)."""

    def __init__(self, engine: Engine, calendar: BusinessCalendar) -> None:
        self._engine = engine
        self._calendar = calendar

    def _moment(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self._calendar.zone)

    def queue(self, *, open_only: bool = True) -> list[QueueEntry]:
        """Every case (open ones only by default), in case-number order, with its running clocks,
        open tasks, payments and the time of its last stage change."""
        scope = _C.stage.not_in(TERMINAL) if open_only else sa.true()
        cases_of = sa.select(_C.id).where(scope)
        t, p = tables.tasks.c, tables.payments.c
        with self._engine.connect() as connection:
            changed = dict(connection.execute(
                sa.select(_E.case_id, sa.func.max(_E.at)).where(_E.action == "stage changed",
                                                               _E.case_id.in_(cases_of)).group_by(_E.case_id)).all())
            paid = dict(connection.execute(sa.select(p.case_id, sa.func.sum(p.amount_usd))
                                           .where(p.case_id.in_(cases_of)).group_by(p.case_id)).all())
            clocks: dict[int, list[RunningClock]] = defaultdict(list)
            for row in connection.execute(
                    sa.select(_K.case_id, _K.name, _K.title, _K.citation, _K.due_on, _K.status)
                    .where(_K.status.in_(ACTIVE_CLOCK_STATUSES), _K.case_id.in_(cases_of))).all():
                clocks[row[0]].append(RunningClock(row[1], row[2], row[3], row[4], row[5].value))
            tasks: dict[int, list[OpenTask]] = defaultdict(list)
            for task in connection.execute(
                    sa.select(t.case_id, t.team, t.title, t.assignee, t.due_on)
                    .where(t.status == TaskStatus.OPEN, t.case_id.in_(cases_of)).order_by(t.case_id, t.id)).all():
                tasks[task[0]].append(OpenTask(task[1].value, task[2], task[3], task[4]))
            rows = connection.execute(
                sa.select(_C.id, _C.number, _C.applicant_name, _C.site_address, _C.site_city, _C.site_zip,
                          _C.program, _C.tier, _C.facility_nameplate_kw_ac, _C.facility_export_kw, _C.stage,
                          _C.received_at, _C.fee_due_usd).where(scope).order_by(_C.number)).all()
            # fetchall, not row by row: one call into the driver instead of 100,000.
            return [
                QueueEntry(r[1], r[2], r[3], r[4], r[5], r[6].value, r[7], r[8], r[9], r[10].value, r[11],
                           changed.get(r[0]), tuple(clocks.get(r[0], ())), tuple(tasks.get(r[0], ())), r[12],
                           paid.get(r[0]) or Decimal("0.00"))
                for r in rows
            ]

    def clock_outcomes(self, start: date, end: date) -> list[ClockOutcome]:
        """Clocks that stopped in [start, end] (met or lapsed), and those running on an extension
        agreed away from a due date in it; lapses carry what the event log says followed."""
        stopped = sa.and_(_K.status.in_((ClockStatus.MET, ClockStatus.LAPSED)),
                          _K.stopped_on >= start, _K.stopped_on <= end)
        extended = sa.and_(_K.status == ClockStatus.EXTENDED, _K.original_due_on >= start,
                           _K.original_due_on <= end)
        statement = (
            sa.select(_K.case_id, _C.number, _C.applicant_name, _C.program, _C.tier, _K.name, _K.title,
                      _K.citation, _K.started_on, _K.due_on, _K.original_due_on, _K.stopped_on, _K.status)
            .join(tables.cases, _C.id == _K.case_id).where(sa.or_(stopped, extended)).order_by(_C.number, _K.id))
        with self._engine.connect() as connection:
            rows = connection.execute(statement).all()
            lapsed_ids = sorted({r[0] for r in rows if r[12] == ClockStatus.LAPSED})
            logs = self._logs(connection, lapsed_ids, ("clock lapsed", "clock stopped", "escalated", "stage changed"))
        return [
            ClockOutcome(r[1], r[2], r[3].value, r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12].value,
                         lapse_outcome(r[5], r[11], logs.get(r[0], [])) if r[12] == ClockStatus.LAPSED else None)
            for r in rows
        ]

    def _logs(self, connection: sa.Connection, case_ids: Sequence[int],
              actions: tuple[str, ...]) -> dict[int, list[LogEntry]]:
        logs: dict[int, list[LogEntry]] = defaultdict(list)
        for batch in _batches(case_ids):
            for row in connection.execute(
                    sa.select(_E.case_id, _E.at, _E.action, _E.changes, _E.note)
                    .where(_E.case_id.in_(batch), _E.action.in_(actions)).order_by(_E.case_id, _E.id)):
                logs[row[0]].append(LogEntry(row[1], row[2], dict(row[3] or {}), row[4]))
        return logs

    def open_receipts(self) -> list[CaseReceipt]:
        """When each open case arrived, and its stage now (for the age chart)."""
        return self._receipts(_C.stage.not_in(TERMINAL))

    def receipts_between(self, start: date, end: date) -> list[CaseReceipt]:
        """The cases received on the Pacific days [start, end]."""
        return self._receipts(sa.and_(_C.received_at >= self._moment(start),
                                      _C.received_at < self._moment(date.fromordinal(end.toordinal() + 1))))

    def _receipts(self, where: sa.ColumnElement[bool]) -> list[CaseReceipt]:
        with self._engine.connect() as connection:
            return [CaseReceipt(r[0], r[1].value, r[2].value) for r in connection.execute(
                sa.select(_C.received_at, _C.program, _C.stage).where(where).order_by(_C.received_at))]

    def annual_cases(self, program: str, year: int) -> list[AnnualCase]:
        """The cases of `program` received before the end of `year`, with their decision and the
        day they went into service from the event log (the annual reports pick what they count)."""
        scope = sa.and_(_C.program == program, _C.received_at < self._moment(date(year + 1, 1, 1)))
        ids = sa.select(_C.id).where(scope)
        t, o = tables.tasks.c, tables.purchase_orders.c
        with self._engine.connect() as connection:
            decisions: dict[int, str] = {}
            in_service: dict[int, datetime] = {}
            for case_id, at, changes in connection.execute(
                    sa.select(_E.case_id, _E.at, _E.changes)
                    .where(_E.case_id.in_(ids), _stage_entered([*(s.value for s in DECIDED), "meter_exchanged"]))
                    .order_by(_E.id)):
                entered = str((changes or {}).get("stage", [None, None])[-1])
                if entered == "meter_exchanged":
                    in_service.setdefault(case_id, at)
                elif entered in {s.value for s in DECIDED}:
                    decisions[case_id] = entered
            telemetry = dict(connection.execute(sa.select(t.case_id, t.status).where(
                t.kind == "telemetry_design", t.case_id.in_(ids))).all())
            equipment: dict[int, list[str]] = defaultdict(list)
            for case_id, name, status in connection.execute(
                    sa.select(o.case_id, o.equipment, o.status).where(o.case_id.in_(ids)).order_by(o.id)):
                equipment[case_id].append(f"{name} ({status.value})")
            rows = connection.execute(sa.select(*_ANNUAL_COLUMNS).where(scope).order_by(_C.number)).all()
        return [self._annual(r, decisions, in_service, telemetry, equipment) for r in rows]

    def _annual(self, r: Any, decisions: dict[int, str], in_service: dict[int, datetime],
                telemetry: dict[int, Any], equipment: dict[int, list[str]]) -> AnnualCase:
        served = in_service.get(r.id)
        task = telemetry.get(r.id)
        return AnnualCase(
            r.number, r.program.value, r.tier, r.applicant_name, r.facility_type, r.facility_nameplate_kw_ac,
            r.facility_nameplate_kw_dc, r.site_address, r.site_city, r.site_zip, r.stage.value, r.received_at,
            r.deemed_complete_at, r.decided_at, decisions.get(r.id), tuple(r.decision_reasons or ()),
            self._calendar.local_date(served) if served else None, task.value if task is not None else None,
            tuple(equipment.get(r.id, ())))


_ANNUAL_COLUMNS = (
    _C.id, _C.number, _C.program, _C.tier, _C.applicant_name, _C.facility_type, _C.facility_nameplate_kw_ac,
    _C.facility_nameplate_kw_dc, _C.site_address, _C.site_city, _C.site_zip, _C.stage, _C.received_at,
    _C.deemed_complete_at, _C.decided_at, _C.decision_reasons,
)
