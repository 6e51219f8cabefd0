"""Helpers for the intake tests: the desk's address, a clock that moves when told, and
e-mails built in code the way installers' clients send them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import samples
from pdf_factory import render
from sqlalchemy.engine import Engine
from support import pacific

from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from cases.persistence.migrate import upgrade
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from intake.context import Intake, IntakeSettings
from intake.replies import Replies
from intake.storage import FileStore
from parsers.pdf import ParsedApplication, ParserSettings, parse_application

DESK = "interconnection@utility.example"


class SteppingClock:
    """The desk's clock for tests: starts Monday 2026-11-02 09:00 Pacific, moves when told."""

    def __init__(self) -> None:
        self.at = pacific(2026, 11, 2, 9)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def email(subject: str, body: str = "Please find attached.", *, sender: str = "permits@bridgetownsolar.example",
          message_id: str | None = "<app-1@bridgetownsolar.example>", attachments: dict[str, bytes] | None = None,
          headers: dict[str, str] | None = None) -> bytes:
    """An e-mail as an installer's client would send it."""
    message = EmailMessage()
    message["From"] = f"Dana Whitfield <{sender}>"
    message["To"] = DESK
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, data in (attachments or {}).items():
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return bytes(message)


def sqlite_database(path: Path) -> Engine:
    """A migrated, empty SQLite database in the file `path`."""
    start_mappers()
    engine = create_database_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def parse_in_process(data: bytes) -> ParsedApplication:
    """The parser without its worker process: the same results, faster for tests."""
    return parse_application(data, settings=ParserSettings(isolate=False))


def desk_intake(engine: Engine, book: RuleBook, storage: Path, clock: Callable[[], datetime],
                parse_pdf: Callable[[bytes], ParsedApplication] = parse_in_process,
                max_message_bytes: int = 2_000_000) -> Intake:
    """Intake as the desk wires it, on `engine`, with files under `storage`."""
    return Intake(
        uow=SqlUnitOfWork(engine), book=book, files=FileStore(storage), replies=Replies(book),
        settings=IntakeSettings(mail_from=DESK, max_message_bytes=max_message_bytes), now=clock,
        parse_pdf=parse_pdf, mailbox="test",
    )


def numbered_application_pdf(index: int) -> bytes:
    """The net metering form of the parser tests, for a site and account of its own: the same
    site and account would make every later form a supplement of the first case."""
    layout = samples.net_metering_form()
    values = {"SiteAddress": f"{1000 + index} N Williams Ave", "AccountNo": f"8827 {4000 + index} 22"}
    layout.pages = [[replace(row, value=values.get(row.name, row.value)) for row in page] for page in layout.pages]
    return render(layout, fillable=True)
