"""Two scheduler processes on one PostgreSQL live through a month of clocks; the leader is
killed in the middle of a morning's digests and a replacement is started. Every digest and
every reminder reaches Slack exactly once, and the deemed approval happens once.

The processes are real (`leader_worker.py`, built from the environment as `icdesk scheduler
run` is) and so are PostgreSQL and the HTTP calls to the Slack Web API stand-in; only the time
is the test's: it writes each instant to a file, and the leading process runs everything due
up to it and says so, so that no instant is skipped or raced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from servers.slack_api import DEFAULT_TOKEN, SlackApiServer
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.persistence import tables
from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from cases.persistence.migrate import upgrade
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from cases.stages import Stage

WORKER = Path(__file__).with_name("leader_worker.py")
CHANNELS = {"coordinator": "C_COORD", "protection": "C_PROT", "metering": "C_METER", "billing": "C_BILL",
            "manager": "C_MGMT"}
FIRST_DAY, LAST_DAY = date(2026, 11, 2), date(2026, 12, 3)
KILL_AT = pacific(2026, 11, 16, 9)  # a Monday morning, an hour after the digests fall due
ACK_TIMEOUT_S = 60.0


class Desk:
    """The test's side: the shared clock file, the processes, and what they acknowledged."""

    def __init__(self, folder: Path, environment: dict[str, str]) -> None:
        self.folder = folder
        self.clock, self.ack = folder / "clock", folder / "ack"
        self.environment = environment
        self.processes: list[subprocess.Popen[bytes]] = []

    def start_process(self) -> subprocess.Popen[bytes]:
        with open(self.folder / f"worker-{len(self.processes)}.log", "wb") as log:
            process = subprocess.Popen([sys.executable, str(WORKER), str(self.clock), str(self.ack)],
                                       env=self.environment, stderr=log)
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.folder.glob("worker-*.log")))

    def set_clock(self, index: int, at: datetime | None) -> None:
        temporary = self.clock.with_suffix(".new")
        temporary.write_text("stop" if at is None else f"{index} {at.isoformat()}")
        temporary.replace(self.clock)

    def acknowledged(self) -> tuple[int, int]:
        text = self.ack.read_text().strip() if self.ack.exists() else ""
        if not text:
            return -1, 0
        index, pid = text.split()
        return int(index), int(pid)

    def live_through(self, index: int, at: datetime) -> int:
        """Set the clock and wait until the leading process has run up to it; its pid."""
        self.set_clock(index, at)
        deadline = time.monotonic() + ACK_TIMEOUT_S
        while (done := self.acknowledged())[0] < index:
            if time.monotonic() > deadline:
                pytest.fail(f"no process ran the desk up to {at.isoformat()}:\n{self.logs()}")
            time.sleep(0.005)
        return done[1]

    def stop(self) -> None:
        self.set_clock(0, None)
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def instants() -> list[datetime]:
    """Three moments of every day: before the digests, after them, and the evening."""
    moments = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        moments += [pacific(day.year, day.month, day.day, hour) for hour in (6, 9, 18)]
        day += timedelta(days=1)
    return moments


def register(url: str, book: RuleBook) -> list[str]:
    """Four cases whose clocks fall due across the month: two complete, two incomplete."""
    start_mappers()
    engine = create_database_engine(url)
    upgrade(engine)
    numbers = []
    for day, complete, street in ((2, True, "4417 N Williams Ave"), (3, False, "2280 SE Ankeny St"),
                                  (9, False, "611 NE Going St"), (10, True, "35 SW Gibbs St")):
        at = pacific(2026, 11, day, 10)
        documents = tuple(Document(kind, f"{kind}.pdf", kind.ljust(64, "0"), 1, at)
                          for kind in ("one_line_diagram", "site_plan", "spec_sheet")) if complete else ()
        application = application_from_contract(contract(site__address=street))
        numbers.append(services.register_application(SqlUnitOfWork(engine), book, application, at, "intake",
                                                     documents=documents))
    engine.dispose()
    return numbers


@pytest.fixture
def environment(tmp_path: Path, postgres_database_url: str, slack_api: SlackApiServer) -> dict[str, str]:
    variables = {key: value for key, value in os.environ.items() if not key.startswith(("ICDESK_", "SLACK_"))}
    variables.update({
        "ICDESK_DATABASE_URL": postgres_database_url, "SLACK_BOT_TOKEN": DEFAULT_TOKEN,
        "ICDESK_SLACK_API_URL": slack_api.base_url, "ICDESK_STORAGE_DIR": str(tmp_path / "storage"),
        "ICDESK_LOG_DIR": str(tmp_path / "log"), "ICDESK_OUTGOING_MAIL_DIR": str(tmp_path / "outgoing"),
        "ICDESK_MAILDROP": str(tmp_path / "maildrop"),
        **{f"ICDESK_SLACK_CHANNEL_{team.upper()}": channel for team, channel in CHANNELS.items()},
    })
    return variables


def test_a_month_with_two_schedulers_and_a_killed_leader_sends_everything_once(
        tmp_path: Path, environment: dict[str, str], postgres_database_url: str, slack_api: SlackApiServer,
        book: RuleBook) -> None:
    numbers = register(postgres_database_url, book)
    desk = Desk(tmp_path, environment)
    desk.start_process()
    desk.start_process()
    leaders: list[int] = []
    killed: subprocess.Popen[bytes] | None = None
    try:
        for index, at in enumerate(instants()):
            if at == KILL_AT:
                killed = next(p for p in desk.processes if p.pid == leaders[-1])
                killed.send_signal(signal.SIGUSR1)  # it dies after two sends, in the middle of the digests
                desk.start_process()  # its replacement, as systemd would start it
            leaders.append(desk.live_through(index, at))
    finally:
        desk.stop()

    # The leader died by SIGKILL mid-run, and another process led from then on.
    assert killed is not None
    assert killed.returncode == -signal.SIGKILL
    assert killed.pid in leaders
    assert killed.pid not in leaders[instants().index(KILL_AT):]

    engine = create_database_engine(postgres_database_url)
    with engine.connect() as connection:
        outbox = connection.execute(sa.select(tables.outbox.c.key, tables.outbox.c.delivered_at)).all()
    engine.dispose()
    assert outbox
    assert all(delivered is not None for _, delivered in outbox), "every notification was delivered"
    keys = [key for key, _ in outbox]

    # Every business morning, each team's digest exactly once; none on weekends or Thanksgiving.
    business_days = [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)
                     if book.calendar.is_business_day(FIRST_DAY + timedelta(days=n))]
    assert sorted(k for k in keys if k.startswith("digest:")) == sorted(
        f"digest:{day.isoformat()}:{team}" for day in business_days for team in CHANNELS)
    for team in ("coordinator", "protection", "metering", "billing"):
        headings = Counter(message["text"].splitlines()[0] for message in slack_api.channel_messages(CHANNELS[team])
                           if message.get("text", "").startswith("Interconnection desk"))
        assert headings == Counter(f"Interconnection desk · {team} · {day:%A, %B} {day.day}, {day.year}"
                                   for day in business_days), team

    # Nothing reached Slack twice.
    posts = Counter((call.param("channel"), call.param("text"), call.param("thread_ts"))
                    for call in slack_api.calls_to("chat.postMessage") if call.response.get("ok"))
    assert [post for post, count in posts.items() if count > 1] == []
    reminders = [k for k in keys if k.startswith("reminder:")]
    reminder_posts = [text for (channel, text, _), _ in posts.items() if channel == "C_COORD" and " is due " in text]
    assert reminders
    assert len(reminder_posts) == len(reminders)

    # The complete Tier 1 case received on 2 November was left unanswered: deemed approved
    # on the 20th business day, once, and announced once.
    engine = create_database_engine(postgres_database_url)
    with SqlUnitOfWork(engine) as uow:
        case = uow.cases.get(numbers[0])
        stage = case.stage
        approvals = [e.at for e in case.events if e.note and e.note.startswith("deemed approved")]
    engine.dispose()
    assert stage == Stage.APPROVED
    assert len(approvals) == 1
    # Its 20 business days ran out at the end of 2 December (Veterans Day and Thanksgiving do
    # not count): the first sweep of 3 December applied the outcome.
    assert book.calendar.add_business_days(date(2026, 11, 2), 20) == date(2026, 12, 2)
    assert book.calendar.local_date(approvals[0]) == date(2026, 12, 3)
    assert sum(1 for k in keys if k.startswith(f"lapse:{numbers[0]}")) >= 1
