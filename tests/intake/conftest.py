"""Intake fixtures: an embedded desk on SQLite, application PDFs drawn by the parser tests'
factories, and e-mails built in code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

# The PDF factories live with the parser tests; intake mails the same documents.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parsers"))

import pdf_documents
import samples
from intake_support import DESK, SteppingClock
from pdf_factory import render

from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from cases.persistence.migrate import upgrade
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from intake.context import Intake, IntakeSettings
from intake.replies import Replies
from intake.storage import FileStore
from parsers.pdf import ParserSettings, parse_application


@pytest.fixture(scope="session")
def application_pdf() -> bytes:
    return render(samples.net_metering_form(), fillable=True)


@pytest.fixture(scope="session")
def documents_pdfs() -> dict[str, bytes]:
    return {"one_line_diagram": pdf_documents.one_line_diagram(), "site_plan": pdf_documents.site_plan(),
            "spec_sheet": pdf_documents.spec_sheet(1)}


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    start_mappers()
    engine = create_database_engine(f"sqlite:///{tmp_path / 'icdesk.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def intake(sqlite_engine: Engine, book: RuleBook, tmp_path: Path, clock: SteppingClock) -> Intake:
    in_process = ParserSettings(isolate=False)
    return Intake(
        uow=SqlUnitOfWork(sqlite_engine), book=book, files=FileStore(tmp_path / "storage"),
        replies=Replies(book), settings=IntakeSettings(mail_from=DESK, max_message_bytes=2_000_000),
        now=clock, parse_pdf=lambda data: parse_application(data, settings=in_process), mailbox="test",
    )
