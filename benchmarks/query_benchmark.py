"""Benchmark of the bot's read path with 100,000 cases in SQLite.

Run: .venv/bin/python benchmarks/query_benchmark.py [--cases N] [--runs R] [--no-http] [--profile]

It seeds N cases (benchmarks/seed_cases.py, as of Wednesday 2026-11-18) into an SQLite file in
a temporary folder, builds the desk with `build_desk` and the bot's dependencies as
`app/cli_chat.py` does (unit of work, rule book, the desk reader, the clock at 10:00 Pacific
that day), and times `bot.grammar.REGISTRY.dispatch(text, caller, deps)` followed by
`bot.blocks.render_blocks` (what Slack would be sent) for a coordinator who is also a manager,
answering in private (unmasked), R runs each after one warm-up run:

- `status IC-<year>-<n>`: a different existing case each run (open and closed alike);
- `status <fuzzy address>`: a different case's site address each run, typed the way people
  type it: house number and street name in lower case, no direction or street type, and
  every third one with a typo (e.g. `4417 wiliams`);
- `summary month`, `overdue`: the same command every run.

It prints the median and the 99th percentile (interpolated; with 50 runs it is close to the
slowest run) and median / target. Targets (issue 5): status by number < 50 ms, status by
address < 300 ms, summary < 300 ms; `overdue` has none (printed for reference).

Unless `--no-http`, it also serves the real Slack app (app/bot_wiring.py: bolt behind
waitress, signed requests) on loopback against the Slack Web API stand-in
(tests/servers/slack_api.py) and times the signed-HTTP round trip of `/ic status <number>`
and `/ic status <address>`: from sending the request to the HTTP ack, and to the final
answer arriving at the response_url. `--profile` prints the top functions (cProfile) of the
fuzzy status, the summary and overdue.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

import sqlalchemy as sa  # noqa: E402 - needs the path above
from bench_tools import percentile, profile  # noqa: E402 - needs the path above
from seed_cases import seed  # noqa: E402
from servers.slack_api import DEFAULT_TOKEN, SlackApiServer  # noqa: E402

from app.bootstrap import Desk, build_desk  # noqa: E402
from app.bot_wiring import EVENTS_PATH, bound_port, build_bot, http_server, stop_http_server  # noqa: E402
from bot.blocks import render_blocks  # noqa: E402
from bot.content import CaseCard, Listing, PickList, Summary  # noqa: E402
from bot.core import BotDeps, Caller, Role  # noqa: E402
from bot.grammar import REGISTRY  # noqa: E402
from cases.persistence import tables  # noqa: E402
from cases.persistence.database import create_database_engine  # noqa: E402
from config.settings import Settings, load_settings  # noqa: E402

AS_OF = date(2026, 11, 18)
TARGETS_MS = {"status by number": 50.0, "status by address": 300.0, "summary month": 300.0, "overdue": None}
SECRET = "benchmark-signing-secret-0123456789"  # noqa: S105 - signs requests to our own loopback app
COORDINATOR = "U01COORD1"


def fuzzy(address: str, rng: random.Random, typo: bool) -> str:
    """`4417 N Williams Ave` → `4417 williams` (or `4417 wiliams`)."""
    words = address.split()
    number, rest = words[0], [w for w in words[1:-1] if w not in ("N", "NE", "SE", "SW", "NW")]
    street = " ".join(rest).lower()
    if typo and len(street) > 4:
        at = rng.randrange(1, len(street) - 1)
        street = street[:at] + street[at + 1:]
    return f"{number} {street}"


def queries(desk: Desk, runs: int) -> dict[str, list[str]]:
    """`runs` texts for each command (plus one for the warm-up)."""
    rng = random.Random(5)
    with desk.engine.connect() as connection:
        count = connection.execute(sa.select(sa.func.count()).select_from(tables.cases)).scalar_one()
        picks = rng.sample(range(1, count + 1), 2 * (runs + 1))
        rows = connection.execute(sa.select(tables.cases.c.id, tables.cases.c.number, tables.cases.c.site_address)
                                  .where(tables.cases.c.id.in_(picks))).all()
    by_id = {row.id: row for row in rows}
    numbers = [by_id[i].number for i in picks[:runs + 1]]
    addresses = [fuzzy(by_id[i].site_address, rng, n % 3 == 2) for n, i in enumerate(picks[runs + 1:])]
    return {"status by number": [f"status {n}" for n in numbers],
            "status by address": [f"status {a}" for a in addresses],
            "summary month": ["summary month"] * (runs + 1), "overdue": ["overdue"] * (runs + 1)}


def describe(content: Any) -> str:
    if isinstance(content, CaseCard):
        return "card"
    if isinstance(content, PickList):
        return f"pick list of {len(content.matches)}"
    if isinstance(content, Listing):
        return f"{len(content.rows)} rows"
    if isinstance(content, Summary):
        return f"{content.received} received, {len(content.overdue)} overdue"
    return type(content).__name__


def bench_dispatch(deps: BotDeps, caller: Caller, texts: dict[str, list[str]], want_profile: bool) -> None:
    print(f"{'command':<20} {'median':>9} {'p99':>9} {'ratio':>7}  answer (example)")
    for label, items in texts.items():
        def run(text: str) -> Any:
            content = REGISTRY.dispatch(text, caller, deps)
            render_blocks(content)
            return content
        run(items[0])
        times, kinds = [], []
        for text in items[1:]:
            start = time.perf_counter()
            content = run(text)
            times.append((time.perf_counter() - start) * 1000)
            kinds.append(describe(content))
        median, p99 = statistics.median(times), percentile(times, 99)
        target = TARGETS_MS[label]
        ratio = f"{median / target:7.2f}" if target else "      —"
        common = max(set(kinds), key=kinds.count)
        print(f"{label:<20} {median:>7.1f}ms {p99:>7.1f}ms {ratio}  {common} ({kinds.count(common)}/{len(kinds)}; "
              f"e.g. `{items[1]}`)")
        if want_profile and label != "status by number":
            profile(lambda t=items[1]: run(t), label)


def bench_http(url: str, now: datetime, texts: dict[str, list[str]], runs: int) -> None:
    """The signed-HTTP round trip of `/ic status …` through the real bolt app behind waitress."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        os.environ.pop(name, None)
    api = SlackApiServer()
    api.start()
    settings = load_settings(database_url=url, slack_bot_token=DEFAULT_TOKEN, slack_signing_secret=SECRET,
                             slack_api_url=api.base_url, role_coordinator=COORDINATOR, role_manager=COORDINATOR)
    desk = build_desk(settings, now=lambda: now)
    server = http_server(build_bot(desk), "127.0.0.1", 0, threads=4)
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    port = bound_port(server)

    def command(text: str, hook: str) -> tuple[float, float]:
        form = {"token": "legacy", "team_id": "T_ICDESK", "channel_id": "C_COORD", "user_id": COORDINATOR,
                "command": "/ic", "text": text, "response_url": api.base_url + hook, "trigger_id": "13.1.x"}
        body = urlencode(form)
        stamp = str(int(time.time()))
        digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        start = time.perf_counter()
        connection.request("POST", EVENTS_PATH, body=body.encode(), headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": f"v0={digest}"})
        response = connection.getresponse()
        response.read()
        acked = time.perf_counter() - start
        connection.close()
        assert response.status == 200, response.status
        deadline = start + 10
        while not api.calls_to(hook):
            if time.perf_counter() > deadline:
                raise AssertionError(f"no answer at {hook} for {text!r}")
            time.sleep(0.0005)
        return acked * 1000, (time.perf_counter() - start) * 1000

    try:
        print(f"{'/ic over signed HTTP':<20} {'ack med':>9} {'ack p99':>9} {'answer med':>11} {'answer p99':>11}")
        for label in ("status by number", "status by address"):
            command(texts[label][0], f"hooks/warm-{label.replace(' ', '-')}")
            acks, answers = [], []
            for n, text in enumerate(texts[label][1:runs + 1]):
                ack, answer = command(text, f"hooks/{label.replace(' ', '-')}-{n}")
                acks.append(ack)
                answers.append(answer)
            print(f"/ic {label:<16} {statistics.median(acks):>7.1f}ms {percentile(acks, 99):>7.1f}ms "
                  f"{statistics.median(answers):>9.1f}ms {percentile(answers, 99):>9.1f}ms")
    finally:
        stop_http_server(server)
        runner.join(timeout=5)
        desk.close()
        api.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="icdesk-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'desk.db'}"
        engine = create_database_engine(url)
        result = seed(engine, args.cases, seed=1, today=AS_OF)
        engine.dispose()
        print(result.line())
        desk = build_desk(Settings(database_url=url))
        now = datetime.combine(AS_OF, clock_time(10), desk.book.calendar.zone)
        desk.now = lambda: now
        deps = BotDeps(unit_of_work=desk.unit_of_work, book=desk.book, reader=desk.desk_reader, now=desk.now)
        caller = Caller(user_id=COORDINATOR, roles=frozenset({Role.COORDINATOR, Role.MANAGER}), private=True)
        texts = queries(desk, args.runs)
        print(f"{args.runs} runs each after one warm-up; dispatch + render_blocks; as of {now.isoformat()}")
        bench_dispatch(deps, caller, texts, args.profile)
        desk.close()
        if not args.no_http:
            bench_http(url, now, texts, min(args.runs, 20))


if __name__ == "__main__":
    main()
