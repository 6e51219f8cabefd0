"""The periodic work, as plain functions that take their dependencies: run them from
APScheduler, from `icdesk scheduler run-due --at …`, or from a test with any clock.

Everything they send goes through the outbox under keys that identify the occasion (this
reminder of this clock, this team's digest of this day), so running a job twice, or in two
processes, sends nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from cases.messaging import Channel
from cases.ports import NotificationSender, UnitOfWork
from cases.queries import DeskReader
from cases.reports.charts import stage_age_series
from cases.reports.digest_chart import stage_age_chart
from cases.reports.records import CaseReceipt
from cases.rulebook import RuleBook
from cases.services.clocks import Lapse, sweep_clocks
from cases.services.meeting_reminders import queue_meeting_reminders
from cases.services.outbox import DeliveryReport, deliver_outbox
from cases.services.reminders import (
    DIGEST_TEAMS,
    digest_key,
    digest_text,
    queue_digests,
    queue_reminders,
    queue_weekly_summary,
    weekly_key,
    weekly_summary_text,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SchedulerDeps:
    unit_of_work: Callable[[], UnitOfWork]
    book: RuleBook
    reader: Callable[[date], DeskReader]
    senders: Mapping[Channel, NotificationSender]
    digest_at: time = time(8, 0)
    remind_days_before: tuple[int, ...] = (2, 0)
    # The open cases with their receipt times and stages, for the manager digest's chart; none, no chart.
    open_receipts: Callable[[], Sequence[CaseReceipt]] | None = None


@dataclass
class RunReport:
    lapses: list[Lapse] = field(default_factory=list)
    reminders: int = 0
    digests: int = 0
    delivered: int = 0
    undelivered: int = 0

    def line(self) -> str:
        """What the run did, for operators."""
        outcomes = ", ".join(f"{lapse.number} {lapse.outcome}" for lapse in self.lapses) or "none"
        return (f"lapsed clocks: {len(self.lapses)} ({outcomes}); reminders queued: {self.reminders}; "
                f"digests queued: {self.digests}; delivered: {self.delivered}"
                + (f" ({self.undelivered} to retry)" if self.undelivered else ""))


def sweep_and_remind(deps: SchedulerDeps, at: datetime) -> RunReport:
    """Lapse what is overdue (applying deemed outcomes), then remind of what is due soon."""
    calendar = deps.book.calendar
    today = calendar.local_date(at)
    report = RunReport(lapses=sweep_clocks(deps.unit_of_work(), deps.book, today, at))
    # Only the clocks a reminder could be due for today: those due within the longest notice.
    horizon = calendar.add_business_days(today, max(deps.remind_days_before) + 1)
    clocks = deps.reader(today).running_clocks(due_from=today, due_before=horizon)
    report.reminders = queue_reminders(deps.unit_of_work(), deps.book, clocks, today, at, deps.remind_days_before)
    report.reminders += queue_meeting_reminders(deps.unit_of_work(), deps.book, today, at)
    return report


def digest_due(deps: SchedulerDeps, at: datetime) -> bool:
    """Digests go out on business days, from the configured time (Pacific)."""
    local = at.astimezone(deps.book.calendar.zone)
    return deps.book.calendar.is_business_day(local.date()) and local.time() >= deps.digest_at


def daily_digest(deps: SchedulerDeps, at: datetime) -> int:
    """Queue today's digest for every team (once a day); returns how many were new. The run
    every few minutes after the digest time finds them queued and builds nothing."""
    calendar = deps.book.calendar
    today = calendar.local_date(at)
    teams = (*DIGEST_TEAMS, "manager")
    with deps.unit_of_work() as uow:
        done = len(uow.outbox.queued([digest_key(today, team) for team in teams])) == len(teams)
        set_aside = 0 if done else len(uow.outbox.abandoned())
    if done:
        return weekly_summary(deps, at)
    reader = deps.reader(today)
    tasks, clocks = reader.open_tasks(), reader.running_clocks()
    arrived = reader.received_between(calendar.previous_business_day(today), today)
    end_of_week = today + timedelta(days=4 - today.weekday()) if today.weekday() < 5 else today
    texts = {team: digest_text(team, today, tasks, clocks, arrived, end_of_week, set_aside) for team in DIGEST_TEAMS}
    texts["manager"] = _manager_digest(reader, today)
    queued = queue_digests(deps.unit_of_work(), texts, today, at, {"manager": _manager_chart(deps, today)})
    return queued + weekly_summary(deps, at)


def weekly_summary(deps: SchedulerDeps, at: datetime) -> int:
    """On the first business day of a week (Monday, or Tuesday after a Monday holiday), the
    managers' summary of the week before; returns 1 when it was newly queued."""
    calendar = deps.book.calendar
    today = calendar.local_date(at)
    this_monday = today - timedelta(days=today.weekday())
    if calendar.previous_business_day(today) >= this_monday:
        return 0
    last_monday = this_monday - timedelta(days=7)
    with deps.unit_of_work() as uow:
        if uow.outbox.queued([weekly_key(last_monday)]):
            return 0
    facts = deps.reader(today).period(last_monday, this_monday)
    text = weekly_summary_text(facts, last_monday, this_monday, calendar)
    return queue_weekly_summary(deps.unit_of_work(), text, last_monday, at)


def _manager_chart(deps: SchedulerDeps, today: date) -> dict[str, Any]:
    """The figures of the managers' chart (open cases by stage and age), drawn at delivery."""
    if deps.open_receipts is None:
        return {}
    series = stage_age_series(deps.open_receipts(), deps.book.calendar, today)
    return {"chart": stage_age_chart(series, today)}


def _manager_digest(reader: DeskReader, today: date) -> str:
    month = reader.period(today.replace(day=1), today + timedelta(days=1))
    stages = ", ".join(f"{stage.replace('_', ' ')} {n}" for stage, n in sorted(month.open_by_stage.items()))
    return (f"Interconnection desk · managers · {today:%A, %B} {today.day}, {today.year}\n"
            f"This month: {month.received} received · {month.completed} complete · {month.decided} decided · "
            f"{month.closed} closed\nClocks this month: {month.clocks_by_status.get('met', 0)} met · "
            f"{month.clocks_by_status.get('lapsed', 0)} lapsed · {month.extended} extended\nOpen: {stages or 'none'}")


def deliver(deps: SchedulerDeps, now: Callable[[], datetime]) -> DeliveryReport:
    """Deliver what the outbox holds on the channels this process can reach."""
    return deliver_outbox(deps.unit_of_work(), deps.senders, now)


def run_due(deps: SchedulerDeps, at: datetime) -> RunReport:
    """Everything due up to `at`, once: the clock sweep, reminders, the day's digest when it
    is due, and delivery. Running it again for the same instant changes nothing."""
    report = sweep_and_remind(deps, at)
    if digest_due(deps, at):
        report.digests = daily_digest(deps, at)
    delivered = deliver(deps, lambda: at)
    report.delivered, report.undelivered = len(delivered.delivered), len(delivered.failed)
    log.info("run-due at %s: %s", at.isoformat(), report.line())
    return report
