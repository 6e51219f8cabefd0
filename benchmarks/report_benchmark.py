"""Benchmark of the queue export with 100,000 cases in SQLite (target: <= 10 s).

Run: .venv/bin/python benchmarks/report_benchmark.py [--cases N] [--runs R] [--profile]

It seeds N cases (benchmarks/seed_cases.py, as of Wednesday 2026-11-18: five clocks, two or
three tasks and a handful of events per case) into an SQLite file in a temporary folder, then
times, R runs each after one warm-up run:

- the whole command `icdesk report queue --all --xlsx FILE --csv FILE --today 2026-11-18`
  (app/cli_report.py through click, settings from the environment, as a person runs it), and
  the same for `--xlsx` alone, which is the figure the target is about;
- its parts, in process: the read model (`SqlReportReader.queue`), the rows (business days in
  stage and left), the workbook (`queue_xlsx`) and the CSV (`queue_csv`).

It prints the medians, the file sizes and median / target. `--profile` runs one export under
cProfile and prints the top functions.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from click.testing import CliRunner  # noqa: E402 - needs the path above
from seed_cases import seed  # noqa: E402

from app.cli_report import report  # noqa: E402
from app.context import DeskContext  # noqa: E402
from app.rules_files import load_catalog  # noqa: E402
from cases.persistence.database import create_database_engine  # noqa: E402
from cases.persistence.mapping import start_mappers  # noqa: E402
from cases.persistence.report_read_model import SqlReportReader  # noqa: E402
from cases.reports.queue import queue_csv, queue_rows, queue_xlsx  # noqa: E402
from cases.rulebook import calendar_from_rules  # noqa: E402

AS_OF = date(2026, 11, 18)
TARGET_S = 10.0


def timed(action: Callable[[], object], runs: int) -> tuple[float, object]:
    action()
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="icdesk-report-bench-") as folder:
        url = f"sqlite:///{Path(folder) / 'icdesk.db'}"
        start_mappers()
        engine = create_database_engine(url)
        started = time.perf_counter()
        seed(engine, args.cases, seed=1, today=AS_OF)
        print(f"seeded {args.cases} cases in {time.perf_counter() - started:.1f} s")
        calendar = calendar_from_rules(load_catalog(None))
        reader = SqlReportReader(engine, calendar)
        xlsx, csv = Path(folder) / "queue.xlsx", Path(folder) / "queue.csv"

        def command(*outputs: str) -> object:
            context = DeskContext()
            try:
                result = CliRunner().invoke(report, ["queue", "--all", *outputs, "--today", AS_OF.isoformat()],
                                            obj=context, env={"ICDESK_DATABASE_URL": url}, catch_exceptions=False)
            finally:
                context.close()
            assert result.exit_code == 0, result.output
            return result.output

        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(command, "--xlsx", str(xlsx))
            pstats.Stats(profile).sort_stats("cumulative").print_stats(30)
            return
        whole_xlsx, output = timed(lambda: command("--xlsx", str(xlsx)), args.runs)
        whole_both, _ = timed(lambda: command("--xlsx", str(xlsx), "--csv", str(csv)), args.runs)
        read, entries = timed(lambda: reader.queue(open_only=False), args.runs)
        build, rows = timed(lambda: queue_rows(entries, calendar, AS_OF), args.runs)  # type: ignore[arg-type]
        workbook, data = timed(lambda: queue_xlsx(rows), args.runs)  # type: ignore[arg-type]
        text, csv_data = timed(lambda: queue_csv(rows), args.runs)  # type: ignore[arg-type]
        engine.dispose()
        print(str(output).strip().splitlines()[0])
        open_count = sum(1 for e in entries if e.stage not in ("closed", "withdrawn", "deemed_withdrawn"))  # type: ignore[attr-defined]
        print(f"open cases (exported without --all): {open_count}")
        print(f"median of {args.runs} runs (load average {os.getloadavg()[0]:.1f}):")
        print(f"  icdesk report queue --all --xlsx        {whole_xlsx:6.2f} s   target <= {TARGET_S:.0f} s "
              f"({whole_xlsx / TARGET_S:.2f} of it)")
        print(f"  icdesk report queue --all --xlsx --csv  {whole_both:6.2f} s")
        print(f"  read model (SqlReportReader.queue)      {read:6.2f} s")
        print(f"  rows (business days)                    {build:6.2f} s")
        print(f"  workbook (queue_xlsx)                   {workbook:6.2f} s   {len(data) / 1e6:.1f} MB")  # type: ignore[arg-type]
        print(f"  CSV (queue_csv)                         {text:6.2f} s   {len(csv_data) / 1e6:.1f} MB")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
