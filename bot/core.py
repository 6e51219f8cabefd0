"""Who is asking, what they may do, and what the command handlers need from the desk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cases.ports import UnitOfWork
from cases.queries import DeskReader
from cases.reports.documents import ReportFile, ReportRequest
from cases.rulebook import RuleBook


class Role(StrEnum):
    """What a person does on the desk; a workspace member with no role is a viewer."""

    COORDINATOR = "coordinator"
    MANAGER = "manager"
    PROTECTION = "protection"
    METERING = "metering"
    BILLING = "billing"
    VIEWER = "viewer"


EVERYONE = frozenset(Role)
STAFF = frozenset(Role) - {Role.VIEWER}


@dataclass(frozen=True)
class Caller:
    """The person behind a command. `private` says the answer reaches only them (an
    ephemeral reply, a DM, the terminal), which is where a coordinator may see unmasked
    account numbers and contact details."""

    user_id: str
    roles: frozenset[Role]
    private: bool

    @property
    def actor(self) -> str:
        """How the event log names them."""
        return self.user_id

    def may(self, allowed: frozenset[Role]) -> bool:
        return bool(self.roles & allowed)

    @property
    def sees_unmasked(self) -> bool:
        return self.private and bool(self.roles & {Role.COORDINATOR, Role.MANAGER})


@dataclass(frozen=True)
class BotDeps:
    """The desk as the bot reaches it: a unit of work per change, the rules, the read side,
    the clock, and the maker of the managers' report files (None where there is none)."""

    unit_of_work: Callable[[], UnitOfWork]
    book: RuleBook
    reader: Callable[[], DeskReader]
    now: Callable[[], datetime]
    reports: Callable[[ReportRequest], ReportFile] | None = None
