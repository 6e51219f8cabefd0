"""A test desk for the bot: SQLite, the shipped rules, a fixed clock, and `ask()` that sends
a command as a given person and returns the answer (content and text), like a chat would."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from support import contract, pacific

from bot.content import Content
from bot.core import BotDeps, Caller, Role
from bot.grammar import REGISTRY
from bot.text import render_text
from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.persistence.desk_read_model import SqlDeskReader
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook


@dataclass
class BotDesk:
    engine: Engine
    book: RuleBook
    at: datetime = field(default_factory=lambda: pacific(2026, 11, 30, 10))

    def now(self) -> datetime:
        return self.at

    @property
    def deps(self) -> BotDeps:
        return BotDeps(unit_of_work=lambda: SqlUnitOfWork(self.engine), book=self.book,
                       reader=lambda: SqlDeskReader(self.engine, self.book.calendar,
                                                    self.book.calendar.local_date(self.at)),
                       now=self.now)

    def ask(self, text: str, *roles: Role, user: str = "U100", private: bool = True) -> tuple[Content, str]:
        caller = Caller(user, frozenset(roles or (Role.COORDINATOR,)), private)
        content = REGISTRY.dispatch(text, caller, self.deps)
        return content, render_text(content)

    def register(self, received: datetime, customer_class: str = "residential", documents: tuple[str, ...] = (),
                 **changes: Any) -> str:
        application = application_from_contract(contract(**changes), customer_class)
        docs = tuple(Document(k, f"{k}.pdf", k.ljust(64, "0"), 10, received) for k in documents)
        return services.register_application(SqlUnitOfWork(self.engine), self.book, application, received, "intake",
                                             documents=docs)
