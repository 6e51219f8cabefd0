"""The case repository and the unit of work over SQLAlchemy sessions."""

from __future__ import annotations

from datetime import date
from types import TracebackType
from typing import Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from cases.case import Case
from cases.entities import ACTIVE_CLOCK_STATUSES
from cases.errors import CaseNotFound
from cases.numbering import format_case_number
from cases.persistence import tables
from cases.persistence.database import WRITE_OPTION
from cases.stages import TERMINAL


class SqlCaseRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, case: Case) -> None:
        """Stage a new case for insertion at commit."""
        self.session.add(case)

    def get(self, number: str) -> Case:
        """Load the case and lock its row, so concurrent changes to one case queue up."""
        found = self.session.execute(
            sa.select(Case).where(tables.cases.c.number == number).with_for_update()
        ).scalar_one_or_none()
        if found is None:
            raise CaseNotFound(number)
        return found

    def next_number(self, year: int) -> str:
        """Reserve the next sequence of `year`. The counter row is updated in this
        transaction, so a rollback returns the number and concurrent writers wait: no gaps,
        no duplicates."""
        counters = tables.case_number_counters
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert(counters)
            .values(year=year, last_sequence=1)
            .on_conflict_do_update(
                index_elements=[counters.c.year],
                set_={"last_sequence": counters.c.last_sequence + 1},
            )
            .returning(counters.c.last_sequence)
        )
        sequence = self.session.execute(statement).scalar_one()
        return format_case_number(year, sequence)

    def numbers_with_clocks_due_before(self, day: date) -> list[str]:
        """Open cases with a running or extended clock due before `day`."""
        statement = (
            sa.select(tables.cases.c.number)
            .join(tables.clocks, tables.clocks.c.case_id == tables.cases.c.id)
            .where(
                tables.clocks.c.status.in_(ACTIVE_CLOCK_STATUSES),
                tables.clocks.c.due_on < day,
                tables.cases.c.stage.not_in(TERMINAL),
            )
            .distinct()
            .order_by(tables.cases.c.number)
        )
        return list(self.session.execute(statement).scalars())


class SqlUnitOfWork:
    """One transaction per `with` block; leaving the block without `commit()` rolls back."""

    cases: SqlCaseRepository

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(
            bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self._session: Session | None = None

    def __enter__(self) -> Self:
        self._session = self._sessions()
        self.cases = SqlCaseRepository(self._session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        session = self._active()
        session.rollback()
        session.close()
        self._session = None

    def commit(self) -> None:
        """Commit the transaction."""
        self._active().commit()

    def rollback(self) -> None:
        """Roll the transaction back."""
        self._active().rollback()

    def _active(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session
