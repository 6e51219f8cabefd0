"""A stand-in for Slack's Web API on loopback, so the bot's Slack side runs without Slack.

It answers the methods the desk calls the way Slack does (`{"ok": true, ...}` or `{"ok": false,
"error": "<Slack's name>"}`), refuses what Slack would refuse (a wrong token, an unknown channel,
blocks over Slack's limits), keeps every call for the test to inspect, and can be told to
answer 429 or 500 for a while to exercise retries. `slack_sdk.WebClient(base_url=...)` and a
bolt `App` built on such a client talk to it unchanged.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from servers.slack_api_methods import SlackError, WebApiMethods, WebApiState

DEFAULT_TOKEN = "xoxb-icdesk-test"
DEFAULT_CHANNELS = frozenset({"C_COORD", "C_PROT", "C_METER", "C_BILL", "C_MGMT"})
METHODS = frozenset({"auth.test", "chat.postMessage", "chat.update", "chat.postEphemeral", "views.open",
                     "views.publish", "conversations.open", "conversations.history", "users.info",
                     "files.getUploadURLExternal", "files.completeUploadExternal"})
_JSON_PARAMS = ("blocks", "view", "files", "attachments", "metadata")
Answer = tuple[int, dict[str, str], dict[str, Any]]


@dataclass(frozen=True)
class ApiCall:
    """One request as the stand-in received it, and what it answered."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int
    response: dict[str, Any]
    body: bytes = b""

    def param(self, name: str) -> Any:
        """A parameter, with JSON sent as a form string (blocks, view, files) decoded."""
        value = self.params.get(name)
        if isinstance(value, str) and name in _JSON_PARAMS:
            return json.loads(value)
        return value


class SlackApiServer(WebApiMethods):
    """Slack's Web API on 127.0.0.1 and a free port; start, use `base_url`, stop.

    `channels` are the channels that exist (any `D…` direct-message channel exists too);
    `users`, when given, are the only user ids `users.info` knows (id → real name);
    `missing_scopes` are scopes the app was installed without (`channels:history`).
    """

    host = "127.0.0.1"

    def __init__(self, *, token: str = DEFAULT_TOKEN, channels: frozenset[str] = DEFAULT_CHANNELS,
                 users: dict[str, str] | None = None, team_id: str = "T_ICDESK", bot_user_id: str = "U_ICDESK",
                 missing_scopes: frozenset[str] = frozenset()) -> None:
        self.token, self.channels, self.users = token, channels, users
        self.missing_scopes = missing_scopes
        self.team_id, self.bot_user_id = team_id, bot_user_id
        self._lock = threading.Lock()
        self._web = WebApiState()
        self._ids = itertools.count(1)
        self._calls: list[ApiCall] = []
        self._rate_limited, self._retry_after, self._failing, self._losing = 0, 1, 0, 0
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Listen on a port the system picks, answering on threads of its own."""
        api = self

        class Handler(_Handler):
            server_api = api

        self._http = _Listener((self.host, 0), Handler)
        # The poll interval bounds how long `stop` waits; every test stops one server.
        self._thread = threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.01},
                                        name="slack-api-stand-in", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop answering and free the port."""
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._http = None
        self._thread = None

    def __enter__(self) -> SlackApiServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """Where a `WebClient` should send its calls (slack_sdk needs the trailing slash)."""
        assert self._http is not None, "start the server first"
        return f"http://{self.host}:{self._http.server_address[1]}/"

    # -- what the test sees and controls --------------------------------------------------

    @property
    def calls(self) -> list[ApiCall]:
        """Every call so far, oldest first (a copy), including refused and forced-failure ones."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        """The calls of one Web API method, e.g. "chat.postMessage"."""
        return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 2.0) -> list[ApiCall]:
        """The calls of `method` once there are `count`; bolt listeners call from other threads."""
        deadline = time.monotonic() + timeout
        while len(found := self.calls_to(method)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} call(s) of {method} within {timeout}s, got {len(found)}")
            time.sleep(0.01)
        return found

    def uploaded(self, file_id: str) -> bytes:
        """The bytes an upload sent to the URL of `file_id`."""
        with self._lock:
            return self._web.uploads[file_id]

    def rate_limit_next(self, count: int, retry_after: int = 1) -> None:
        """Answer the next `count` calls with 429 and `Retry-After: retry_after` (seconds)."""
        with self._lock:
            self._rate_limited, self._retry_after = count, retry_after

    def fail_next(self, count: int) -> None:
        """Answer the next `count` calls with 500, as during a Slack incident."""
        with self._lock:
            self._failing = count

    def lose_answer_next(self, count: int) -> None:
        """Carry out the next `count` calls but answer them 500, as when Slack posted a message
        and the answer never reached the client (a timeout, a crash before the answer was read)."""
        with self._lock:
            self._losing = count

    def delete_message(self, channel: str, ts: str) -> None:
        """Delete a message as a person in the channel would; editing or replying to it then fails."""
        with self._lock:
            del self._web.messages[(channel, ts)]

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """A message as it stands now (after any edits), its JSON parameters decoded; None once deleted."""
        with self._lock:
            found = self._web.messages.get((channel, ts))
        if found is None:
            return None
        return {name: json.loads(value) if isinstance(value, str) and name in _JSON_PARAMS else value
                for name, value in found.items()}

    def channel_messages(self, channel: str) -> list[dict[str, Any]]:
        """The top-level messages of `channel` as they stand now, oldest first."""
        with self._lock:
            keys = sorted((ts for (where, ts), m in self._web.messages.items()
                           if where == channel and not m.get("thread_ts")), key=float)
        return [m for ts in keys if (m := self.message(channel, ts)) is not None]

    def replies(self, channel: str, thread_ts: str) -> list[dict[str, Any]]:
        """The replies in the thread of `thread_ts`, oldest first."""
        with self._lock:
            keys = sorted((ts for (where, ts), m in self._web.messages.items()
                           if where == channel and m.get("thread_ts") == thread_ts), key=float)
        return [m for ts in keys if (m := self.message(channel, ts)) is not None]

    # -- answering --------------------------------------------------------------------------

    def _forced(self) -> Answer | None:
        with self._lock:
            if self._rate_limited > 0:
                self._rate_limited -= 1
                return 429, {"Retry-After": str(self._retry_after)}, {"ok": False, "error": "ratelimited"}
            if self._failing > 0:
                self._failing -= 1
                return 500, {}, {"ok": False, "error": "internal_error"}
        return None

    def answer(self, method: str, params: dict[str, Any], headers: dict[str, str], body: bytes) -> Answer:
        """Status, extra headers and JSON body for one request; the call is recorded first."""
        forced = self._forced()
        answer = forced or self._dispatch(method, params, headers, body)
        with self._lock:
            lost = forced is None and self._losing > 0
            if lost:
                self._losing -= 1
        if lost:
            answer = 500, {}, {"ok": False, "error": "internal_error"}
        with self._lock:
            self._calls.append(ApiCall(method, params, headers, answer[0], answer[2], body))
        return answer

    def _dispatch(self, method: str, params: dict[str, Any], headers: dict[str, str], body: bytes) -> Answer:
        if method == "upload":
            # Upload URLs carry their own authority, as Slack's do: no token is sent.
            found = self.receive_upload(str(params.get("file_id")), body)
            return (200, {}, {"ok": True}) if found else (404, {}, {"ok": False, "error": "file_not_found"})
        if method not in METHODS:
            return 200, {}, {"ok": False, "error": "unknown_method"}
        bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
        try:
            if (bearer or params.get("token")) != self.token:
                raise SlackError("invalid_auth")
            result: dict[str, Any] = getattr(self, method.replace(".", "_"))(params)
        except SlackError as refusal:
            refused: dict[str, Any] = {"ok": False, "error": refusal.error}
            if refusal.detail:
                refused["response_metadata"] = {"messages": [f"[ERROR] {refusal.detail}"]}
            return 200, {}, refused
        return 200, {}, {"ok": True, **result}


class _Listener(ThreadingHTTPServer):
    # socketserver's backlog of 5 drops connections from a burst of client threads, and the
    # kernel retries them only after a second; Slack itself never makes a client wait so.
    request_queue_size = 128
    daemon_threads = True


class _Handler(BaseHTTPRequestHandler):
    """Turns an HTTP request into `SlackApiServer.answer` and writes the answer back."""

    server_api: SlackApiServer

    def _params(self, body: bytes) -> dict[str, Any]:
        query: dict[str, Any] = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        content_type = self.headers.get("Content-Type", "")
        if self.path.startswith("/upload/"):
            return {**query, "file_id": urlsplit(self.path).path.removeprefix("/upload/")}
        if not body:
            return query
        if content_type.startswith("application/json"):
            decoded = json.loads(body)
            return {**query, **(decoded if isinstance(decoded, dict) else {})}
        return {**query, **dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))}

    def _serve(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        # An upload is recorded as "upload", its file id among the params.
        method = "upload" if path.startswith("/upload/") else path.lstrip("/").removeprefix("api/")
        headers = {name.lower(): value for name, value in self.headers.items()}
        status, extra, answer = self.server_api.answer(method, self._params(body), headers, body)
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _serve  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the calls from `SlackApiServer.calls` instead."""
