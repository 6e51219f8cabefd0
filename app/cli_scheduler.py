"""`icdesk scheduler ...`: run what is due, once at a given instant or continuously."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from app.bootstrap import Desk
from app.context import DeskContext, parse_timestamp, pass_context, stop_on_signals
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


@contextmanager
def running_scheduler(desk: Desk) -> Iterator[AdvisoryLockLeader]:
    """The scheduler started in the background for the block (its jobs run only while this
    process leads); stopped, its running job finished and the lead given up, on the way out."""
    leader = AdvisoryLockLeader(desk.engine)
    jobs = build_scheduler(scheduler_deps(desk), leader, desk.now)
    jobs.start()
    try:
        yield leader
    finally:
        jobs.shutdown(wait=True)
        leader.release()


@scheduler.command("run", help="Run the scheduler until stopped (only the leading process does the work).")
@pass_context
def run_command(context: DeskContext) -> None:
    stop = stop_on_signals()
    with running_scheduler(context.desk()):
        click.echo("scheduler running; Ctrl-C to stop", err=True)
        stop.wait()
