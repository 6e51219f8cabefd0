"""The read path over the database: loads cases without locking and returns views."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cases.calendar import BusinessCalendar
from cases.case import Case
from cases.entities import ACTIVE_CLOCK_STATUSES, TaskStatus
from cases.errors import CaseNotFound
from cases.persistence import tables
from cases.queries import CaseView, case_view
from cases.stages import TERMINAL, parse_stage


class SqlCaseReader:
    def __init__(self, engine: Engine, calendar: BusinessCalendar, today: date) -> None:
        self._engine = engine
        self._calendar = calendar
        self._today = today

    def get(self, number: str) -> CaseView:
        with Session(self._engine) as session:
            case = session.execute(
                sa.select(Case).where(tables.cases.c.number == number)
            ).scalar_one_or_none()
            if case is None:
                raise CaseNotFound(number)
            return case_view(case, self._calendar, self._today)

    def list(self, *, stage: str | None = None, tier: int | None = None,
             overdue_on: date | None = None) -> list[CaseView]:
        """Cases in number order; `overdue_on` keeps open cases with a running clock or an
        open task due before that day."""
        c = tables.cases.c
        statement = sa.select(Case).order_by(c.number)
        if stage is not None:
            statement = statement.where(c.stage == parse_stage(stage))
        if tier is not None:
            statement = statement.where(c.tier == tier)
        if overdue_on is not None:
            late_clock = sa.select(tables.clocks.c.case_id).where(
                tables.clocks.c.status.in_(ACTIVE_CLOCK_STATUSES), tables.clocks.c.due_on < overdue_on)
            late_task = sa.select(tables.tasks.c.case_id).where(
                tables.tasks.c.status == TaskStatus.OPEN, tables.tasks.c.due_on < overdue_on)
            statement = statement.where(
                c.stage.not_in(TERMINAL), sa.or_(c.id.in_(late_clock), c.id.in_(late_task)))
        with Session(self._engine) as session:
            return [case_view(case, self._calendar, self._today)
                    for case in session.execute(statement).scalars()]
