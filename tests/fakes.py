"""Hand-written fakes of the core's ports, for service tests without a database."""

from __future__ import annotations

import copy
from datetime import date
from types import TracebackType
from typing import Self

from cases.case import Case
from cases.errors import CaseNotFound
from cases.messaging import OutboxItem
from cases.numbering import format_case_number


class FakeRepository:
    def __init__(self) -> None:
        self.committed: dict[str, Case] = {}
        self.working: dict[str, Case] = {}
        self.counters: dict[int, int] = {}
        self._pending_counters: dict[int, int] = {}

    def add(self, case: Case) -> None:
        self.working[case.number] = case

    def get(self, number: str) -> Case:
        if number not in self.working:
            raise CaseNotFound(number)
        return self.working[number]

    def get_many(self, numbers: list[str]) -> list[Case]:
        return [self.working[n] for n in sorted(numbers) if n in self.working]

    def next_number(self, year: int) -> str:
        sequence = self._pending_counters.get(year, self.counters.get(year, 0)) + 1
        self._pending_counters[year] = sequence
        return format_case_number(year, sequence)

    def numbers_with_clocks_due_before(self, day: date) -> list[str]:
        return sorted(n for n, c in self.working.items()
                      if c.is_open and any(k.active and k.due_on < day for k in c.clocks))

    def begin(self) -> None:
        self.working = copy.deepcopy(self.committed)
        self._pending_counters = {}

    def commit(self) -> None:
        self.committed = copy.deepcopy(self.working)
        self.counters.update(self._pending_counters)


class FakeUnitOfWork:
    """Keeps committed state apart from work in progress, so a rollback really forgets;
    nested blocks join the outer one, as the real unit of work's do."""

    def __init__(self) -> None:
        self.repository = FakeRepository()
        self.commits = 0
        self.depth = 0
        self.notifications: list[OutboxItem] = []

    @property
    def cases(self) -> FakeRepository:
        return self.repository

    def __enter__(self) -> Self:
        if self.depth == 0:
            self.repository.begin()
        self.depth += 1
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.repository.begin()

    def commit(self) -> None:
        if self.depth <= 1:
            for case in self.repository.working.values():
                self.notifications.extend(case.take_notifications())
            self.repository.commit()
            self.commits += 1

    def rollback(self) -> None:
        self.repository.begin()

    def case(self, number: str) -> Case:
        """The committed state of a case (what a later transaction would see)."""
        return self.repository.committed[number]
