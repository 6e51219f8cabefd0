"""`icdesk serve`: the desk as a long-running process, whole or one part (`--only bot`).

Over HTTP by default: waitress on 127.0.0.1 (or `--host`) serves `POST /slack/events` for
events, slash commands and interactivity; put a TLS proxy in front for Slack to reach it.
With `SLACK_APP_TOKEN` set it uses Socket Mode instead (no public URL needed), with a watchdog
that reconnects a connection that went silent. `--only intake` runs the mailbox loop.

Every process answers `GET /healthz` and `GET /metrics`: the bot on its own port, beside
/slack/events; the others on ICDESK_HEALTH_PORT (default 3001 for intake, 3002 for the
scheduler, ICDESK_BOT_PORT for the whole desk without the bot)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import click
from slack_bolt.adapter.socket_mode import SocketModeHandler

from app.bot_wiring import (
    EVENTS_PATH,
    HTTP_THREADS,
    bound_port,
    build_bot,
    http_server,
    slack_credentials,
    stop_http_server,
)
from app.cli_intake import intake_run
from app.cli_scheduler import running_scheduler
from app.context import DeskContext, stop_on_signals
from app.health import HealthChecks
from app.metrics import metrics_registry
from app.ops_http import HEALTH_PATH, WsgiApp, ops_app, ops_server
from bot.slack_app import SocketModeWatchdog
from cases.persistence.lease import AdvisoryLockLeader

log = logging.getLogger("icdesk")


INTAKE_HEALTH_PORT = 3001
SCHEDULER_HEALTH_PORT = 3002


def _ops(context: DeskContext, leader: AdvisoryLockLeader | None, process: str) -> WsgiApp:
    desk = context.desk()
    return ops_app(HealthChecks(desk, leader), metrics_registry(desk), process)


@contextmanager
def _health_server(context: DeskContext, leader: AdvisoryLockLeader | None, process: str,
                   default_port: int) -> Iterator[None]:
    """/healthz and /metrics on a small server of their own while the block runs."""
    settings = context.settings
    port = default_port if settings.health_port is None else settings.health_port
    server = ops_server(_ops(context, leader, process), settings.health_host, port)
    click.echo(f"health on http://{settings.health_host}:{bound_port(server)}{HEALTH_PATH}", err=True)
    runner = threading.Thread(target=server.run, name="ops-http", daemon=True)
    runner.start()
    try:
        yield
    finally:
        stop_http_server(server)
        runner.join(timeout=5)


def _serve_http(context: DeskContext, host: str, port: int, threads: int) -> None:
    server = http_server(build_bot(context.desk()), host, port, threads, ops=_ops(context, None, "bot"))
    click.echo(f"Slack bot listening on http://{host}:{bound_port(server)}{EVENTS_PATH}; Ctrl-C to stop", err=True)
    click.echo(f"health on http://{host}:{bound_port(server)}{HEALTH_PATH}", err=True)
    stop = stop_on_signals()
    runner = threading.Thread(target=server.run, name="waitress", daemon=True)
    runner.start()
    stop.wait()
    stop_http_server(server)
    runner.join(timeout=5)


def _serve_scheduler(context: DeskContext) -> None:
    """The scheduler alone; its health server knows whether this process leads."""
    stop = stop_on_signals()
    with running_scheduler(context.desk()) as leader, _health_server(context, leader, "scheduler",
                                                                      SCHEDULER_HEALTH_PORT):
        click.echo("scheduler running; Ctrl-C to stop", err=True)
        stop.wait()


def _serve_socket_mode(context: DeskContext, app_token: str, watchdog_s: float) -> None:
    handler = SocketModeHandler(build_bot(context.desk(), socket_mode=True), app_token)
    watchdog = SocketModeWatchdog(handler, stale_after_s=watchdog_s, check_every_s=min(10.0, watchdog_s / 4))
    stop = stop_on_signals()
    # No HTTP server of its own in Socket Mode: the health endpoints get one on the bot's port.
    with _health_server(context, None, "bot", context.settings.bot_port):
        handler.client.connect()
        watchdog.start()
        click.echo("Slack bot connected in Socket Mode; Ctrl-C to stop", err=True)
        stop.wait()
        watchdog.stop()
        handler.client.close()


def _serve_all(ctx: click.Context, context: DeskContext) -> None:
    """The embedded desk in one process: the scheduler in the background (it leads alone on
    SQLite), the mailbox loop in the foreground; the bot joins when Slack's tokens are set."""
    desk = context.desk()
    with running_scheduler(desk) as leader:
        if not (context.settings.slack_bot_token and context.settings.slack_signing_secret):
            with _health_server(context, leader, "desk", context.settings.bot_port):
                ctx.invoke(intake_run, poll_seconds=60.0)
            return
        bot = http_server(build_bot(desk), "127.0.0.1", context.settings.bot_port, HTTP_THREADS,
                          ops=_ops(context, leader, "desk"))
        click.echo(f"health on http://127.0.0.1:{bound_port(bot)}{HEALTH_PATH}", err=True)
        threading.Thread(target=bot.run, name="slack-http", daemon=True).start()
        try:
            ctx.invoke(intake_run, poll_seconds=60.0)
        finally:
            stop_http_server(bot)


@click.command("serve", help="Run the desk as a long-running process: all of it, or --only one part.")
@click.option("--only", "part", type=click.Choice(["bot", "intake", "scheduler"]), default=None,
              help="run one part (for several processes sharing PostgreSQL); default: intake and scheduler, "
                   "plus the Slack bot when its tokens are set")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (HTTP mode)")
@click.option("--port", type=int, default=None, help="port to listen on (default: ICDESK_BOT_PORT, 3000)")
@click.option("--threads", default=HTTP_THREADS, show_default=True, help="HTTP worker threads")
@click.option("--watchdog-seconds", default=120.0, show_default=True,
              help="Socket Mode: reconnect after this long without a message or pong")
@click.pass_context
def serve(ctx: click.Context, part: str | None, host: str, port: int | None, threads: int,
          watchdog_seconds: float) -> None:
    context = ctx.ensure_object(DeskContext)
    if part == "intake":
        with _health_server(context, None, "intake", INTAKE_HEALTH_PORT):
            ctx.invoke(intake_run, poll_seconds=60.0)
        return
    if part == "scheduler":
        _serve_scheduler(context)
        return
    if part is None:
        _serve_all(ctx, context)
        return
    app_token = context.settings.slack_app_token
    slack_credentials(context.settings, socket_mode=bool(app_token))  # before the desk: fail fast, in one line
    if app_token:
        _serve_socket_mode(context, app_token, watchdog_seconds)
    else:
        _serve_http(context, host, context.settings.bot_port if port is None else port, threads)
