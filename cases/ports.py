"""What the services need from the outside world, as Protocols the edges implement."""

from __future__ import annotations

from datetime import date
from types import TracebackType
from typing import Protocol, Self

from cases.case import Case


class CaseRepository(Protocol):
    def add(self, case: Case) -> None:
        """Stage a new case for insertion at commit."""

    def get(self, number: str) -> Case:
        """The case with this number; raises `CaseNotFound`."""

    def next_number(self, year: int) -> str:
        """The next gap-free case number of `year`, reserved in the current transaction."""

    def numbers_with_clocks_due_before(self, day: date) -> list[str]:
        """Open cases that have a running or extended clock due before `day`."""


class UnitOfWork(Protocol):
    """One transaction: everything done inside is committed together or not at all."""

    @property
    def cases(self) -> CaseRepository:
        """The repository bound to the current transaction."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make everything done in this transaction permanent."""

    def rollback(self) -> None:
        """Forget everything done in this transaction."""
