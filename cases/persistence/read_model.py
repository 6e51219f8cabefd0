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
from cases.queries import CaseView, IssueView, case_view
from cases.stages import TERMINAL, parse_stage


class SqlCaseReader:
    """Read access to cases for listings and status answers, without locks."""

    def __init__(self, engine: Engine, calendar: BusinessCalendar, today: date) -> None:
        self._engine = engine
        self._calendar = calendar
        self._today = today

    def get(self, number: str) -> CaseView:
        """The view of one case, read without locking; raises `CaseNotFound`."""
        with Session(self._engine) as session:
            case = session.execute(
                sa.select(Case).where(tables.cases.c.number == number)
            ).scalar_one_or_none()
            if case is None:
                raise CaseNotFound(number)
            return case_view(case, self._calendar, self._today)

    def list_cases(self, *, stage: str | None = None, tier: int | None = None,
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

    def search_issues(self, text: str) -> list[IssueView]:
        """Customer issues whose text or resolution contains `text` (any case), oldest first."""
        issues, c = tables.issues, tables.cases.c
        pattern = f"%{text.strip().lower()}%"
        position = sa.func.row_number().over(partition_by=issues.c.case_id, order_by=issues.c.id)
        numbered = sa.select(issues, position.label("position")).subquery()
        statement = (
            sa.select(c.number, numbered)
            .join(numbered, numbered.c.case_id == c.id)
            .where(sa.or_(sa.func.lower(numbered.c.text).like(pattern),
                          sa.func.lower(sa.func.coalesce(numbered.c.resolution, "")).like(pattern)))
            .order_by(numbered.c.opened_at, numbered.c.id)
        )
        with self._engine.connect() as connection:
            return [
                IssueView(row.number, row.position, row.text, row.opened_at, row.opened_by, row.resolution)
                for row in connection.execute(statement)
            ]
