"""Intake under crashes and outages, with the real console script, a real Dovecot and an SMTP sink.

1. `icdesk intake run` is SIGKILLed twenty times, at seeded random moments and once right after
   an SMTP send, while 200 messages arrive in twenty waves of ten; afterwards every message was
   handled exactly once, no case number was skipped or doubled, and every reply went out (a
   resend keeps its Message-ID). A kill in the middle of a pass falls between commits and the
   batched move to Processed, so the next run meets those messages again as duplicates.
2. Dovecot restarts while `intake run` waits in IDLE: mail appended afterwards is still read.
3. The SMTP relay is down while mail is processed: the replies wait in the outbox, are not
   retried before their backoff, and go out once the relay is back on the same port.

What the kill test saw (kill points, resends at the sink) is printed to the terminal.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from intake_support import DESK, email, numbered_application_pdf
from servers.dovecot import DovecotServer
from servers.mail_fixtures import ImapAccount
from servers.smtp_sink import SmtpSink
from sqlalchemy.engine import Engine

from cases.messaging import Channel, Outcome
from cases.numbering import format_case_number
from cases.persistence import tables
from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from cases.persistence.migrate import upgrade
from cases.persistence.repository import SqlUnitOfWork
from cases.services.outbox import LEASE, deliver_outbox
from intake.outgoing import SmtpSender, SmtpSettings

ICDESK = str(Path(sys.executable).with_name("icdesk"))
PACIFIC = ZoneInfo("America/Los_Angeles")
SEED = 20261102
KILLS = 20
WAVE = 10  # messages appended before each start: 20 waves of 10 make the 200
BLOCK = 5  # a wave is made of blocks of five kinds of mail (see plan_mail)
TIMED_KILL_S = (0.2, 1.5)
DELIVERY_KILL_RUN = 10


# -- the desk as a process ---------------------------------------------------------------------


def desk_env(tmp_path: Path, account: ImapAccount, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "ICDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'icdesk.db'}",
        "ICDESK_STORAGE_DIR": str(tmp_path / "storage"),
        "ICDESK_LOG_DIR": str(tmp_path / "log"),
        "ICDESK_IMAP_HOST": account.host, "ICDESK_IMAP_PORT": str(account.ssl_port),
        "ICDESK_IMAP_USER": account.address, "ICDESK_IMAP_PASSWORD": account.password,
        "ICDESK_IMAP_CA_FILE": account.ca_file,
        "ICDESK_SMTP_HOST": "127.0.0.1", "ICDESK_SMTP_PORT": str(smtp_port), "ICDESK_SMTP_SECURITY": "none",
        "ICDESK_MAIL_FROM": DESK,
    }


def icdesk_once(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ICDESK, "intake", "once"], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False)


class Running:
    """`icdesk intake run` in a process group of its own (it forks the PDF parser's workers),
    its output in files the test reads while it runs."""

    def __init__(self, env: dict[str, str], cwd: Path, name: str, poll_seconds: float) -> None:
        self.killed = False
        self.stdout_path = cwd / f"{name}.out"
        self.stderr_path = cwd / f"{name}.err"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.process = subprocess.Popen(
                [ICDESK, "intake", "run", "--poll-seconds", str(poll_seconds)], env=env, cwd=cwd,
                stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)

    def output(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    def errors(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def wait_for(self, text: str, timeout_s: float, *, stderr: bool = False) -> None:
        deadline = time.monotonic() + timeout_s
        while text not in (self.errors() if stderr else self.output()):
            if self.process.poll() is not None:
                pytest.fail(f"icdesk intake run exited ({self.process.returncode}) before {text!r}:\n"
                            f"{self.output()}\n{self.errors()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {text!r} from icdesk intake run within {timeout_s} s:\n"
                            f"{self.output()}\n{self.errors()}")
            time.sleep(0.01)

    def kill(self) -> None:
        """SIGKILL the desk and everything it forked, as a power cut or the OOM killer would."""
        if self.killed:
            return
        self.killed = True
        # The group, not the desk alone: its parser forkserver and workers go with it (also
        # when the desk itself has exited and been reaped meanwhile).
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@contextmanager
def intake_run(env: dict[str, str], cwd: Path, name: str, poll_seconds: float) -> Iterator[Running]:
    running = Running(env, cwd, name, poll_seconds)
    try:
        yield running
    finally:
        running.kill()


# -- the mail ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One message of the kill test and what must become of it."""

    message_id: str
    raw: bytes
    outcome: Outcome
    case_number: str | None
    reply: str | None  # the outbox key's last part when the desk answers, else None

    @property
    def quarantined(self) -> bool:
        return self.outcome == Outcome.QUARANTINED


def supplement_email(number: str, sender: str, message_id: str) -> bytes:
    """Documents for an open case, quoting its number: a drawing as a CAD file, which is stored
    as it is (a PDF would cost a parse, and the kill test is about intake, not the parser)."""
    message = EmailMessage()
    message["From"] = f"Dana Whitfield <{sender}>"
    message["To"] = DESK
    message["Subject"] = f"{number} one-line diagram"
    message["Message-ID"] = message_id
    message.set_content("The one-line diagram you asked for.")
    message.add_attachment(b"AC1032 one-line diagram " + number.encode(), maintype="application",
                           subtype="octet-stream", filename="one-line.dwg")
    return bytes(message)


def plan_mail(year: int) -> list[list[Planned]]:
    """Twenty waves of two blocks of five: two new applications, a supplement for an earlier
    case, and three of questions, payment references, auto-replies, unreadable PDFs and
    unmatched notes. Case k is the k-th application in UID order, so every outcome is known
    beforehand."""
    waves: list[list[Planned]] = []
    opened = 0
    for block in range(KILLS * WAVE // BLOCK):
        if block % (WAVE // BLOCK) == 0:
            waves.append([])
        planned = waves[-1]
        other = "question" if block % 2 == 0 else ("auto", "bad", "auto", "bad", "unmatched")[block // 2 % 5]
        last = "payment" if block % 2 == 0 else "question"
        for slot, kind in enumerate(("app", other, "sup", "app", last)):
            index = block * BLOCK + slot
            sender = f"permits@installer{index:03d}.example"
            message_id = f"<reliability-{index:03d}-{kind}@installer{index:03d}.example>"
            # The case a supplement, question or payment names was opened earlier in UID order:
            # a question names the latest case, a payment and a supplement older ones.
            named = {"sup": block + 1, "payment": 2 * block + 1, "question": opened}
            number = format_case_number(year, named.get(kind, 1))
            if kind == "app":
                opened += 1
                raw = email(f"Net metering application, {1000 + index} N Williams Ave", sender=sender,
                            message_id=message_id, attachments={"application.pdf": numbered_application_pdf(index)})
                planned.append(Planned(message_id, raw, Outcome.NEW_CASE, format_case_number(year, opened),
                                       "acknowledgement"))
            elif kind == "sup":
                planned.append(Planned(message_id, supplement_email(number, sender, message_id), Outcome.SUPPLEMENT,
                                       number, "supplement"))
            elif kind == "question":
                raw = email(f"Question about {number}", "When will the meter be exchanged at this site?",
                            sender=sender, message_id=message_id)
                planned.append(Planned(message_id, raw, Outcome.QUESTION, number, None))
            elif kind == "payment":
                raw = email(f"Fee for {number}", "Check number 4471 went out in today's mail.", sender=sender,
                            message_id=message_id)
                planned.append(Planned(message_id, raw, Outcome.PAYMENT_REFERENCE, number, None))
            elif kind == "auto":
                raw = email("Automatic reply: out of the office", "I am away until Monday.", sender=sender,
                            message_id=message_id, headers={"Auto-Submitted": "auto-replied"})
                planned.append(Planned(message_id, raw, Outcome.IGNORED, None, None))
            elif kind == "bad":
                raw = email("Net metering application", sender=sender, message_id=message_id,
                            attachments={"application.pdf": b"%PDF-1.7 truncated in transit"})
                planned.append(Planned(message_id, raw, Outcome.QUARANTINED, None, "quarantined"))
            else:
                raw = email("Hello", "Do you take applications by e-mail?", sender=sender, message_id=message_id)
                planned.append(Planned(message_id, raw, Outcome.NO_CASE, None, "no-case"))
    return waves


def append_all(server: DovecotServer, user: str, raws: list[bytes]) -> None:
    with server.connect(user) as client:
        for raw in raws:
            client.append("INBOX", raw)


# -- the database, read by the test ------------------------------------------------------------


def rows(engine: Engine, table: sa.Table) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(sa.select(table).order_by(table.c.id)).mappings()]


def wait_until_logged(engine: Engine, count: int, running: Running, timeout_s: float = 90) -> None:
    """Until the message log holds `count` records (read beside the writing desk: WAL allows it)."""
    deadline = time.monotonic() + timeout_s
    statement = sa.select(sa.func.count()).select_from(tables.inbound_messages)
    while True:
        with engine.connect() as connection:
            if connection.execute(statement).scalar_one() >= count:
                return
        if running.process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the desk logged no message ({running.process.returncode}):\n{running.errors()}")
        time.sleep(0.02)


def replies(engine: Engine) -> list[dict[str, Any]]:
    """The e-mails in the outbox (the Slack task cards beside them are another process's)."""
    return [item for item in rows(engine, tables.outbox) if item["channel"] == Channel.EMAIL]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# -- 1. kill and restart -----------------------------------------------------------------------


def test_sigkill_at_random_moments_loses_and_doubles_nothing(
    tmp_path: Path, dovecot_server: DovecotServer, imap_account: ImapAccount, smtp_sink: SmtpSink,
    capsys: pytest.CaptureFixture[str],
) -> None:
    user = imap_account.address
    year = datetime.now(PACIFIC).year
    waves = plan_mail(year)
    planned = [message for wave in waves for message in wave]
    assert len(planned) == KILLS * WAVE == 200
    env = desk_env(tmp_path, imap_account, smtp_sink.port)
    rng = random.Random(SEED)  # noqa: S311 - kill points, not secrets
    start_mappers()
    engine = create_database_engine(env["ICDESK_DATABASE_URL"])
    upgrade(engine)  # what the first command would do; a kill while it creates the schema is not the point
    kill_points: list[str] = []
    last_before_kill: set[int] = set()  # index at the sink of the last reply each killed run sent
    started = time.monotonic()
    try:
        for run, wave in enumerate(waves):
            append_all(dovecot_server, user, [message.raw for message in wave])
            sent_before = len(smtp_sink.messages)
            log = rows(engine, tables.inbound_messages)
            with intake_run(env, tmp_path, f"run-{run:02d}", poll_seconds=1) as running:
                running.wait_for("Ctrl-C to stop", 60, stderr=True)
                if run == DELIVERY_KILL_RUN:
                    # Once: as the sink takes the n-th reply of this run, i.e. after the SMTP
                    # send and (most likely) before the outbox records it, the window in which
                    # a crash makes the desk send that reply twice.
                    # The first reply of the run: earlier kills may leave replies leased (held
                    # for five minutes), so how many more this run sends depends on timing.
                    nth = 1
                    smtp_sink.wait_for(sent_before + nth, timeout_s=180)
                    running.kill()
                    how = f"at the sink's reply {nth} of the run"
                else:
                    # Timed from the run's first message on record: the first parse of a run
                    # starts the parser's forkserver, and a kill before that tests only it.
                    delay = rng.uniform(*TIMED_KILL_S)
                    wait_until_logged(engine, len(log) + 1, running)
                    time.sleep(delay)
                    running.kill()
                    how = f"{delay:.2f} s after its first message"
                passes = running.output().count("processed ")
            log = rows(engine, tables.inbound_messages)
            outbox = replies(engine)
            delivered = sum(item["delivered_at"] is not None for item in outbox)
            kill_points.append(f"run {run:2d}: killed {how}; {passes} pass(es) finished, "
                               f"{len(log)}/{(run + 1) * WAVE} messages logged, "
                               f"{delivered}/{len(outbox)} replies recorded as delivered, "
                               f"{len(smtp_sink.messages) - sent_before} reached the sink")
            if len(smtp_sink.messages) > sent_before:
                last_before_kill.add(len(smtp_sink.messages) - 1)
        kill_loop_s = time.monotonic() - started

        final = icdesk_once(env, tmp_path)
        assert final.returncode == 0, final.stderr
        # Replies a killed run had claimed stay leased for LEASE (5 minutes), and later replies
        # on the same cases wait behind them; the first delivery after the lease sends them all,
        # here deliver_outbox with the clock past the lease.
        now = datetime.now(UTC)
        waiting = [item for item in replies(engine) if item["delivered_at"] is None]
        leased = [item for item in waiting if item["attempts"] >= 1 and item["available_at"] > now]
        for item in waiting:
            assert item in leased or any(earlier["case_number"] == item["case_number"] and earlier["id"] < item["id"]
                                         for earlier in leased), item
        sender = SmtpSender(SmtpSettings("127.0.0.1", smtp_sink.port, security="none"), DESK)
        late = deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender},
                              lambda: datetime.now(UTC) + LEASE + timedelta(minutes=1))
        assert not late.failed
        assert len(late.delivered) == len(waiting)

        # Every message left the inbox for exactly one of the two folders.
        assert dovecot_server.count(user, "INBOX") == 0
        processed = Counter(dovecot_server.message_ids(user, "Processed"))
        quarantined = Counter(dovecot_server.message_ids(user, "Quarantine"))
        assert set(processed.values()) | set(quarantined.values()) == {1}
        assert set(processed) == {m.message_id for m in planned if not m.quarantined}
        assert set(quarantined) == {m.message_id for m in planned if m.quarantined}

        # One record per Message-ID, each with the outcome and the case the plan says.
        log = rows(engine, tables.inbound_messages)
        assert len(log) == len(planned)
        assert {r["dedupe_key"]: (r["outcome"], r["case_number"]) for r in log} == {
            m.message_id: (m.outcome, m.case_number) for m in planned}

        # One case per application, numbered 1..80 without a gap or a double.
        applications = [m for m in planned if m.outcome == Outcome.NEW_CASE]
        assert len(applications) == 80
        numbers = [case["number"] for case in rows(engine, tables.cases)]
        assert sorted(numbers) == [format_case_number(year, k) for k in range(1, len(applications) + 1)]

        # Every reply queued once and delivered; the sink saw each Message-ID, a few maybe twice.
        outbox = replies(engine)
        assert sorted(item["key"] for item in outbox) == sorted(
            f"reply:{m.message_id}:{m.reply}" for m in planned if m.reply is not None)
        assert all(item["delivered_at"] is not None for item in outbox)
        queued = {item["payload"]["message_id"]: item for item in outbox}
        received = Counter(str(mail.message["Message-ID"]) for mail in smtp_sink.messages)
        assert set(received) == set(queued)
        assert all([queued[str(mail.message["Message-ID"])]["recipient"]] == list(mail.rcpt_tos)
                   for mail in smtp_sink.messages)
        duplicates = {message_id: count for message_id, count in received.items() if count > 1}
        resent = sum(count - 1 for count in duplicates.values())
        # A reply goes out twice only when a run was killed after the sink took it and before
        # the outbox recorded it: then it was claimed twice, and its first copy is the last
        # reply that run sent: at most one per kill, whatever the timing.
        assert all(queued[message_id]["attempts"] >= 2 for message_id in duplicates)
        assert all(count == 2 for count in duplicates.values())
        first_copies = {next(index for index, mail in enumerate(smtp_sink.messages)
                             if str(mail.message["Message-ID"]) == message_id) for message_id in duplicates}
        assert first_copies <= last_before_kill, (sorted(first_copies), sorted(last_before_kill))
    finally:
        engine.dispose()

    with capsys.disabled():
        print(f"\nkill test (seed {SEED}): {len(planned)} messages, {len(queued)} replies; kill loop "
              f"{kill_loop_s:.0f} s; {len(leased)} replies leased by a killed run and {len(waiting) - len(leased)} "
              f"queued behind them, sent after the lease; "
              f"{resent} sent twice to the sink {sorted(duplicates)}")
        print("\n".join(kill_points))


# -- 2. Dovecot restarted under IDLE -----------------------------------------------------------


def wait_for_folder(server: DovecotServer, user: str, folder: str, count: int, timeout_s: float) -> float:
    """Seconds until the folder holds `count` messages; fails the test after `timeout_s`."""
    started = time.monotonic()
    while (held := server.count(user, folder)) < count:
        if time.monotonic() - started > timeout_s:
            pytest.fail(f"{folder} holds {held} messages after {timeout_s} s, not {count}")
        time.sleep(0.1)
    return time.monotonic() - started


def application_email(index: int, tag: str) -> tuple[str, bytes]:
    message_id = f"<{tag}-{index}@installer{index:03d}.example>"
    return message_id, email(f"Net metering application, {1000 + index} N Williams Ave", message_id=message_id,
                             sender=f"permits@installer{index:03d}.example",
                             attachments={"application.pdf": numbered_application_pdf(index)})


def test_mail_after_a_dovecot_restart_during_idle_is_read_at_once(
    tmp_path: Path, dovecot_server: DovecotServer, imap_account: ImapAccount, smtp_sink: SmtpSink,
) -> None:
    user = imap_account.address
    year = datetime.now(PACIFIC).year
    env = desk_env(tmp_path, imap_account, smtp_sink.port)
    first_id, first = application_email(1, "idle")
    dovecot_server.append(user, first)
    # Waits of ten minutes: mail after the restart can only be seen through IDLE (or the
    # reconnect that follows a broken one), never through the end of a wait.
    with intake_run(env, tmp_path, "idle", poll_seconds=600) as running:
        running.wait_for("processed 1 message", 60)
        smtp_sink.wait_for(1, timeout_s=30)
        # From the pass's report into IDLE is a NOOP and a SEARCH on loopback.
        time.sleep(1.0)
        dovecot_server.restart()
        second_id, second = application_email(2, "idle")
        question_id = "<idle-question@installer001.example>"
        question = email(f"Question about {format_case_number(year, 1)}", "Is the meter exchange scheduled?",
                         sender="permits@installer001.example", message_id=question_id)
        dovecot_server.append(user, second)
        dovecot_server.append(user, question)
        took = wait_for_folder(dovecot_server, user, "Processed", 3, timeout_s=30)
        sent = smtp_sink.wait_for(2, timeout_s=30)
        assert running.process.poll() is None, running.errors()
        errors = running.errors()

    assert took < 30
    assert "IMAP idle on 127.0.0.1" in errors  # the broken IDLE was noticed and reconnected
    assert dovecot_server.count(user, "INBOX") == 0
    assert sorted(dovecot_server.message_ids(user, "Processed")) == sorted([first_id, second_id, question_id])
    assert sorted(str(mail.message["In-Reply-To"]) for mail in sent) == sorted([first_id, second_id])
    start_mappers()
    engine = create_database_engine(env["ICDESK_DATABASE_URL"])
    try:
        log = {r["dedupe_key"]: (r["outcome"], r["case_number"]) for r in rows(engine, tables.inbound_messages)}
    finally:
        engine.dispose()
    assert log == {first_id: (Outcome.NEW_CASE, format_case_number(year, 1)),
                   second_id: (Outcome.NEW_CASE, format_case_number(year, 2)),
                   question_id: (Outcome.QUESTION, format_case_number(year, 1))}
    assert len(smtp_sink.messages) == 2


# -- 3. the outbox while SMTP is down ----------------------------------------------------------


class _Kept:
    """aiosmtpd's handler: keeps what arrives."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.raw.append((envelope.original_content or b"").replace(b"\r\n", b"\n"))
        return "250 Message accepted for delivery"


@contextmanager
def relay_on(port: int) -> Iterator[_Kept]:
    """The mail relay back on the port the desk was told about (the sink fixture picks its own)."""
    kept = _Kept()
    controller = Controller(kept, hostname="127.0.0.1", port=port)
    controller.start()  # type: ignore[no-untyped-call]
    try:
        yield kept
    finally:
        controller.stop()  # type: ignore[no-untyped-call]


def test_replies_wait_out_an_smtp_outage_with_backoff_and_go_out_once(
    tmp_path: Path, dovecot_server: DovecotServer, imap_account: ImapAccount,
) -> None:
    user = imap_account.address
    port = free_port()  # nothing listens there: the relay is down
    env = desk_env(tmp_path, imap_account, port)
    application_id, raw = application_email(1, "outage")
    dovecot_server.append(user, raw)
    dovecot_server.append(user, email("Net metering application", sender="permits@installer002.example",
                                      message_id="<outage-bad@installer002.example>",
                                      attachments={"application.pdf": b"%PDF-1.7 truncated in transit"}))

    before = datetime.now(UTC)
    down = icdesk_once(env, tmp_path)
    after = datetime.now(UTC)
    assert down.returncode == 0, down.stderr
    # The mail is handled whatever SMTP does; only the replies wait.
    assert down.stdout.strip() == ("processed 2 messages: 1 new case, 0 supplements, 0 questions, "
                                   "0 ignored or unmatched, 1 quarantined; sent 0 e-mails (2 to retry)")
    assert dovecot_server.count(user, "INBOX") == 0
    assert (dovecot_server.count(user, "Processed"), dovecot_server.count(user, "Quarantine")) == (1, 1)

    start_mappers()
    engine = create_database_engine(env["ICDESK_DATABASE_URL"])
    try:
        waiting = replies(engine)
        assert len(waiting) == 2
        for item in waiting:
            assert item["delivered_at"] is None
            assert item["attempts"] == 1
            assert f"SMTP 127.0.0.1:{port}" in item["last_error"]
            assert before + timedelta(seconds=30) <= item["available_at"] <= after + timedelta(seconds=30)

        # deliver_outbox on a clock of our own from here: 31 s on, the relay still down, the
        # second attempt fails and the third waits 60 s more.
        base = max(item["available_at"] for item in waiting)
        sender = SmtpSender(SmtpSettings("127.0.0.1", port, security="none", timeout_s=5), DESK)

        def deliver(seconds: float) -> tuple[int, int]:
            report = deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender},
                                    lambda: base + timedelta(seconds=seconds))
            return len(report.delivered), len(report.failed)

        assert deliver(1) == (0, 2)
        assert {(item["attempts"], item["available_at"]) for item in replies(engine)} == {
            (2, base + timedelta(seconds=61))}
        assert deliver(60) == (0, 0)  # not due yet: nothing is hammered

        with relay_on(port) as relay:
            # The relay is back, but the replies are not due: a pass now sends nothing.
            early = icdesk_once(env, tmp_path)
            assert early.returncode == 0, early.stderr
            assert early.stdout.strip().endswith("; sent 0 e-mails")
            assert relay.raw == []
            assert deliver(61) == (2, 0)
            assert deliver(LEASE.total_seconds() + 3600) == (0, 0)  # delivered is delivered: never again
            received = [message_from_bytes(raw, policy=default_policy) for raw in relay.raw]
        outbox = replies(engine)
    finally:
        engine.dispose()

    assert all(item["delivered_at"] is not None for item in outbox)
    assert sorted(str(mail["Message-ID"]) for mail in received) == sorted(
        item["payload"]["message_id"] for item in outbox)
    assert [str(mail["In-Reply-To"]) for mail in received if mail["In-Reply-To"]] == [application_id]
    assert sorted(str(mail["To"]) for mail in received) == ["permits@installer001.example",
                                                            "permits@installer002.example"]
