"""The desk's read models over SQL: plain selects and GROUP BYs, no aggregates loaded."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time

import sqlalchemy as sa

from cases.desk_queries import CaseDates, CaseIndexEntry, ClockDue, PeriodFacts, TaskDue
from cases.entities import ACTIVE_CLOCK_STATUSES, ClockStatus, TaskStatus
from cases.persistence import tables
from cases.persistence.read_model import SqlCaseReader
from cases.stages import TERMINAL

_C = tables.cases.c


def _name(key: object) -> str:
    """An enum's value, or the text of anything else (a tier number, None)."""
    return str(getattr(key, "value", key))


class SqlDeskReader(SqlCaseReader):
    def _moment(self, day: date) -> datetime:
        return datetime.combine(day, time(0), self._calendar.zone)

    def index(self, *, open_only: bool = True) -> list[CaseIndexEntry]:
        """Number, name, address and account of cases, to search by."""
        statement = sa.select(_C.number, _C.applicant_name, _C.site_address, _C.site_city,
                              _C.site_account_number, _C.stage).order_by(_C.number)
        if open_only:
            statement = statement.where(_C.stage.not_in(TERMINAL))
        with self._engine.connect() as connection:
            return [CaseIndexEntry(r[0], r[1], r[2], r[3], r[4], r[5].value) for r in connection.execute(statement)]

    def index_matching(self, words: list[str], *, limit: int = 500) -> list[CaseIndexEntry]:
        """Cases whose name, address, city or account contains any of `words` (case-blind)."""
        columns = (_C.applicant_name, _C.site_address, _C.site_city, _C.site_account_number)
        # SQLite's LIKE already ignores (ASCII) case, as its lower() only lowers ASCII: calling
        # lower() on every column of every row made this scan 2.4x slower for the same answer.
        sqlite = self._engine.dialect.name == "sqlite"
        conditions = [column.like(f"%{word}%") if sqlite else column.ilike(f"%{word}%")
                      for word in words for column in columns]
        if not conditions:
            return []
        statement = (sa.select(_C.number, _C.applicant_name, _C.site_address, _C.site_city, _C.site_account_number,
                               _C.stage).where(sa.or_(*conditions)).order_by(_C.number.desc()).limit(limit))
        with self._engine.connect() as connection:
            return [CaseIndexEntry(r[0], r[1], r[2], r[3], r[4], r[5].value) for r in connection.execute(statement)]

    def open_tasks(self, *, team: str | None = None, assignee: str | None = None, due_before: date | None = None,
                   due_from: date | None = None) -> list[TaskDue]:
        """Open tasks of open cases, soonest due first (undated last); with `due_before` or
        `due_from` only the dated ones due in [due_from, due_before)."""
        t = tables.tasks.c
        statement = (
            sa.select(_C.number, _C.applicant_name, t.team, t.kind, t.title, t.assignee, t.due_on)
            .join(tables.tasks, t.case_id == _C.id)
            .where(t.status == TaskStatus.OPEN, _C.stage.not_in(TERMINAL))
            .order_by(t.due_on.is_(None), t.due_on, _C.number)
        )
        if team is not None:
            statement = statement.where(t.team == team)
        if assignee is not None:
            statement = statement.where(t.assignee == assignee)
        if due_before is not None:
            statement = statement.where(t.due_on < due_before)
        if due_from is not None:
            statement = statement.where(t.due_on >= due_from)
        with self._engine.connect() as connection:
            return [TaskDue(r[0], r[1], r[2].value, r[3], r[4], r[5], r[6]) for r in connection.execute(statement)]

    def running_clocks(self, *, due_before: date | None = None, due_from: date | None = None) -> list[ClockDue]:
        """Running or extended clocks of open cases, soonest due first, optionally only those
        due in [due_from, due_before)."""
        k = tables.clocks.c
        statement = (
            sa.select(_C.number, _C.applicant_name, k.name, k.title, k.citation, k.due_on, k.status)
            .join(tables.clocks, k.case_id == _C.id)
            .where(k.status.in_(ACTIVE_CLOCK_STATUSES), _C.stage.not_in(TERMINAL))
            .order_by(k.due_on, _C.number)
        )
        if due_before is not None:
            statement = statement.where(k.due_on < due_before)
        if due_from is not None:
            statement = statement.where(k.due_on >= due_from)
        with self._engine.connect() as connection:
            return [ClockDue(r[0], r[1], r[2], r[3], r[4], r[5], r[6].value) for r in connection.execute(statement)]

    def _count_between(self, connection: sa.Connection, column: sa.ColumnElement[datetime], start: date,
                       end: date) -> int:
        statement = sa.select(sa.func.count()).where(column >= self._moment(start), column < self._moment(end))
        return int(connection.execute(statement).scalar_one())

    def _open_counts(self, connection: sa.Connection) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
        """Open cases by stage, by tier and by program, from one pass over the open cases."""
        by_stage: Counter[str] = Counter()
        by_tier: Counter[str] = Counter()
        by_program: Counter[str] = Counter()
        statement = (sa.select(_C.stage, _C.tier, _C.program, sa.func.count()).where(_C.stage.not_in(TERMINAL))
                     .group_by(_C.stage, _C.tier, _C.program))
        for stage, tier, program, count in connection.execute(statement):
            by_stage[_name(stage)] += count
            by_tier[_name(tier)] += count
            by_program[_name(program)] += count
        return dict(by_stage), dict(by_tier), dict(by_program)

    def received_between(self, start: date, end: date) -> int:
        """How many applications arrived in [start, end) (Pacific dates)."""
        with self._engine.connect() as connection:
            return self._count_between(connection, _C.received_at, start, end)

    def period(self, start: date, end: date) -> PeriodFacts:
        """The figures of [start, end) (Pacific dates) and the open queue now."""
        k = tables.clocks.c
        with self._engine.connect() as connection:
            received = self._count_between(connection, _C.received_at, start, end)
            completed = self._count_between(connection, _C.deemed_complete_at, start, end)
            decided_rows = connection.execute(
                sa.select(_C.number, _C.program, _C.tier, _C.received_at, _C.deemed_complete_at, _C.decided_at)
                .where(_C.decided_at >= self._moment(start), _C.decided_at < self._moment(end))).all()
            stopped = connection.execute(
                sa.select(k.status, sa.func.count()).where(k.stopped_on >= start, k.stopped_on < end)
                .group_by(k.status)).all()
            closed = connection.execute(sa.select(sa.func.count()).where(
                tables.events.c.action == "stage changed",
                sa.cast(tables.events.c.changes, sa.Text).like('%"closed"]%'),
                tables.events.c.at >= self._moment(start), tables.events.c.at < self._moment(end))).scalar_one()
            extended = connection.execute(sa.select(sa.func.count()).where(
                k.original_due_on.is_not(None), k.original_due_on >= start, k.original_due_on < end)).scalar_one()
            by_stage, by_tier, by_program = self._open_counts(connection)
            return PeriodFacts(
                received=received, completed=completed, decided=len(decided_rows), closed=int(closed),
                open_by_stage=by_stage, open_by_tier=by_tier, open_by_program=by_program,
                clocks_by_status=dict(Counter({ClockStatus(s).value: int(n) for s, n in stopped})),
                extended=int(extended),
                decided_cases=tuple(CaseDates(r[0], r[1].value, r[2], r[3], r[4], r[5]) for r in decided_rows),
            )
