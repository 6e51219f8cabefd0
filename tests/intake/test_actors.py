"""Who the event log names for what mail did: the sender, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from intake_support import DESK, SteppingClock, email
from sqlalchemy.engine import Engine

from cases.messaging import Outcome
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from intake.context import Intake, IntakeSettings
from intake.mailbox import FetchedMessage
from intake.process import process_message
from intake.replies import Replies
from intake.storage import FileStore
from parsers.pdf import ParserSettings, parse_application

INSTALLER = "permits@bridgetownsolar.example"
# 5 + 3 * 61 + 8 = 196 characters: a legal address, longer than the log's 120-character actor column.
LONG_ADDRESS = "dana@" + ".".join(["x" * 60] * 3) + ".example"


@pytest.fixture
def intake_on(engine: Engine, book: RuleBook, tmp_path: Path) -> Intake:
    in_process = ParserSettings(isolate=False)
    return Intake(
        uow=SqlUnitOfWork(engine), book=book, files=FileStore(tmp_path / "storage"), replies=Replies(book),
        settings=IntakeSettings(mail_from=DESK), now=SteppingClock(), mailbox="test",
        parse_pdf=lambda data: parse_application(data, settings=in_process),
    )


def test_the_events_of_an_application_name_its_sender(intake_on: Intake, application_pdf: bytes) -> None:
    result = process_message(intake_on, FetchedMessage("1", email("Application", sender=INSTALLER,
                                                                   attachments={"app.pdf": application_pdf})))
    assert result.outcome == Outcome.NEW_CASE
    with intake_on.uow as uow:
        events = [(e.action, e.actor) for e in uow.cases.get("IC-2026-00001").events]
    assert {action for action, _ in events} >= {"case opened", "document added", "completeness notice sent"}
    assert {actor for _, actor in events} == {INSTALLER}


def test_a_question_from_a_very_long_address_is_logged_not_retried_forever(intake_on: Intake,
                                                                            application_pdf: bytes) -> None:
    # Regression: the sender went into 120-character columns whole, which PostgreSQL refused,
    # so the message failed as our fault and stayed in the inbox to fail again on every pass.
    process_message(intake_on, FetchedMessage("1", email("Application", sender=INSTALLER,
                                                         attachments={"app.pdf": application_pdf})))
    question = email("Question about IC-2026-00001", "Does the battery change anything?", sender=LONG_ADDRESS,
                     message_id="<q-long@example.net>")
    result = process_message(intake_on, FetchedMessage("2", question))
    assert (result.outcome, result.case_number) == (Outcome.QUESTION, "IC-2026-00001")
    with intake_on.uow as uow:
        case = uow.cases.get("IC-2026-00001")
        assert [issue.opened_by for issue in case.issues] == [LONG_ADDRESS[:120]]
        assert case.events[-1].actor == LONG_ADDRESS[:120]
