"""`/healthz`: whether the desk can do its work, as seen from this process. Five checks, each
with a status and a short reason: the database (reachable, schema current), the mailbox, Slack,
the scheduler's leader and the outbox backlog. A check that is not configured (Slack on the
embedded desk) is "skipped", not a failure.

The mailbox and Slack are asked at most every 30 seconds, however often a probe calls: the
answer is kept, so a monitoring system polling every second does not log in to the IMAP server
every second."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.bootstrap import Desk
from app.mail import imap_settings  # as intake builds them: the probe logs in exactly as intake does
from cases.persistence.lease import AdvisoryLockLeader
from cases.persistence.migrate import SchemaState, current_revision, schema_state
from cases.persistence.operations import outbox_backlog
from config.settings import Settings
from intake.imap_connection import ImapConnection
from intake.mailbox import MailboxUnavailable

log = logging.getLogger(__name__)

PROBE_CACHE_S = 30.0
PROBE_TIMEOUT_S = 10.0

Status = Literal["ok", "fail", "skipped"]


@dataclass(frozen=True)
class CheckResult:
    status: Status
    detail: str

    @property
    def failed(self) -> bool:
        return self.status == "fail"


def ok(detail: str) -> CheckResult:
    return CheckResult("ok", detail)


def fail(detail: str) -> CheckResult:
    return CheckResult("fail", detail)


def _first_line(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


class Cached:
    """A probe whose answer is kept for `ttl_s` seconds; one caller asks at a time."""

    def __init__(self, probe: Callable[[], CheckResult], ttl_s: float = PROBE_CACHE_S,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._probe, self._ttl_s, self._clock = probe, ttl_s, clock
        self._lock = threading.Lock()
        self._answer: tuple[float, CheckResult] | None = None

    def __call__(self) -> CheckResult:
        with self._lock:
            if self._answer is None or self._clock() - self._answer[0] >= self._ttl_s:
                self._answer = (self._clock(), self._probe())
            return self._answer[1]


def database_check(engine: Engine) -> CheckResult:
    try:
        state = schema_state(engine)
        revision = current_revision(engine) if state != SchemaState.FRESH else None
    except (SQLAlchemyError, OSError) as error:
        return fail(f"unreachable: {_first_line(error)}; check ICDESK_DATABASE_URL")
    if state == SchemaState.CURRENT:
        return ok(f"schema at {revision}")
    if state == SchemaState.FRESH:
        return fail("the database is empty: run `icdesk db upgrade`")
    if state == SchemaState.BEHIND:
        return fail(f"schema at {revision}, older than this icdesk: run `icdesk db upgrade`")
    return fail(f"schema at {revision}, newer than this icdesk: upgrade icdesk")


def mailbox_check(settings: Settings) -> CheckResult:
    """IMAP: log in, select the folder and NOOP, once; else the mail drop folder exists."""
    if not settings.imap_host:
        drop = settings.maildrop
        return ok(f"mail drop {drop}") if drop.is_dir() else fail(f"the mail drop {drop} does not exist")
    try:
        connection = ImapConnection(replace(imap_settings(settings), max_attempts=1, timeout_s=PROBE_TIMEOUT_S))
    except ValueError as error:
        return fail(str(error))
    try:
        connection.run("a health check", lambda client: client.noop())
    except MailboxUnavailable as error:
        return fail(str(error))
    finally:
        connection.close()
    return ok(f"logged in to {settings.imap_host} as {settings.imap_user}")


def slack_check(settings: Settings) -> CheckResult:
    """auth.test with the bot token; no token is the embedded desk, not a failure."""
    if not settings.slack_bot_token:
        return CheckResult("skipped", "not configured (no SLACK_BOT_TOKEN)")
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=int(PROBE_TIMEOUT_S))
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        return fail(f"auth.test refused: {error.response.get('error', 'unknown error')}")
    except OSError as error:
        return fail(f"unreachable: {_first_line(error)}")
    return ok(f"workspace {answer.get('team')} as {answer.get('user_id')}")


@dataclass
class LeaderCheck:
    """This process leads, another does, or none does; on PostgreSQL "none" for longer than
    `grace_s` (a leader's successor takes over within a check interval) is a failure."""

    desk: Desk
    leader: AdvisoryLockLeader | None
    grace_s: float
    clock: Callable[[], float] = time.monotonic
    _none_since: float | None = field(default=None, init=False)

    def __call__(self) -> CheckResult:
        if self.desk.engine.dialect.name != "postgresql":
            where = "this process" if self.leader is not None else "another process (run only one on SQLite)"
            return ok(f"SQLite: the scheduler runs in {where}")
        if self.leader is not None and self.leader.holds_lead:
            self._none_since = None
            return ok("this process leads")
        try:
            someone = AdvisoryLockLeader(self.desk.engine).anyone_leads()
        except (SQLAlchemyError, OSError) as error:
            return fail(f"cannot tell: {_first_line(error)}")
        if someone:
            self._none_since = None
            return ok("another process leads")
        now = self.clock()
        self._none_since = self._none_since if self._none_since is not None else now
        waited = now - self._none_since
        if waited < self.grace_s:
            return ok(f"no process leads yet ({waited:.0f} s of {self.grace_s:.0f} s grace)")
        return fail(f"no process has led the scheduler for {waited:.0f} s: run `icdesk serve --only scheduler`")


def outbox_check(desk: Desk) -> CheckResult:
    settings = desk.settings
    try:
        backlog = outbox_backlog(desk.engine)
    except (SQLAlchemyError, OSError) as error:
        return fail(f"unreachable: {_first_line(error)}")
    depth = sum(item.depth for item in backlog.values())
    oldest = min((item.oldest for item in backlog.values() if item.oldest is not None), default=None)
    age_s = _age_s(desk.now(), oldest)
    by_channel = ", ".join(f"{channel.value} {item.depth}" for channel, item in backlog.items())
    detail = f"{depth} undelivered ({by_channel}), oldest {age_s:.0f} s"
    if depth > settings.health_outbox_max_depth:
        return fail(f"{detail}: more than {settings.health_outbox_max_depth}")
    if age_s > settings.health_outbox_max_age_s:
        return fail(f"{detail}: older than {settings.health_outbox_max_age_s:.0f} s")
    return ok(detail)


def _age_s(now: datetime, then: datetime | None) -> float:
    return 0.0 if then is None else max(0.0, (now - then).total_seconds())


class HealthChecks:
    """The checks of one serving process, with the slow probes cached."""

    def __init__(self, desk: Desk, leader: AdvisoryLockLeader | None, *, ttl_s: float = PROBE_CACHE_S) -> None:
        self._checks: dict[str, Callable[[], CheckResult]] = {
            "database": lambda: database_check(desk.engine),
            "mailbox": Cached(lambda: mailbox_check(desk.settings), ttl_s),
            "slack": Cached(lambda: slack_check(desk.settings), ttl_s),
            "scheduler": LeaderCheck(desk, leader, desk.settings.health_leader_grace_s),
            "outbox": lambda: outbox_check(desk),
        }

    def run(self) -> tuple[bool, dict[str, CheckResult]]:
        """(healthy, each check's result); a check that crashes is a failure, logged."""
        results = {}
        for name, check in self._checks.items():
            try:
                results[name] = check()
            except Exception as error:  # one broken probe must not hide the others
                log.exception("health check %s failed unexpectedly", name)
                results[name] = fail(f"internal error: {type(error).__name__}")
        return not any(result.failed for result in results.values()), results
