"""Benchmark of the scheduler's periodic work over 100,000 cases with 500,000 clocks, on SQLite
and on PostgreSQL.

Run: .venv/bin/python benchmarks/scheduler_benchmark.py [--cases N] [--runs R] [--firsts F]
                                                         [--no-sqlite] [--no-postgres] [--profile]

For each database it seeds N cases (benchmarks/seed_cases.py: 5 clocks a case, as of a
Wednesday, with N/1000 running clocks due that day) into a fresh database (SQLite: a file in a
temporary folder; PostgreSQL: a throwaway cluster started like the test suite's,
tests/servers/postgres.py, with fsync off), builds the desk as `build_desk` does and the
scheduler's dependencies as `app/cli_scheduler.py scheduler_deps` does (with a recording
sender), and times, at 00:05 Pacific on the next business day (the scheduler's first run of
the day, when the day's lapses happen):

- `sweep_clocks`, first run: it lapses the clocks due the day before (and applies deemed
  withdrawal, deemed approval or escalation, one transaction per case). Only the first run
  on a database does this, so it is measured on F fresh copies, each after a warm-up that
  compiles the statements as a running scheduler would have (a sweep of the seed's own day,
  which lapses nothing, and one case loaded and rolled back) (SQLite: a copy of the
  seeded file; PostgreSQL: CREATE DATABASE … TEMPLATE) and the median is printed;
- `sweep_clocks`, steady state: the runs after it (every 5 minutes all day), which find
  nothing to lapse: median of R runs;
- `scheduler.jobs.sweep_and_remind`: the steady sweep plus the reminders; its first run on a
  copy queues the day's reminders, the later ones find them queued (median of R);
- `scheduler.jobs.daily_digest` at 08:00 (every team's digest text from the open tasks and
  running clocks, the manager's from the month's figures; queued once): median of R.

Each figure is wall time; the ratio is figure / target. Targets: sweep <= 1 s (SQLite and
PostgreSQL), digest <= 2 s. `--profile` prints the top functions (cProfile) of the first
sweep and of the digest on SQLite (measured on one more copy, so the figures stay unprofiled).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from bench_tools import profile  # noqa: E402 - needs the path above
from seed_cases import seed  # noqa: E402
from servers.postgres import PostgresServer  # noqa: E402

from app.bootstrap import Desk, build_desk  # noqa: E402
from cases.messaging import Channel, OutboxItem  # noqa: E402
from cases.persistence.database import create_database_engine  # noqa: E402
from cases.persistence.desk_read_model import SqlDeskReader  # noqa: E402
from cases.services.clocks import sweep_clocks  # noqa: E402
from config.settings import Settings  # noqa: E402
from scheduler.jobs import SchedulerDeps, daily_digest, sweep_and_remind  # noqa: E402

AS_OF = date(2026, 11, 18)  # a Wednesday: the seed's "today"; the sweep runs the next morning
SWEEP_TARGET_S = 1.0
DIGEST_TARGET_S = 2.0


class RecordingSender:
    """Records what it is asked to send (the jobs measured here only queue)."""

    def __init__(self) -> None:
        self.sent: list[OutboxItem] = []

    def send(self, item: OutboxItem) -> None:
        self.sent.append(item)


def scheduler_deps(desk: Desk) -> SchedulerDeps:
    """As app/cli_scheduler.py builds them, with recording senders."""
    sender = RecordingSender()
    return SchedulerDeps(
        unit_of_work=desk.unit_of_work, book=desk.book,
        reader=lambda today: SqlDeskReader(desk.engine, desk.book.calendar, today),
        senders={Channel.EMAIL: sender, Channel.SLACK: sender},
    )


@dataclass
class Figures:
    database: str
    seed_s: float = 0.0
    first_sweep: list[float] = field(default_factory=list)
    lapses: list[int] = field(default_factory=list)
    steady_sweep: list[float] = field(default_factory=list)
    remind_first: list[float] = field(default_factory=list)
    reminders: list[int] = field(default_factory=list)
    remind_steady: list[float] = field(default_factory=list)
    digest_first: float = 0.0
    digest: list[float] = field(default_factory=list)
    digests: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)


def timed(run: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = run()
    return time.perf_counter() - start, result


def warm_up(desk: Desk) -> None:
    """What a running scheduler has done before the day's first sweep: the statements are
    compiled and the mappers configured (a sweep of the seed's own day lapses nothing, and
    loading one case, rolled back, exercises the case query and its child loads)."""
    calendar = desk.book.calendar
    seven = datetime.combine(AS_OF, clock_time(7), calendar.zone)
    assert not sweep_clocks(desk.unit_of_work(), desk.book, AS_OF, seven)
    number = SqlDeskReader(desk.engine, calendar, AS_OF).running_clocks(due_from=AS_OF)[-1].number
    uow = desk.unit_of_work()
    with uow:
        uow.cases.get(number)


def measure(figures: Figures, urls: Iterator[str], runs: int, firsts: int, want_profile: bool) -> None:
    """Time the jobs on `firsts` fresh databases from `urls` (the last one also for the
    steady-state runs and the digest)."""
    calendar_desk = None
    for copy in range(firsts):
        url = next(urls)
        desk = build_desk(Settings(database_url=url))
        calendar = desk.book.calendar
        sweep_day = calendar.next_business_day(AS_OF)
        at = datetime.combine(sweep_day, clock_time(0, 5), calendar.zone)
        deps = scheduler_deps(desk)
        warm_up(desk)
        last = copy == firsts - 1
        if want_profile and last:
            profile(lambda d=desk, day=sweep_day, a=at: sweep_clocks(d.unit_of_work(), d.book, day, a),
                    f"first sweep_clocks, {figures.database}")
            desk.close()
            desk = build_desk(Settings(database_url=next(urls)))
            deps = scheduler_deps(desk)
            warm_up(desk)
        elapsed, lapses = timed(lambda d=desk, day=sweep_day, a=at: sweep_clocks(d.unit_of_work(), d.book, day, a))
        figures.first_sweep.append(elapsed)
        figures.lapses.append(len(lapses))
        for lapse in lapses:
            figures.outcomes[lapse.outcome] = figures.outcomes.get(lapse.outcome, 0) + 1
        elapsed, report = timed(lambda d=deps, a=at: sweep_and_remind(d, a + timedelta(minutes=5)))
        figures.remind_first.append(elapsed)
        figures.reminders.append(report.reminders)
        if not last:
            desk.close()
            continue
        for n in range(runs):
            later = at + timedelta(minutes=10 + 5 * n)
            elapsed, again = timed(lambda d=desk, day=sweep_day, a=later: sweep_clocks(d.unit_of_work(), d.book,
                                                                                       day, a))
            assert not again, "a second sweep lapsed clocks"
            figures.steady_sweep.append(elapsed)
        for n in range(runs):
            later = at + timedelta(minutes=10 + 5 * n)
            figures.remind_steady.append(timed(lambda d=deps, a=later: sweep_and_remind(d, a))[0])
        digest_at = datetime.combine(sweep_day, clock_time(8, 0), calendar.zone)
        figures.digest_first, figures.digests = timed(lambda d=deps, a=digest_at: daily_digest(d, a))
        for n in range(runs):
            figures.digest.append(timed(lambda d=deps, a=digest_at + timedelta(minutes=n): daily_digest(d, a))[0])
        if want_profile:
            profile(lambda d=deps, a=digest_at: daily_digest(d, a), f"daily_digest, {figures.database}")
        calendar_desk = desk
    if calendar_desk is not None:
        calendar_desk.close()


def report(figures: Figures) -> None:
    def line(label: str, values: list[float], target: float | None, extra: str = "") -> None:
        median = statistics.median(values)
        ratio = f"{median / target:6.2f}" if target else "     —"
        spread = f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, n={len(values)})"
        print(f"  {label:<44} {median * 1000:>9.0f} ms  {ratio}  {spread}{extra}")

    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(figures.outcomes.items()))
    print(f"{figures.database}: seeded in {figures.seed_s:.1f} s")
    print(f"  {'job':<44} {'median':>12}  ratio to target")
    line("sweep_clocks, first run of the day", figures.first_sweep, SWEEP_TARGET_S,
         f"  {statistics.median(figures.lapses):.0f} lapses per run ({outcomes} over all runs)")
    line("sweep_clocks, steady state (nothing to lapse)", figures.steady_sweep, SWEEP_TARGET_S)
    line("sweep_and_remind, first (queues reminders)", figures.remind_first, SWEEP_TARGET_S,
         f"  {statistics.median(figures.reminders):.0f} reminders queued")
    line("sweep_and_remind, steady state", figures.remind_steady, SWEEP_TARGET_S)
    line("daily_digest, first (queues 5 digests)", [figures.digest_first], DIGEST_TARGET_S,
         f"  {figures.digests} queued")
    line("daily_digest, again (builds, queues nothing)", figures.digest, DIGEST_TARGET_S)


@contextmanager
def sqlite_copies(folder: Path, cases: int) -> Iterator[tuple[float, Iterator[str]]]:
    """Seed one SQLite file, then hand out fresh copies of it."""
    seeded = folder / "seeded.db"
    engine = create_database_engine(f"sqlite:///{seeded}")
    result = seed(engine, cases, seed=1, today=AS_OF)
    with engine.connect() as connection:  # fold the WAL into the file before copying it
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()

    def copies() -> Iterator[str]:
        for n in range(1000):
            target = folder / f"copy{n}.db"
            shutil.copyfile(seeded, target)
            yield f"sqlite:///{target}"
            # the previous copy is done with once the next one is asked for
            for old in folder.glob(f"copy{n}.db*"):
                old.unlink()
    yield result.seconds, copies()


@contextmanager
def postgres_copies(cases: int) -> Iterator[tuple[float, Iterator[str]]]:
    """A throwaway PostgreSQL cluster: seed one database, then hand out copies of it."""
    server = PostgresServer()
    server.start()
    try:
        url = server.create_database("seeded")
        engine = create_database_engine(url)
        result = seed(engine, cases, seed=1, today=AS_OF)
        engine.dispose()

        def copies() -> Iterator[str]:
            for n in range(1000):
                copy_url = server.create_database(f"copy{n}", template="seeded")
                yield copy_url
                server.drop_database(f"copy{n}")
        yield result.seconds, copies()
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="steady-state and digest runs (median)")
    parser.add_argument("--firsts", type=int, default=3, help="fresh copies for the first sweep (median)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(f"{args.cases} cases, as of {AS_OF} (sweep at 00:05 Pacific the next business day); "
          f"targets: sweep <= {SWEEP_TARGET_S:.0f} s, digest <= {DIGEST_TARGET_S:.0f} s")
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="icdesk-bench-") as folder:
            figures = Figures("SQLite")
            with sqlite_copies(Path(folder), args.cases) as (seconds, urls):
                figures.seed_s = seconds
                measure(figures, urls, args.runs, args.firsts, args.profile)
            report(figures)
    if not args.no_postgres:
        figures = Figures("PostgreSQL")
        with postgres_copies(args.cases) as (seconds, urls):
            figures.seed_s = seconds
            measure(figures, urls, args.runs, args.firsts, False)
        report(figures)


if __name__ == "__main__":
    main()
