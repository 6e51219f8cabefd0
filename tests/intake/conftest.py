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
from intake_support import SteppingClock, desk_intake, sqlite_database
from pdf_factory import render

from cases.rulebook import RuleBook
from intake.context import Intake


@pytest.fixture(scope="session")
def application_pdf() -> bytes:
    return render(samples.net_metering_form(), fillable=True)


@pytest.fixture(scope="session")
def documents_pdfs() -> dict[str, bytes]:
    return {"one_line_diagram": pdf_documents.one_line_diagram(), "site_plan": pdf_documents.site_plan(),
            "spec_sheet": pdf_documents.spec_sheet(1)}


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = sqlite_database(tmp_path / "icdesk.db")
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> SteppingClock:
    return SteppingClock()


@pytest.fixture
def intake(sqlite_engine: Engine, book: RuleBook, tmp_path: Path, clock: SteppingClock) -> Intake:
    return desk_intake(sqlite_engine, book, tmp_path / "storage", clock)
