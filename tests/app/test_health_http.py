"""/healthz and /metrics of real `icdesk serve` processes, asked over HTTP: the intake process
on SQLite and PostgreSQL, a backlog turning it unhealthy, a database that disappears, and the
bot and scheduler processes of a PostgreSQL deployment agreeing on who leads."""

from __future__ import annotations

import hashlib
import hmac
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path

import pytest
from served import Served, desk_env, icdesk, wait_until
from servers.postgres import PostgresServer
from servers.slack_api import DEFAULT_TOKEN, SlackApiServer
from sqlalchemy.engine import make_url

from cases.messaging import Channel, OutboxItem
from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from cases.persistence.repository import SqlUnitOfWork

SAMPLES = resources.files("app.samples").joinpath("maildrop")
SIGNING_SECRET = "test-signing-secret"


def _database_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'desk.db'}"
    url: str = request.getfixturevalue("postgres_database_url")
    return url


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_the_intake_process_reports_health_and_metrics(kind: str, tmp_path: Path,
                                                       request: pytest.FixtureRequest) -> None:
    env = desk_env(tmp_path, _database_url(kind, tmp_path, request))
    drop = tmp_path / "maildrop"
    for name in ("2-complete-tier-1.eml", "5-bounce.eml"):
        (drop / name).write_bytes(SAMPLES.joinpath(name).read_bytes())
    with Served(env, tmp_path, "--only", "intake") as served:
        wait_until(lambda: len(list((drop / "processed").glob("*.eml"))) == 2, what="both messages processed")
        status, health = served.health()
        metrics = served.metrics()
    assert status == 200, health
    assert health["status"] == "ok"
    assert health["process"] == "intake"
    checks = health["checks"]
    assert set(checks) == {"database", "mailbox", "slack", "scheduler", "outbox"}
    assert checks["database"]["status"] == "ok"
    assert checks["database"]["detail"].startswith("schema at ")
    assert checks["mailbox"] == {"status": "ok", "detail": f"mail drop {drop}"}
    assert checks["slack"] == {"status": "skipped", "detail": "not configured (no SLACK_BOT_TOKEN)"}
    assert metrics[("icdesk_database_up", ())] == 1
    assert metrics[("icdesk_messages_processed_total", (("outcome", "new_case"),))] == 1
    assert metrics[("icdesk_messages_processed_total", (("outcome", "ignored"),))] == 1
    # The application's PDF was parsed in this process, and timed.
    assert metrics[("icdesk_parse_seconds_count", ())] >= 1
    assert metrics[("icdesk_parse_seconds_sum", ())] > 0
    # Intake sends the acknowledgement itself; team posts wait for the process that posts to Slack.
    assert metrics[("icdesk_outbox_depth", (("channel", "email"),))] == 0
    assert metrics[("icdesk_outbox_depth", (("channel", "slack"),))] >= 1
    assert ("icdesk_delivery_retries_total", (("channel", "slack"),)) in metrics


def _queue_old_post(database_url: str, age: timedelta) -> None:
    start_mappers()
    engine = create_database_engine(database_url)
    try:
        with SqlUnitOfWork(engine) as uow:
            uow.outbox.add(OutboxItem(key="old-post", channel=Channel.SLACK, recipient="team:protection",
                                      payload={"text": "a post nobody delivered"},
                                      created_at=datetime.now(UTC) - age))
            uow.commit()
    finally:
        engine.dispose()


def test_an_old_outbox_backlog_makes_the_desk_unhealthy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    env = desk_env(tmp_path, url, ICDESK_HEALTH_OUTBOX_MAX_AGE_S="600")
    assert icdesk(env, tmp_path, "db", "upgrade").returncode == 0
    _queue_old_post(url, timedelta(hours=2))
    with Served(env, tmp_path, "--only", "intake") as served:
        status, health = served.health()
        metrics = served.metrics()
    assert status == 503
    assert health["status"] == "unhealthy"
    outbox = health["checks"]["outbox"]
    assert outbox["status"] == "fail"
    assert outbox["detail"].startswith("1 undelivered (email 0, slack 1), oldest 72")
    assert outbox["detail"].endswith("older than 600 s")
    assert health["checks"]["database"]["status"] == "ok"
    assert metrics[("icdesk_outbox_depth", (("channel", "slack"),))] == 1
    assert metrics[("icdesk_outbox_oldest_age_seconds", (("channel", "slack"),))] >= 7200
    # The threshold is the setting's: a day's patience makes the same backlog healthy.
    env["ICDESK_HEALTH_OUTBOX_MAX_AGE_S"] = str(24 * 3600)
    with Served(env, tmp_path, "--only", "intake") as served:
        assert served.health()[0] == 200


def test_a_database_that_disappears_makes_the_desk_unhealthy(tmp_path: Path, postgres_server: PostgresServer,
                                                             postgres_database_url: str) -> None:
    env = desk_env(tmp_path, postgres_database_url)
    with Served(env, tmp_path, "--only", "intake") as served:
        assert served.health()[0] == 200
        postgres_server.drop_database(str(make_url(postgres_database_url).database))
        status, health = served.health()
        metrics_status, metrics_body = served.get("/metrics")
    assert status == 503
    database = health["checks"]["database"]
    assert database["status"] == "fail"
    assert database["detail"].startswith("unreachable: ")
    assert "does not exist" in database["detail"]
    assert health["checks"]["outbox"]["status"] == "fail"
    assert metrics_status == 200
    assert "icdesk_database_up 0.0" in metrics_body


def _unsigned_event_status(base_url: str) -> int:
    request = urllib.request.Request(base_url + "/slack/events", data=b"{}", method="POST",  # noqa: S310
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def _signed_url_verification(base_url: str) -> tuple[int, str]:
    body = b'{"type": "url_verification", "challenge": "abc123"}'
    stamp = str(int(time.time()))
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(base_url + "/slack/events", data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": signature})
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
        return int(answer.status), answer.read().decode()


def test_bot_and_scheduler_processes_on_postgresql(tmp_path: Path, postgres_database_url: str,
                                                   slack_api: SlackApiServer) -> None:
    env = desk_env(tmp_path, postgres_database_url, SLACK_BOT_TOKEN=DEFAULT_TOKEN,
                   SLACK_SIGNING_SECRET=SIGNING_SECRET, ICDESK_SLACK_API_URL=slack_api.base_url,
                   ICDESK_BOT_PORT="0", ICDESK_HEALTH_LEADER_GRACE_S="0")
    assert icdesk(env, tmp_path, "db", "upgrade").returncode == 0
    with Served(env, tmp_path, "--only", "bot") as bot:
        # The bot's own server answers /healthz beside /slack/events, which still checks signatures.
        assert _unsigned_event_status(bot.base_url) == 401
        assert _signed_url_verification(bot.base_url) == (200, '{"challenge": "abc123"}')
        status, health = bot.health()
        assert status == 503, health
        assert health["process"] == "bot"
        assert health["checks"]["slack"] == {"status": "ok", "detail": "workspace icdesk test as U_ICDESK"}
        scheduler = health["checks"]["scheduler"]
        assert scheduler["status"] == "fail"
        assert scheduler["detail"].startswith("no process has led the scheduler")
        with Served(env, tmp_path, "--only", "scheduler") as leader:
            wait_until(lambda: leader.health()[1]["checks"]["scheduler"]["detail"] == "this process leads",
                       what="the scheduler process to take the lead")
            status, health = bot.health()
            assert status == 200, health
            assert health["checks"]["scheduler"] == {"status": "ok", "detail": "another process leads"}
            assert leader.health()[0] == 200
        # The leader stopped and released the lock: nobody leads, and the grace period is zero.
        wait_until(lambda: bot.health()[0] == 503, what="the bot to see that nobody leads")
    assert slack_api.calls_to("auth.test")


def test_serve_refuses_a_health_port_in_use(tmp_path: Path) -> None:
    env = desk_env(tmp_path, f"sqlite:///{tmp_path / 'desk.db'}")
    with Served(env, tmp_path, "--only", "intake") as first:
        port = first.base_url.rsplit(":", 1)[1]
        env["ICDESK_HEALTH_PORT"] = port
        result = icdesk(env, tmp_path, "serve", "--only", "scheduler")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: cannot serve /healthz on 127.0.0.1:{port}")
    assert "Traceback" not in result.stderr
