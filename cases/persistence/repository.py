"""The case repository and the unit of work over SQLAlchemy sessions."""

from __future__ import annotations

from datetime import date, datetime
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
from cases.persistence.messaging import SqlMessageLog, SqlOutbox
from cases.stages import TERMINAL


class SqlCaseRepository:
    """Cases over SQLAlchemy, locked per case while they change."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # Strong references to the cases of this transaction: the session holds loaded
        # objects weakly, and a case's queued notifications must live until the commit.
        self.seen: list[Case] = []

    def add(self, case: Case) -> None:
        """Stage a new case for insertion at commit."""
        self.session.add(case)
        self.seen.append(case)

    def get(self, number: str) -> Case:
        """Load the case and lock its row, so concurrent changes to one case queue up. A case
        this transaction already holds (and has locked) is returned as it is."""
        for case in self.seen:
            if case.number == number:
                return case
        found = self.session.execute(
            sa.select(Case).where(tables.cases.c.number == number).with_for_update()
        ).scalar_one_or_none()
        if found is None:
            raise CaseNotFound(number)
        if found not in self.seen:
            self.seen.append(found)
        return found

    def get_many(self, numbers: list[str]) -> list[Case]:
        """The cases with these numbers, loaded (children included) in a handful of queries."""
        found = list(self.session.execute(
            sa.select(Case).where(tables.cases.c.number.in_(numbers)).order_by(tables.cases.c.number)
            .with_for_update()).scalars())
        self.seen.extend(case for case in found if case not in self.seen)
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

    def numbers_with_meetings_between(self, start: datetime, end: datetime) -> list[str]:
        """Open cases with a meeting (current or rescheduled) starting in [start, end)."""
        statement = (
            sa.select(tables.cases.c.number)
            .join(tables.meetings, tables.meetings.c.case_id == tables.cases.c.id)
            .where(tables.meetings.c.starts_at >= start, tables.meetings.c.starts_at < end,
                   tables.cases.c.stage.not_in(TERMINAL))
            .distinct()
            .order_by(tables.cases.c.number)
        )
        return list(self.session.execute(statement).scalars())

    def number_for_message_ids(self, message_ids: list[str]) -> str | None:
        """The case an e-mail with one of these Message-IDs opened, changed or was sent about."""
        if not message_ids:
            return None
        statement = (
            sa.select(tables.cases.c.number)
            .join(tables.messages, tables.messages.c.case_id == tables.cases.c.id)
            .where(tables.messages.c.message_id.in_(message_ids))
            .order_by(tables.messages.c.id.desc())
            .limit(1)
        )
        return self.session.execute(statement).scalar_one_or_none()

    def exists(self, number: str) -> bool:
        """Whether a case with this number exists."""
        statement = sa.select(tables.cases.c.id).where(tables.cases.c.number == number)
        return self.session.execute(statement).first() is not None

    def open_number_for_site(self, address: str, account_number: str) -> str | None:
        """The open case for exactly this site address (case-insensitive) and account number."""
        c = tables.cases.c
        statement = (
            sa.select(c.number)
            .where(sa.func.lower(c.site_address) == address.strip().lower(),
                   c.site_account_number == account_number.strip(), c.stage.not_in(TERMINAL))
            .order_by(c.id.desc())
            .limit(1)
        )
        return self.session.execute(statement).scalar_one_or_none()


class SqlUnitOfWork:
    """One transaction per outermost `with` block; leaving it without `commit()` rolls back.

    A nested `with` joins the open transaction and its `commit()` is left to the outermost
    block, so a service called inside a larger piece of work commits with it or not at all.
    """

    cases: SqlCaseRepository
    messages: SqlMessageLog
    outbox: SqlOutbox

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(
            bind=engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False
        )
        self._session: Session | None = None
        self._depth = 0

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._session = self._sessions()
            self.cases = SqlCaseRepository(self._session)
            self.messages = SqlMessageLog(self._session)
            self.outbox = SqlOutbox(self._session)
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        session = self._active()
        session.rollback()
        session.close()
        self._session = None

    def commit(self) -> None:
        """Commit, when this is the outermost block; inner blocks leave it to the outer one.
        The notifications the changed cases queued go into the outbox in the same commit."""
        if self._depth > 1:
            return
        session = self._active()
        for case in self.cases.seen:
            for item in case.take_notifications():
                self.outbox.add(item)
        session.commit()

    def rollback(self) -> None:
        """Roll the whole transaction back."""
        self._active().rollback()

    def _active(self) -> Session:
        if self._session is None:
            raise RuntimeError("the unit of work is used outside its `with` block")
        return self._session
