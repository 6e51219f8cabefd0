"""Wiring the Slack bot to a desk: its dependencies, the role map from the settings, the
bolt app, and the HTTP server (waitress on one path, `POST /slack/events`, for events,
slash commands and interactivity alike)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from waitress.server import BaseWSGIServer, create_server

from app.bootstrap import Desk, bot_deps
from app.ops_http import WsgiApp, with_ops_routes
from bot.core import Role
from bot.listeners.callers import GroupsOf, SlackUserGroups, no_groups
from bot.roles import RoleMap
from bot.slack_app import build_slack_app, web_client
from cases.errors import DeskError
from cases.persistence.slack_events import SqlSeenEvents
from config.settings import Settings

EVENTS_PATH = "/slack/events"
# Worker threads of the HTTP server: each request only acks and hands the work to bolt's pool.
HTTP_THREADS = 8


def role_lists(settings: Settings) -> dict[str, str]:
    """Role name → the comma-separated Slack ids of `ICDESK_ROLE_<ROLE>`."""
    return {role.value: getattr(settings, f"role_{role.value}") for role in Role}


def role_map(settings: Settings) -> RoleMap:
    return RoleMap.from_text(role_lists(settings))


def _uses_groups(settings: Settings) -> bool:
    return any(part.strip().startswith("S") for text in role_lists(settings).values() for part in text.split(","))


def slack_credentials(settings: Settings, *, socket_mode: bool = False) -> tuple[str, str]:
    """The bot token and the signing secret, or a one-line error saying which is missing.
    Socket Mode receives over its own authenticated connection and needs no signing secret."""
    if not settings.slack_bot_token:
        raise DeskError("set SLACK_BOT_TOKEN (the bot's xoxb- token) to run the Slack bot")
    if not socket_mode and not settings.slack_signing_secret:
        raise DeskError("set SLACK_SIGNING_SECRET (Basic Information → App Credentials) to serve the Slack bot")
    return settings.slack_bot_token, settings.slack_signing_secret or ""


def build_bot(desk: Desk, *, socket_mode: bool = False) -> App:
    """The Slack app for `desk`, from its settings."""
    settings = desk.settings
    token, secret = slack_credentials(settings, socket_mode=socket_mode)
    groups: GroupsOf = (SlackUserGroups(web_client(token, settings.slack_api_url))
                        if _uses_groups(settings) else no_groups)
    return build_slack_app(bot_deps(desk), role_map(settings), token, secret, settings.slack_api_url,
                           SqlSeenEvents(desk.engine), groups_of=groups, verify_requests=not socket_mode)


def http_server(app: App, host: str, port: int, threads: int = HTTP_THREADS,
                ops: WsgiApp | None = None) -> BaseWSGIServer:
    """A waitress server for `app` on `host:port` only (port 0: the system picks); `.run()`
    serves, `.close()` stops, `bound_port(server)` is the port. `ops` answers `/healthz` and
    `/metrics` on the same port."""
    handler: WsgiApp = SlackRequestHandler(app, path=EVENTS_PATH)
    server = create_server(handler if ops is None else with_ops_routes(handler, ops), host=host, port=port,
                           threads=threads, ident="icdesk")
    if not isinstance(server, BaseWSGIServer):  # one host gives one socket; several would be a MultiSocketServer
        raise DeskError(f"--host {host!r} names more than one address; give one")
    return server


def bound_port(server: BaseWSGIServer) -> int:
    """The port `server` listens on (the one the system picked for port 0)."""
    if server.socket is None:
        raise DeskError("the bot's HTTP server is closed")
    return int(server.socket.getsockname()[1])


def stop_http_server(server: BaseWSGIServer) -> None:
    """Stop serving: the server closes inside its own loop, so `run()` returns at once instead
    of at its next one-second poll, then the worker threads finish what they were answering."""
    trigger: Any = server.trigger  # the stubs call it an int; it is waitress's trigger dispatcher
    trigger.pull_trigger(server.close)
    server.task_dispatcher.shutdown()
