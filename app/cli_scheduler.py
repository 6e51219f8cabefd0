"""`icdesk scheduler ...`: run what is due, once at a given instant or continuously."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click

from app.bootstrap import Desk
from app.context import DeskContext, parse_timestamp, pass_context
from app.mail import embedded_senders
from cases.persistence.desk_read_model import SqlDeskReader
from cases.persistence.lease import AdvisoryLockLeader
from scheduler.builder import build_scheduler
from scheduler.jobs import SchedulerDeps, run_due


def scheduler_deps(desk: Desk) -> SchedulerDeps:
    """The scheduler's view of the desk; notifications go where this process can send them."""
    return SchedulerDeps(
        unit_of_work=desk.unit_of_work, book=desk.book,
        reader=lambda today: SqlDeskReader(desk.engine, desk.book.calendar, today),
        senders=embedded_senders(desk), open_receipts=desk.report_reader().open_receipts,
    )


@click.group(help="Clocks, reminders, deemed outcomes, digests and delivery.")
def scheduler() -> None:
    pass


@scheduler.command("run-due", help="Run, once, everything due up to --at (as if the desk's clock read it).")
@click.option("--at", "at_text", help="ISO 8601 instant with offset (default: now)")
@pass_context
def run_due_command(context: DeskContext, at_text: str | None) -> None:
    desk = context.desk()
    at = parse_timestamp(at_text) or desk.now()
    click.echo(run_due(scheduler_deps(desk), at).line())


@scheduler.command("run", help="Run the scheduler until stopped (only the leading process does the work).")
@pass_context
def run_command(context: DeskContext) -> None:
    desk = context.desk()
    leader = AdvisoryLockLeader(desk.engine)
    jobs = build_scheduler(scheduler_deps(desk), leader, desk.now)
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    jobs.start()
    click.echo("scheduler running; Ctrl-C to stop", err=True)
    try:
        stop.wait()
    finally:
        jobs.shutdown(wait=True)
        leader.release()


