"""The simulated Slack users of the load run (benchmarks/load_run.py) and the response_url
receiver their delayed answers arrive at.

Each user is a thread sending signed `/ic` slash commands to the bot's `POST /slack/events`,
as Slack sends them (form-encoded, `X-Slack-Signature` over `v0:{timestamp}:{body}`), at a
fixed rate of its own on an open-loop schedule (a slow answer does not slow the schedule; a
user that falls behind sends at once). For every request it records the HTTP status (or the
connection error) and the time from the first byte sent to the whole ack read. The answer the
bot posts afterwards to the request's `response_url` is caught by `Hooks`, a small HTTP server
on loopback that records when and what arrived, so the run can check that none is an error.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import random
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlencode

from bench_tools import percentile

SLACK_ACK_LIMIT_S = 3.0  # Slack shows the user an error when the ack takes longer
REQUEST_TIMEOUT_S = 10.0
# What the desk says when a listener failed (bot/listeners/errors.py), and how every refusal
# starts (bot/blocks.py fallback_text of a Notice with ok=False).
SORRY_START = "Sorry, something went wrong"
WARNING_START = ":warning:"


# -- the response_url receiver ------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    at: float  # time.monotonic() on arrival
    body: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.body.get("text") or "")

    @property
    def is_error(self) -> bool:
        return self.text.startswith((WARNING_START, SORRY_START)) or SORRY_START in self.text


class _HookListener(ThreadingHTTPServer):
    request_queue_size = 256
    daemon_threads = True


class Hooks:
    """Records what is POSTed to `base_url + "<id>"`: one answer per id, and how many came."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answers: dict[str, Answer] = {}
        self._counts: dict[str, int] = {}
        self._server: _HookListener | None = None

    def start(self) -> None:
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    decoded = json.loads(body) if body else {}
                except ValueError:
                    decoded = {"text": body.decode(errors="replace")}
                hooks.record(self.path.rsplit("/", 1)[-1], decoded if isinstance(decoded, dict) else {})
                payload = b"ok"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self._server = _HookListener(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="response-url-hooks", daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start the receiver first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/hooks/"

    def record(self, hook: str, body: dict[str, Any]) -> None:
        with self._lock:
            self._counts[hook] = self._counts.get(hook, 0) + 1
            self._answers.setdefault(hook, Answer(time.monotonic(), body))

    def answer(self, hook: str) -> Answer | None:
        with self._lock:
            return self._answers.get(hook)

    def count(self, hook: str) -> int:
        with self._lock:
            return self._counts.get(hook, 0)


# -- the users ------------------------------------------------------------------------------------


@dataclass
class Request:
    """One slash command and what became of it."""

    user: str
    text: str
    hook: str
    sent_at: float  # time.monotonic()
    status: int | None = None  # None: no HTTP answer (refused, reset, timed out)
    error: str = ""
    ack_ms: float | None = None


@dataclass
class Catalog:
    """What the users may ask about: (case number, site address) of the cases opened so far."""

    cases: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def replace(self, cases: list[tuple[str, str]]) -> None:
        with self.lock:
            self.cases = cases

    def pick(self, rng: random.Random) -> tuple[str, str] | None:
        with self.lock:
            return rng.choice(self.cases) if self.cases else None


def address_words(address: str) -> str:
    """`1234 N Williams Ave` → `1234 williams`: how people type an address into /ic status."""
    words = address.split()
    street = [w for w in words[1:-1] if w.upper() not in ("N", "NE", "SE", "SW", "NW", "S", "E", "W")]
    return " ".join([words[0], *street]).lower() if words else address


# (command, weight): status by number and by address, a team's queue, overdue, the week's summary, help.
MIX = (("status number", 30), ("status address", 25), ("queue protection", 15), ("overdue", 10),
       ("summary week", 10), ("help", 10))


def command_text(kind: str, catalog: Catalog, rng: random.Random, may_summarise: bool) -> str:
    if kind.startswith("status"):
        case = catalog.pick(rng)
        if case is None:  # nothing opened yet: ask what needs no case
            return "overdue"
        return f"status {case[0]}" if kind == "status number" else f"status {address_words(case[1])}"
    if kind == "summary week" and not may_summarise:
        return "queue protection"
    return kind


def sign(secret: str, body: str, stamp: str) -> str:
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


class Users:
    """`count` users sending `rate` commands a second between them until `stop` is set."""

    def __init__(self, user_ids: list[str], summarisers: set[str], rate: float, bot_port: Callable[[], int],
                 secret: str, hooks: Hooks, catalog: Catalog, seed: int = 8) -> None:
        self.user_ids, self.summarisers, self.rate = user_ids, summarisers, rate
        self.bot_port, self.secret, self.hooks, self.catalog = bot_port, secret, hooks, catalog
        self.seed = seed
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self.stop = threading.Event()
        self._sequence = 0

    def start(self) -> None:
        interval = len(self.user_ids) / self.rate
        begin = time.monotonic()
        for index, user in enumerate(self.user_ids):
            first = begin + interval * index / len(self.user_ids)
            thread = threading.Thread(target=self._user, args=(user, first, interval, self.seed * 1000 + index),
                                      name=f"user-{user}", daemon=True)
            self._threads.append(thread)
            thread.start()

    def join(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT_S + 5)

    def _next_hook(self, user: str) -> str:
        with self._lock:
            self._sequence += 1
            return f"{user}-{self._sequence}"

    def _user(self, user: str, first: float, interval: float, seed: int) -> None:
        rng = random.Random(seed)
        kinds = [kind for kind, _ in MIX]
        weights = [weight for _, weight in MIX]
        due = first
        while not self.stop.is_set():
            wait = due - time.monotonic()
            if wait > 0 and self.stop.wait(wait):
                return
            kind = rng.choices(kinds, weights)[0]
            text = command_text(kind, self.catalog, rng, user in self.summarisers)
            request = self.send(user, text)
            with self._lock:
                self.requests.append(request)
            # +-10 % jitter keeps the users from falling into step with one another.
            due += interval * rng.uniform(0.9, 1.1)

    def send(self, user: str, text: str) -> Request:
        hook = self._next_hook(user)
        form = {"token": "legacy", "team_id": "T_ICDESK", "team_domain": "utility", "channel_id": "C_COORD",
                "channel_name": "ic-coordination", "user_id": user, "user_name": user.lower(), "command": "/ic",
                "text": text, "api_app_id": "A_ICDESK", "response_url": self.hooks.base_url + hook,
                "trigger_id": f"{hook}.trigger"}
        body = urlencode(form)
        stamp = str(int(time.time()))
        request = Request(user, text, hook, time.monotonic())
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.bot_port(), timeout=REQUEST_TIMEOUT_S)
        try:
            connection.request("POST", "/slack/events", body=body.encode(), headers={
                "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": sign(self.secret, body, stamp)})
            response = connection.getresponse()
            response.read()
            request.ack_ms = (time.perf_counter() - start) * 1000
            request.status = response.status
        except (OSError, http.client.HTTPException) as error:
            request.error = f"{type(error).__name__}: {error}"
        finally:
            connection.close()
        return request

    def snapshot(self) -> list[Request]:
        with self._lock:
            return list(self.requests)


@dataclass
class CommandReport:
    """What the users saw, counted."""

    sent: int
    acked_200: int
    statuses: dict[str, int]
    slow_acks: int  # over Slack's 3 s
    refused: int  # no HTTP answer at all (the bot's port closed: killed or restarting)
    answers: int
    answers_missing: int
    answers_error: list[tuple[str, str]]
    answers_doubled: int
    ack_ms: list[float]
    answer_ms: list[float]
    seconds: float

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith("5"))


def summarise(requests: list[Request], hooks: Hooks, seconds: float) -> CommandReport:
    statuses: dict[str, int] = {}
    acks: list[float] = []
    answer_ms: list[float] = []
    errors: list[tuple[str, str]] = []
    missing = doubled = answered = slow = refused = 0
    for request in requests:
        key = str(request.status) if request.status is not None else "no answer"
        statuses[key] = statuses.get(key, 0) + 1
        if request.status is None:
            refused += 1
            continue
        assert request.ack_ms is not None
        acks.append(request.ack_ms)
        slow += request.ack_ms > SLACK_ACK_LIMIT_S * 1000
        if request.status != 200:
            continue
        answer = hooks.answer(request.hook)
        if answer is None:
            missing += 1
            continue
        answered += 1
        doubled += hooks.count(request.hook) > 1
        answer_ms.append((answer.at - request.sent_at) * 1000)
        if answer.is_error:
            errors.append((request.text, answer.text[:160]))
    return CommandReport(len(requests), statuses.get("200", 0), statuses, slow, refused, answered, missing, errors,
                         doubled, acks, answer_ms, seconds)


def latency_line(label: str, values: list[float]) -> str:
    if not values:
        return f"{label}: none"
    return (f"{label}: p50 {statistics.median(values):.1f} ms, p95 {percentile(values, 95):.1f} ms, "
            f"p99 {percentile(values, 99):.1f} ms, max {max(values):.1f} ms (n={len(values)})")
