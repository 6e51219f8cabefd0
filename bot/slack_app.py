"""The Slack app: a bolt `App` on a Web API client that retries rate limits and Slack's own
failures, with the listeners registered by kind, one error boundary, and each Slack event
acted on once even when Slack retries it.

Nothing here runs at import: `build_slack_app` is called by the composition root (`app/`),
which also chooses HTTP or Socket Mode."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler

from bot.core import BotDeps
from bot.listeners import actions, commands, errors, events, home
from bot.listeners.callers import Callers, GroupsOf, no_groups
from bot.roles import RoleMap

log = logging.getLogger("icdesk.slack")

# Retries per call: enough to ride out a burst; the outbox retries anything longer later.
RATE_LIMIT_RETRIES = 3
SERVER_ERROR_RETRIES = 2
WEB_API_TIMEOUT_S = 15


class SeenEvents(Protocol):
    """Remembers Slack event ids across processes (`cases.persistence.slack_events.SqlSeenEvents`)."""

    def first_time(self, event_id: str) -> bool:
        """Record `event_id`; False when it was recorded before."""


def web_client(token: str, api_url: str) -> WebClient:
    """A Web API client that waits out 429s (Retry-After) and retries Slack's 5xx answers;
    slack_sdk's default handlers cover only dropped connections."""
    client = WebClient(token=token, base_url=api_url, timeout=WEB_API_TIMEOUT_S)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=SERVER_ERROR_RETRIES))
    return client


def once_per_event(seen: SeenEvents) -> Callable[..., BoltResponse | None]:
    """Middleware: a retried event (same `event_id`, `X-Slack-Retry-Num` set) is answered 200
    and not handled again. The id is recorded before the listener runs: a crash halfway means
    the retry is dropped rather than the action done twice (a posted reply, an assigned task)."""

    def middleware(body: dict[str, Any], request: BoltRequest,
                   next_: Callable[[], BoltResponse | None]) -> BoltResponse | None:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and event_id and not seen.first_time(event_id):
            retry = request.headers.get("x-slack-retry-num", ["?"])[0]
            log.info("Slack event %s already handled; retry %s ignored", event_id, retry)
            return BoltResponse(status=200, body="")
        return next_()

    return middleware


def build_slack_app(deps: BotDeps, roles: RoleMap, token: str, signing_secret: str, api_url: str,
                    seen_events: SeenEvents, *, groups_of: GroupsOf = no_groups,
                    verify_requests: bool = True) -> App:
    """The bolt app. `token_verification_enabled=False`: building it calls nothing, and
    `auth.test` runs on the first request. `verify_requests=False` only for Socket Mode,
    where Slack's messages come over our own authenticated WebSocket instead of HTTP."""
    app = App(
        client=web_client(token, api_url),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        request_verification_enabled=verify_requests,
        logger=logging.getLogger("icdesk.slack.bolt"),
    )
    app.middleware(once_per_event(seen_events))
    callers = Callers(roles, groups_of)
    for kind in (commands, events, actions, home):
        kind.register(app, deps, callers)
    errors.register(app)
    return app


class SocketModeWatchdog:
    """Reconnects a Socket Mode handler when nothing (no message, no pong) came for
    `stale_after_s` seconds: after an idle reconnect the session can look healthy and receive
    nothing (bolt-python #1529)."""

    def __init__(self, handler: SocketModeHandler, stale_after_s: float = 120.0,
                 check_every_s: float = 10.0, clock: Callable[[], float] = time.time) -> None:
        self._handler = handler
        self._stale_after_s = stale_after_s
        self._check_every_s = check_every_s
        self._clock = clock
        self._last_heard = clock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="socket-mode-watchdog", daemon=True)
        self.reconnects = 0
        handler.client.on_message_listeners.append(self._heard)

    def _heard(self, message: str) -> None:
        self._last_heard = self._clock()

    def last_heard(self) -> float:
        """When Slack was last heard from: a message, or the pong to our latest ping."""
        session = self._handler.client.current_session
        pong = getattr(session, "last_ping_pong_time", None) if session is not None else None
        return max(self._last_heard, float(pong or 0.0))

    def check(self) -> bool:
        """Reconnect if stale; True when it did."""
        silent_s = self._clock() - self.last_heard()
        if silent_s <= self._stale_after_s:
            return False
        log.warning("Socket Mode silent for %.0f s; reconnecting", silent_s)
        self._last_heard = self._clock()
        self.reconnects += 1
        self._handler.client.connect_to_new_endpoint(force=True)
        return True

    def _watch(self) -> None:
        while not self._stop.wait(self._check_every_s):
            try:
                self.check()
            except Exception:  # the watchdog must outlive a failed reconnect and try again
                log.exception("Socket Mode reconnect failed; trying again in %.0f s", self._check_every_s)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self._check_every_s + 1)
