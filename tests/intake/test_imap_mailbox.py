"""The IMAP mailbox against a real Dovecot: fetching, moving, cursors, TLS, IDLE, reconnects."""

from __future__ import annotations

import io
import logging
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from imapclient import IMAPClient
from reportlab.pdfgen import canvas
from servers.dovecot import DovecotServer
from servers.mail_fixtures import ImapAccount

from intake.imap import ImapMailbox, ImapSettings
from intake.mailbox import FetchedMessage, MailboxUnavailable
from intake.oauth import microsoft_token_provider


class MemoryCursors:
    """The MailboxCursors port in a dict, with every save kept for the assertions."""

    def __init__(self) -> None:
        self.positions: dict[tuple[str, str], tuple[int, int]] = {}
        self.saves: list[tuple[str, str, int, int]] = []

    def load(self, mailbox: str, folder: str) -> tuple[int, int] | None:
        return self.positions.get((mailbox, folder))

    def save(self, mailbox: str, folder: str, uidvalidity: int, last_uid: int) -> None:
        self.positions[(mailbox, folder)] = (uidvalidity, last_uid)
        self.saves.append((mailbox, folder, uidvalidity, last_uid))


def pdf_bytes(text: str) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.drawString(72, 720, text)
    page.save()
    return buffer.getvalue()


def application(number: int, pdf: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Dana Installer <dana@solar.example>"
    message["To"] = "interconnection@utility.example"
    message["Subject"] = f"Net metering application {number}"
    message["Message-ID"] = f"<app-{number}-{uuid.uuid4().hex[:8]}@solar.example>"
    message.set_content(f"Application {number} attached.")
    message.add_attachment(pdf or pdf_bytes(f"application {number}"), maintype="application",
                           subtype="pdf", filename=f"application-{number}.pdf")
    return message.as_bytes(policy=policy.SMTP)


def message_id(message: FetchedMessage) -> str:
    return str(BytesParser(policy=policy.default).parsebytes(message.raw, headersonly=True)["Message-ID"])


def settings_for(account: ImapAccount, **changes: Any) -> ImapSettings:
    base = ImapSettings(
        host=account.host, port=account.ssl_port, user=account.address, password=account.password,
        ca_file=account.ca_file, timeout_s=5, max_attempts=4, backoff_initial_s=0.05, backoff_max_s=0.5,
    )
    return replace(base, **changes)


def hiding(*capabilities: str) -> Callable[..., IMAPClient]:
    """A client factory whose clients do not see some of the server's capabilities."""
    hidden = {name.encode() for name in capabilities}

    class Client(IMAPClient):  # type: ignore[misc]
        def capabilities(self) -> tuple[bytes, ...]:
            return tuple(name for name in super().capabilities() if name not in hidden)

    return Client


def counting(calls: list[str]) -> Callable[..., IMAPClient]:
    """A client factory whose clients note each FETCH and IDLE they send."""

    class Client(IMAPClient):  # type: ignore[misc]
        def fetch(self, *args: Any, **kwargs: Any) -> Any:
            calls.append("fetch")
            return super().fetch(*args, **kwargs)

        def idle(self) -> Any:
            calls.append("idle")
            return super().idle()

    return Client


def recording(calls: list[str], *hidden: str) -> Callable[..., IMAPClient]:
    """A client factory whose clients note each FETCH, MOVE, COPY, STORE and EXPUNGE with its
    UIDs, and do not see the `hidden` capabilities."""

    def uids(messages: Any) -> str:
        return ",".join(str(uid) for uid in messages)

    class Client(hiding(*hidden)):  # type: ignore[misc]
        def fetch(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(f"fetch {uids(messages)}")
            return super().fetch(messages, *args, **kwargs)

        def move(self, messages: Any, folder: str) -> Any:
            calls.append(f"move {uids(messages)} to {folder}")
            return super().move(messages, folder)

        def copy(self, messages: Any, folder: str) -> Any:
            calls.append(f"copy {uids(messages)} to {folder}")
            return super().copy(messages, folder)

        def delete_messages(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
            calls.append(f"delete {uids(messages)}")
            return super().delete_messages(messages, *args, **kwargs)

        def uid_expunge(self, messages: Any) -> Any:
            calls.append(f"expunge {uids(messages)}")
            return super().uid_expunge(messages)

    return Client


@pytest.fixture
def cursors() -> MemoryCursors:
    return MemoryCursors()


@pytest.fixture
def mailbox(imap_account: ImapAccount, cursors: MemoryCursors) -> Iterator[ImapMailbox]:
    box = ImapMailbox(settings_for(imap_account), cursors)
    try:
        yield box
    finally:
        box.close()


def uidvalidity(server: DovecotServer, account: ImapAccount, folder: str = "INBOX") -> int:
    with server.connect(account.address) as client:
        return int(client.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])


# -- fetching -------------------------------------------------------------------------------


def test_fetch_returns_the_exact_bytes_of_a_multipart_mail_with_a_pdf(
    dovecot_server: DovecotServer, imap_account: ImapAccount, mailbox: ImapMailbox
) -> None:
    pdf = pdf_bytes("Form 860-082 Tier 1")
    raw = application(1, pdf)
    dovecot_server.append(imap_account.address, raw)

    fetched = list(mailbox.fetch_new())

    assert fetched == [FetchedMessage(key="1", raw=raw)]
    parsed = BytesParser(policy=policy.default).parsebytes(fetched[0].raw)
    assert isinstance(parsed, EmailMessage)
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content() == pdf


def test_fetch_leaves_seen_unset(
    dovecot_server: DovecotServer, imap_account: ImapAccount, mailbox: ImapMailbox
) -> None:
    dovecot_server.append(imap_account.address, application(1))

    assert len(list(mailbox.fetch_new())) == 1
    [flags] = dovecot_server.flags(imap_account.address).values()
    assert b"\\Seen" not in flags


def test_more_mail_than_one_batch_is_all_fetched_in_order_batch_by_batch(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    raws = [application(number, pdf=b"%PDF-1.4 tiny") for number in range(7)]
    with dovecot_server.connect(imap_account.address) as client:
        for raw in raws:
            client.append("INBOX", raw)
    calls: list[str] = []
    box = ImapMailbox(settings_for(imap_account, batch_size=3), cursors, client_factory=counting(calls))
    try:
        fetched = list(box.fetch_new())
    finally:
        box.close()

    assert [message.raw for message in fetched] == raws
    assert [message.key for message in fetched] == [str(uid) for uid in range(1, 8)]
    assert calls.count("fetch") == 3


# -- marking --------------------------------------------------------------------------------


def test_mark_processed_moves_the_message_and_it_is_not_fetched_again(
    dovecot_server: DovecotServer, imap_account: ImapAccount, mailbox: ImapMailbox
) -> None:
    dovecot_server.append(imap_account.address, application(1))
    dovecot_server.append(imap_account.address, application(2))
    first, second = list(mailbox.fetch_new())

    mailbox.mark_processed(first)

    assert dovecot_server.message_ids(imap_account.address, "Processed") == [message_id(first)]
    assert dovecot_server.message_ids(imap_account.address) == [message_id(second)]
    # The one not marked (our failure) comes back for another try; the processed one does not.
    assert list(mailbox.fetch_new()) == [second]
    mailbox.mark_processed(second)
    assert list(mailbox.fetch_new()) == []
    assert dovecot_server.count(imap_account.address) == 0
    assert dovecot_server.count(imap_account.address, "Processed") == 2


def test_quarantine_moves_the_message_to_the_quarantine_folder(
    dovecot_server: DovecotServer, imap_account: ImapAccount, mailbox: ImapMailbox
) -> None:
    raw = application(1)
    dovecot_server.append(imap_account.address, raw)
    [message] = list(mailbox.fetch_new())

    mailbox.quarantine(message)

    assert dovecot_server.count(imap_account.address) == 0
    assert dovecot_server.count(imap_account.address, "Processed") == 0
    with dovecot_server.connect(imap_account.address) as client:
        client.select_folder("Quarantine", readonly=True)
        [uid] = client.search("ALL")
        assert client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"] == raw
    assert list(mailbox.fetch_new()) == []


def test_a_missing_target_folder_is_created(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    dovecot_server.append(imap_account.address, application(1))
    box = ImapMailbox(settings_for(imap_account, processed_folder="Handled"), cursors)
    try:
        [message] = list(box.fetch_new())
        box.mark_processed(message)
    finally:
        box.close()

    assert dovecot_server.count(imap_account.address, "Handled") == 1
    assert dovecot_server.count(imap_account.address) == 0


def test_without_move_it_copies_flags_deleted_and_expunges_that_uid_only(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    dovecot_server.append(imap_account.address, application(1))
    dovecot_server.append(imap_account.address, application(2))
    with dovecot_server.connect(imap_account.address) as client:
        client.select_folder("INBOX")
        client.add_flags([2], [b"\\Deleted"])  # deleted by a person, not ours to expunge
    box = ImapMailbox(settings_for(imap_account), cursors, client_factory=hiding("MOVE"))
    try:
        [message] = list(box.fetch_new())
        box.mark_processed(message)
    finally:
        box.close()

    assert message.key == "1"
    assert dovecot_server.count(imap_account.address, "Processed") == 1
    assert list(dovecot_server.flags(imap_account.address)) == [2]


def test_what_is_marked_during_a_pass_moves_in_one_command_per_folder_before_the_next_fetch(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    validity = uidvalidity(dovecot_server, imap_account)
    with dovecot_server.connect(imap_account.address) as client:
        for number in range(1, 8):
            client.append("INBOX", application(number, pdf=b"%PDF-1.4 tiny"))
    calls: list[str] = []
    box = ImapMailbox(settings_for(imap_account, batch_size=3), cursors, name="intake",
                      client_factory=recording(calls))
    held_while_marking: list[int] = []
    try:
        for message in box.fetch_new():
            if message.key == "5":
                continue  # failed on our side: never marked
            if message.key == "6":
                box.quarantine(message)
            else:
                box.mark_processed(message)
            held_while_marking.append(dovecot_server.count(imap_account.address))
    finally:
        box.close()

    # Nothing moves while a batch is being handled; each batch moves before the next FETCH.
    assert held_while_marking == [7, 7, 7, 4, 4, 2]
    assert calls == ["fetch 1,2,3", "move 1,2,3 to Processed", "fetch 4,5,6", "move 4 to Processed",
                     "move 6 to Quarantine", "fetch 7", "move 7 to Processed"]
    assert [uid for uid, _ in sorted(dovecot_server.flags(imap_account.address).items())] == [5]
    assert dovecot_server.count(imap_account.address, "Processed") == 5
    assert dovecot_server.count(imap_account.address, "Quarantine") == 1
    assert cursors.positions[("intake", "INBOX")] == (validity, 4)  # 5 holds it back


def test_a_mark_after_the_pass_has_read_everything_moves_at_once(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    for number in range(2):
        dovecot_server.append(imap_account.address, application(number))
    calls: list[str] = []
    box = ImapMailbox(settings_for(imap_account), cursors, client_factory=recording(calls))
    try:
        first, second = list(box.fetch_new())
        box.mark_processed(first)
        assert dovecot_server.count(imap_account.address, "Processed") == 1
        box.quarantine(second)
        assert dovecot_server.count(imap_account.address, "Quarantine") == 1
    finally:
        box.close()
    assert calls == ["fetch 1,2", "move 1 to Processed", "move 2 to Quarantine"]


def test_marks_left_by_an_unfinished_pass_are_moved_by_close_or_the_next_wait(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    for number in range(4):
        dovecot_server.append(imap_account.address, application(number))
    box = ImapMailbox(settings_for(imap_account), cursors)
    try:
        reading = box.fetch_new()
        box.mark_processed(next(reading))
        assert dovecot_server.count(imap_account.address, "Processed") == 0  # the pass reads on
        assert box.wait_for_new(0.1) is True  # three not read yet
        assert dovecot_server.count(imap_account.address, "Processed") == 1
        box.mark_processed(next(reading))
    finally:
        box.close()
    assert dovecot_server.count(imap_account.address, "Processed") == 2
    assert dovecot_server.count(imap_account.address) == 2


def test_without_move_a_batch_is_copied_flagged_and_expunged_by_its_uids_only(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    with dovecot_server.connect(imap_account.address) as client:
        for number in range(1, 5):
            client.append("INBOX", application(number))
        client.select_folder("INBOX")
        client.add_flags([4], [b"\\Deleted"])  # deleted by a person, not ours to expunge
    calls: list[str] = []
    box = ImapMailbox(settings_for(imap_account), cursors, client_factory=recording(calls, "MOVE"))
    try:
        for message in box.fetch_new():
            box.mark_processed(message)
    finally:
        box.close()

    assert calls == ["fetch 1,2,3", "copy 1,2,3 to Processed", "delete 1,2,3", "expunge 1,2,3"]
    assert dovecot_server.count(imap_account.address, "Processed") == 3
    assert list(dovecot_server.flags(imap_account.address)) == [4]


# -- cursors and UIDVALIDITY ----------------------------------------------------------------


def test_cursors_are_saved_and_a_second_mailbox_carries_on_from_them(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    validity = uidvalidity(dovecot_server, imap_account)
    for number in range(3):
        dovecot_server.append(imap_account.address, application(number))
    first_box = ImapMailbox(settings_for(imap_account), cursors, name="intake")
    try:
        one, two, three = list(first_box.fetch_new())
        first_box.mark_processed(one)
        first_box.quarantine(three)  # two failed on our side: it holds the cursor back
    finally:
        first_box.close()
    assert cursors.positions == {("intake", "INBOX"): (validity, 1)}

    second_box = ImapMailbox(settings_for(imap_account), cursors, name="intake")
    try:
        assert list(second_box.fetch_new()) == [two]
        second_box.mark_processed(two)
        assert cursors.positions[("intake", "INBOX")] == (validity, 2)
        dovecot_server.append(imap_account.address, application(4))
        [four] = list(second_box.fetch_new())
        second_box.mark_processed(four)
    finally:
        second_box.close()
    assert four.key == "4"
    assert cursors.positions[("intake", "INBOX")] == (validity, 4)


def test_the_search_starts_after_the_saved_cursor(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    for number in range(3):
        dovecot_server.append(imap_account.address, application(number))
    cursors.save("intake", "INBOX", uidvalidity(dovecot_server, imap_account), 2)
    box = ImapMailbox(settings_for(imap_account), cursors, name="intake")
    try:
        assert [message.key for message in box.fetch_new()] == ["3"]
    finally:
        box.close()


def test_a_new_uidvalidity_reads_the_folder_again_from_uid_1(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(imap_account, folder="Applications")
    with dovecot_server.connect(imap_account.address) as client:
        client.create_folder("Applications")
    for number in range(2):
        dovecot_server.append(imap_account.address, application(number), folder="Applications")
    box = ImapMailbox(settings, cursors, name="intake")
    try:
        for message in box.fetch_new():
            box.mark_processed(message)
    finally:
        box.close()
    old_validity = uidvalidity(dovecot_server, imap_account, "Applications")
    assert cursors.positions[("intake", "Applications")] == (old_validity, 2)

    with dovecot_server.connect(imap_account.address) as client:
        client.delete_folder("Applications")
        client.create_folder("Applications")
    raw = application(9)
    dovecot_server.append(imap_account.address, raw, folder="Applications")
    new_validity = uidvalidity(dovecot_server, imap_account, "Applications")
    box = ImapMailbox(settings, cursors, name="intake")
    try:
        fetched = list(box.fetch_new())
        reset_to = cursors.positions[("intake", "Applications")]
        box.mark_processed(fetched[0])
    finally:
        box.close()

    assert new_validity != old_validity
    assert fetched == [FetchedMessage(key="1", raw=raw)]
    assert reset_to == (new_validity, 0)
    assert cursors.positions[("intake", "Applications")] == (new_validity, 1)
    assert f"changed UIDVALIDITY from {old_validity} to {new_validity}" in caplog.text


# -- connecting -----------------------------------------------------------------------------


@pytest.mark.parametrize("security", ["ssl", "starttls", "none"])
def test_each_kind_of_connection_fetches(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors, security: str
) -> None:
    port = imap_account.ssl_port if security == "ssl" else imap_account.port
    raw = application(1)
    dovecot_server.append(imap_account.address, raw)
    box = ImapMailbox(settings_for(imap_account, security=security, port=port), cursors)
    try:
        assert [message.raw for message in box.fetch_new()] == [raw]
    finally:
        box.close()


def test_tls_without_the_ca_file_is_refused_at_once(imap_account: ImapAccount, cursors: MemoryCursors) -> None:
    box = ImapMailbox(settings_for(imap_account, ca_file=None), cursors)

    with pytest.raises(MailboxUnavailable, match=r"certificate of the IMAP server .* could not be verified"):
        list(box.fetch_new())
    box.close()


def test_a_wrong_password_raises_a_one_line_message_without_retrying(
    imap_account: ImapAccount, cursors: MemoryCursors, caplog: pytest.LogCaptureFixture
) -> None:
    box = ImapMailbox(settings_for(imap_account, password="wrong"), cursors)

    with pytest.raises(MailboxUnavailable) as raised:
        list(box.fetch_new())

    assert str(raised.value) == (
        f"the IMAP server 127.0.0.1:{imap_account.ssl_port} refused the login for {imap_account.address} "
        "([AUTHENTICATIONFAILED] Authentication failed.)"
    )
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]
    box.close()
    box.close()


def test_a_token_provider_is_asked_for_the_xoauth2_login(imap_account: ImapAccount, cursors: MemoryCursors) -> None:
    asked: list[str] = []

    def token() -> str:
        asked.append("token")
        return "not-a-real-token"

    # This Dovecot offers no XOAUTH2, so the login is refused; what matters is the path taken.
    box = ImapMailbox(settings_for(imap_account, password=None, token_provider=token), cursors)
    with pytest.raises(MailboxUnavailable, match="refused the login for"):
        box.wait_for_new(0.1)
    assert asked == ["token"]


def test_an_unreachable_server_is_retried_with_growing_pauses_then_given_up(
    imap_account: ImapAccount, cursors: MemoryCursors, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        closed_port = unused.getsockname()[1]
    pauses: list[float] = []
    settings = settings_for(imap_account, port=closed_port, max_attempts=3, backoff_initial_s=1.0, backoff_max_s=30)
    box = ImapMailbox(settings, cursors, sleep=pauses.append)

    failure = rf"127.0.0.1:{closed_port} failed fetch 3 times; last: ConnectionRefused"
    with pytest.raises(MailboxUnavailable, match=failure):
        list(box.fetch_new())

    assert len(pauses) == 2
    assert 0.5 <= pauses[0] <= 1.0
    assert 1.0 <= pauses[1] <= 2.0
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "(attempt 1 of 3)" in warnings[0]
    assert "(attempt 2 of 3)" in warnings[1]


# -- waiting for mail -----------------------------------------------------------------------


def append_later(server: DovecotServer, account: ImapAccount, raw: bytes, delay_s: float) -> threading.Thread:
    def run() -> None:
        time.sleep(delay_s)
        server.append(account.address, raw)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_idle_wakes_soon_after_another_connection_appends(
    dovecot_server: DovecotServer, imap_account: ImapAccount, mailbox: ImapMailbox
) -> None:
    started = time.monotonic()
    assert mailbox.wait_for_new(0.4) is False
    assert time.monotonic() - started >= 0.4

    appender = append_later(dovecot_server, imap_account, application(1), delay_s=0.3)
    started = time.monotonic()
    woken = mailbox.wait_for_new(20)
    waited = time.monotonic() - started
    appender.join()

    assert woken is True
    assert waited < 2.3
    assert len(list(mailbox.fetch_new())) == 1


def test_mail_already_waiting_returns_at_once(
    dovecot_server: DovecotServer, imap_account: ImapAccount, mailbox: ImapMailbox
) -> None:
    dovecot_server.append(imap_account.address, application(1))
    started = time.monotonic()

    assert mailbox.wait_for_new(20) is True
    assert time.monotonic() - started < 1


def test_mail_left_unmarked_waits_for_the_next_pass_instead_of_waking_the_wait(
    dovecot_server: DovecotServer, imap_account: ImapAccount, mailbox: ImapMailbox
) -> None:
    dovecot_server.append(imap_account.address, application(1))
    [failed] = list(mailbox.fetch_new())
    started = time.monotonic()

    assert mailbox.wait_for_new(0.3) is False
    assert time.monotonic() - started >= 0.3
    assert list(mailbox.fetch_new()) == [failed]


def test_idle_is_renewed_before_idle_renew_s(imap_account: ImapAccount, cursors: MemoryCursors) -> None:
    calls: list[str] = []
    box = ImapMailbox(settings_for(imap_account, idle_renew_s=0.25), cursors, client_factory=counting(calls))
    try:
        assert box.wait_for_new(0.9) is False
    finally:
        box.close()

    assert calls.count("idle") >= 3


def test_without_idle_it_sleeps_then_looks(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors
) -> None:
    pauses: list[float] = []
    box = ImapMailbox(settings_for(imap_account), cursors, client_factory=hiding("IDLE"), sleep=pauses.append)
    try:
        assert box.wait_for_new(30) is False
        dovecot_server.append(imap_account.address, application(1))
        assert box.wait_for_new(30) is True
    finally:
        box.close()

    assert pauses == [30, 30]


def test_a_dovecot_restart_during_idle_loses_nothing(
    dovecot_server: DovecotServer, imap_account: ImapAccount, cursors: MemoryCursors, caplog: pytest.LogCaptureFixture
) -> None:
    dovecot_server.append(imap_account.address, application(1))
    box = ImapMailbox(settings_for(imap_account), cursors)
    try:
        for message in box.fetch_new():
            box.mark_processed(message)
        outcome: list[bool] = []
        waiter = threading.Thread(target=lambda: outcome.append(box.wait_for_new(20)))
        waiter.start()
        time.sleep(0.3)  # the waiter is in IDLE by now
        dovecot_server.stop()
        raw = application(2)
        dovecot_server.start()
        dovecot_server.append(imap_account.address, raw)
        waiter.join(timeout=10)

        assert not waiter.is_alive(), "the mailbox did not come back from IDLE within 10 s"
        assert outcome == [True]
        assert [message.raw for message in box.fetch_new()] == [raw]
    finally:
        box.close()
    assert any("(attempt 1 of 4)" in record.getMessage() for record in caplog.records)


# -- XOAUTH2 tokens from Microsoft Entra (msal's HTTP layer is never reached) ----------------


class FakeEntraApp:
    """Answers acquire_token_for_client from a list, noting each call."""

    def __init__(self, *answers: dict[str, Any]) -> None:
        self.answers = list(answers)
        self.scopes_asked: list[list[str]] = []

    def acquire_token_for_client(self, scopes: list[str]) -> dict[str, Any]:
        self.scopes_asked.append(scopes)
        return self.answers.pop(0)


def test_the_token_provider_builds_the_app_on_first_use_and_reuses_tokens_until_near_expiry() -> None:
    app = FakeEntraApp(
        {"access_token": "first", "expires_in": 3599, "token_type": "Bearer"},
        {"access_token": "second", "expires_in": 3599, "token_type": "Bearer"},
    )
    built: list[tuple[str, str, str]] = []
    now = [1000.0]

    def factory(authority: str, client_id: str, secret: str) -> FakeEntraApp:
        built.append((authority, client_id, secret))
        return app

    provide = microsoft_token_provider("tenant-1", "client-1", "secret-1", app_factory=factory, clock=lambda: now[0])
    assert built == []

    assert provide() == "first"
    now[0] += 3599 - 301
    assert provide() == "first"
    now[0] += 2
    assert provide() == "second"
    assert built == [("https://login.microsoftonline.com/tenant-1", "client-1", "secret-1")]
    assert app.scopes_asked == [["https://outlook.office365.com/.default"]] * 2


def test_a_refused_token_raises_mailbox_unavailable_with_entras_reason() -> None:
    app = FakeEntraApp({
        "error": "invalid_client",
        "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1234",
    })
    provide = microsoft_token_provider("tenant-1", "client-1", "bad", app_factory=lambda *_: app)

    with pytest.raises(MailboxUnavailable) as raised:
        provide()

    assert str(raised.value) == (
        "Microsoft Entra refused a mailbox token for application client-1 in tenant tenant-1: "
        "AADSTS7000215: Invalid client secret provided."
    )
