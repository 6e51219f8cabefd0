"""The poller: a pass reads the next message's PDFs while it writes this one's case, with the same
outcomes as in turn; the mailbox loop outlives an outage: a pass that fails is retried after a pause."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from imapclient import IMAPClient
from intake_support import (
    SteppingClock,
    desk_intake,
    email,
    numbered_application_pdf,
    parse_in_process,
    sqlite_database,
)
from servers.dovecot import DovecotServer
from servers.mail_fixtures import ImapAccount
from sqlalchemy.engine import Engine

from cases.messaging import Outcome
from cases.persistence import tables
from cases.persistence.messaging import SqlMailboxCursors
from cases.rulebook import RuleBook
from intake import lookahead, poller
from intake.context import Intake, Result
from intake.imap import ImapMailbox, ImapSettings
from intake.mailbox import FetchedMessage, MailboxUnavailable
from intake.poller import run_once
from intake.process import process_message
from parsers.pdf import ParsedApplication, UnreadablePdf


class FlakyMailbox:
    """Refuses the first `failures` passes, then has nothing new."""

    name = "flaky"

    def __init__(self, failures: int, stop: threading.Event) -> None:
        self.failures = failures
        self.passes = 0
        self.stop = stop

    def fetch_new(self, batch_size: int = 50) -> Iterator[FetchedMessage]:
        self.passes += 1
        if self.passes <= self.failures:
            raise ConnectionError("the IMAP server is down")
        self.stop.set()
        return iter(())

    def mark_processed(self, message: FetchedMessage) -> None:
        raise AssertionError("nothing to mark")

    def quarantine(self, message: FetchedMessage) -> None:
        raise AssertionError("nothing to quarantine")

    def wait_for_new(self, timeout_s: float) -> bool:
        return False

    def close(self) -> None:
        """Nothing to release."""


def test_a_failing_pass_is_retried_instead_of_ending_the_loop(intake: Intake,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(poller, "_FIRST_RETRY_S", 0.01)
    stop = threading.Event()
    mailbox = FlakyMailbox(failures=3, stop=stop)
    poller.run_forever(intake, mailbox, None, stop, wait_s=0.01)
    assert mailbox.passes == 4


class RefusingMailbox(FlakyMailbox):
    """Refuses the login from the start."""

    def fetch_new(self, batch_size: int = 50) -> Iterator[FetchedMessage]:
        raise MailboxUnavailable("the IMAP server refused the login for intake@example.test")


def test_a_refused_login_at_start_up_ends_the_loop_with_the_reason(intake: Intake) -> None:
    stop = threading.Event()
    with pytest.raises(MailboxUnavailable, match="refused the login"):
        poller.run_forever(intake, RefusingMailbox(failures=0, stop=stop), None, stop, wait_s=0.01)


# -- a pass: the next message's PDFs parsed while this one is written ---------------------------


class ListMailbox:
    """Messages in a list, marked in the order the poller marks them."""

    name = "list"

    def __init__(self, raws: list[bytes]) -> None:
        self.waiting = [FetchedMessage(key=str(number), raw=raw) for number, raw in enumerate(raws, 1)]
        self.marks: list[tuple[str, str]] = []

    def fetch_new(self, batch_size: int = 50) -> Iterator[FetchedMessage]:
        yield from list(self.waiting)

    def mark_processed(self, message: FetchedMessage) -> None:
        self._mark(message, "processed")

    def quarantine(self, message: FetchedMessage) -> None:
        self._mark(message, "quarantine")

    def _mark(self, message: FetchedMessage, how: str) -> None:
        self.waiting.remove(message)
        self.marks.append((message.key, how))

    def wait_for_new(self, timeout_s: float) -> bool:
        return False

    def close(self) -> None:
        """Nothing to release."""


class Parses:
    """The parser as intake calls it, noting each call: which PDF, on which thread, and how many
    messages had been marked when it began; `failures` makes chosen PDFs fail, once each."""

    def __init__(self, pdfs: dict[bytes, str], mailbox: ListMailbox,
                 failures: dict[str, Exception] | None = None) -> None:
        self.names = pdfs
        self.mailbox = mailbox
        self.failures = dict(failures or {})
        self.calls: list[tuple[str, str, int]] = []
        self.started: dict[str, threading.Event] = {name: threading.Event() for name in pdfs.values()}

    def __call__(self, pdf: bytes) -> ParsedApplication:
        name = self.names.get(pdf, "other")
        self.calls.append((name, threading.current_thread().name, len(self.mailbox.marks)))
        self.started.setdefault(name, threading.Event()).set()
        if name in self.failures:
            raise self.failures.pop(name)
        return parse_in_process(pdf)


def application(number: int, pdf: bytes, **options: Any) -> bytes:
    return email(f"Net metering application, {1000 + number} N Williams Ave", message_id=f"<app-{number}@x.example>",
                 sender=f"permits@installer{number}.example", attachments={"application.pdf": pdf}, **options)


@pytest.fixture(scope="module")
def five_pdfs() -> list[bytes]:
    return [numbered_application_pdf(number) for number in range(5)]


def test_the_next_messages_pdfs_are_parsed_while_this_one_is_written_never_further_ahead(
    intake: Intake, five_pdfs: list[bytes],
) -> None:
    mailbox = ListMailbox([application(number, pdf) for number, pdf in enumerate(five_pdfs)])
    parses = Parses({pdf: f"pdf-{number}" for number, pdf in enumerate(five_pdfs)}, mailbox)
    mark = mailbox.mark_processed
    second_began_before_the_first_was_marked: list[bool] = []

    def mark_after_a_look(message: FetchedMessage) -> None:
        if message.key == "1":
            # Held here, after its commit: the second PDF's parse begins meanwhile, or never.
            second_began_before_the_first_was_marked.append(parses.started["pdf-1"].wait(timeout=10))
        mark(message)

    mailbox.mark_processed = mark_after_a_look  # type: ignore[method-assign]
    summary = run_once(replace(intake, parse_pdf=parses), mailbox)

    assert second_began_before_the_first_was_marked == [True]
    assert [(result.outcome, result.case_number) for result in summary.results] == [
        (Outcome.NEW_CASE, f"IC-2026-0000{number}") for number in range(1, 6)]
    assert mailbox.marks == [(str(number), "processed") for number in range(1, 6)]
    # In order, in the lane, and one message ahead at most: message k's PDF is parsed only
    # once message k - 2 is marked.
    assert [name for name, _, _ in parses.calls] == [f"pdf-{number}" for number in range(5)]
    assert all(thread.startswith("pdf-lane") for _, thread, _ in parses.calls)
    assert all(marked >= number - 1 for number, (_, _, marked) in enumerate(parses.calls))


def test_a_large_message_is_parsed_in_its_turn_not_ahead(
    intake: Intake, five_pdfs: list[bytes], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lookahead, "AHEAD_MAX_BYTES", 50_000)
    large = application(1, five_pdfs[1], body="x" * 60_000)
    mailbox = ListMailbox([application(0, five_pdfs[0]), large, application(2, five_pdfs[2])])
    parses = Parses({pdf: f"pdf-{number}" for number, pdf in enumerate(five_pdfs)}, mailbox)

    summary = run_once(replace(intake, parse_pdf=parses), mailbox)

    assert [result.outcome for result in summary.results] == [Outcome.NEW_CASE] * 3
    assert [(name, marked) for name, _, marked in parses.calls] == [("pdf-0", 0), ("pdf-1", 1), ("pdf-2", 2)]


def test_outcomes_read_ahead_are_those_of_parsing_in_turn_failures_included(
    intake: Intake, book: RuleBook, tmp_path: Path, clock: SteppingClock, five_pdfs: list[bytes],
    documents_pdfs: dict[str, bytes],
) -> None:
    crash = UnreadablePdf("the parser failed", kind="crash")
    raws = [
        application(0, five_pdfs[0]),
        email("Net metering application", sender="permits@installer9.example", message_id="<bad@x.example>",
              attachments={"application.pdf": b"%PDF-1.7 truncated in transit"}),
        application(1, five_pdfs[1]),  # the parser fails on it (a fault of ours): retried
        application(2, five_pdfs[2], headers={"Auto-Submitted": "auto-replied"}),  # a robot: never parsed
        application(0, five_pdfs[0]),  # the first again, same Message-ID
        email("IC-2026-00001 one-line diagram", sender="permits@installer0.example", message_id="<sup@x.example>",
              attachments={"one-line.pdf": documents_pdfs["one_line_diagram"]}),
        application(3, five_pdfs[3]),  # the worker could not even start: retried
        application(4, five_pdfs[4]),
        application(5, five_pdfs[0] + bytes(2_100_000)),  # over the limit
    ]
    names = {pdf: f"pdf-{number}" for number, pdf in enumerate(five_pdfs)}
    failures: dict[str, Exception] = {"pdf-1": crash, "pdf-3": OSError("fork failed")}

    # In turn, message after message, as the poller did before it read ahead.
    in_turn = ListMailbox(raws)
    reference = desk_intake(sqlite_database(tmp_path / "reference.db"), book, tmp_path / "reference-files",
                            SteppingClock(), Parses(names, in_turn, failures))
    expected: list[tuple[str, Result | str]] = []
    for fetched in in_turn.fetch_new():
        try:
            result = process_message(reference, fetched)
        except Exception as error:  # noqa: BLE001 - recorded as the poller records it
            expected.append((fetched.key, type(error).__name__))
            continue
        expected.append((fetched.key, result))
        (in_turn.quarantine if result.quarantine else in_turn.mark_processed)(fetched)

    mailbox = ListMailbox(raws)
    parses = Parses(names, mailbox, failures)
    summary = run_once(replace(intake, parse_pdf=parses), mailbox)

    results = iter(summary.results)
    got = [(key, next(results) if isinstance(outcome, Result) else outcome) for key, outcome in expected]
    assert got == expected
    assert [(key, result.outcome if isinstance(result, Result) else result) for key, result in expected] == [
        ("1", Outcome.NEW_CASE), ("2", Outcome.QUARANTINED), ("3", "RuntimeError"), ("4", Outcome.IGNORED),
        ("5", Outcome.NEW_CASE), ("6", Outcome.SUPPLEMENT), ("7", "OSError"), ("8", Outcome.NEW_CASE),
        ("9", Outcome.OVERSIZE)]
    assert summary.errors == 2
    assert summary.duplicates == 1
    assert mailbox.marks == in_turn.marks
    assert "pdf-2" not in [name for name, _, _ in parses.calls]
    # The two left in the mailbox go through on the next pass.
    again = run_once(replace(intake, parse_pdf=parses), mailbox)
    assert [(result.outcome, result.case_number) for result in again.results] == [
        (Outcome.NEW_CASE, "IC-2026-00003"), (Outcome.NEW_CASE, "IC-2026-00004")]
    assert mailbox.waiting == []


# -- a crash after the commit and before the batched move ---------------------------------------


class PowerCut(BaseException):
    """The process dies here: nothing after it runs (not an Exception, so nothing catches it)."""


def test_a_crash_between_the_commits_and_their_batched_move_leaves_duplicates_to_move_next_pass(
    intake: Intake, sqlite_engine: Engine, dovecot_server: DovecotServer, imap_account: ImapAccount,
    five_pdfs: list[bytes],
) -> None:
    with dovecot_server.connect(imap_account.address) as client:
        for number, pdf in enumerate(five_pdfs[:4]):
            client.append("INBOX", application(number, pdf))
    clients: list[IMAPClient] = []

    class CutAtTheMove(IMAPClient):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            clients.append(self)

        def move(self, messages: Any, folder: str) -> Any:
            raise PowerCut

    cursors = SqlMailboxCursors(sqlite_engine)
    settings = ImapSettings(host=imap_account.host, port=imap_account.ssl_port, user=imap_account.address,
                            password=imap_account.password, ca_file=imap_account.ca_file)
    with pytest.raises(PowerCut):
        run_once(intake, ImapMailbox(settings, cursors, name="intake", client_factory=CutAtTheMove), batch_size=3)
    for client in clients:
        client.shutdown()  # the dead process's socket closes

    with intake.uow:
        on_record = [intake.uow.messages.find(f"<app-{number}@x.example>") for number in range(4)]
    # The first batch's move comes before the FETCH of the next, which the look-ahead asks for
    # once the third message is in hand: two committed, neither moved.
    assert [record is not None for record in on_record] == [True, True, False, False]
    assert dovecot_server.count(imap_account.address) == 4

    box = ImapMailbox(settings, cursors, name="intake")
    try:
        summary = run_once(intake, box)
    finally:
        box.close()

    assert [(result.outcome, result.case_number, result.duplicate) for result in summary.results] == [
        (Outcome.NEW_CASE, f"IC-2026-0000{number}", number <= 2) for number in range(1, 5)]
    assert dovecot_server.count(imap_account.address) == 0
    assert sorted(dovecot_server.message_ids(imap_account.address, "Processed")) == [
        f"<app-{number}@x.example>" for number in range(4)]
    with sqlite_engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(tables.cases)).scalar_one() == 4
        replies = connection.execute(sa.select(tables.outbox.c.key).where(tables.outbox.c.channel == "email"))
        assert sorted(replies.scalars()) == [f"reply:<app-{number}@x.example>:acknowledgement" for number in range(4)]
