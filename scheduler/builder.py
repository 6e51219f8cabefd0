"""APScheduler (3.x) set up for one leader among many processes: explicit time zone, stable
job ids, coalescing and a generous misfire grace (3.x skips a job late by more than a second
otherwise), one instance per job, and a listener that logs missed and failed runs."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.background import BackgroundScheduler

from scheduler.jobs import SchedulerDeps, deliver, run_due

log = logging.getLogger(__name__)


class Leader(Protocol):
    def is_leader(self) -> bool: ...

    def release(self) -> None: ...


def _log_trouble(event: JobExecutionEvent) -> None:
    if event.code == EVENT_JOB_MISSED:
        log.warning("job %s missed its run at %s", event.job_id, event.scheduled_run_time)
    else:
        log.error("job %s failed", event.job_id, exc_info=event.exception)


def _when_leading(leader: Leader, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        if leader.is_leader():
            job()
    return run


def build_scheduler(deps: SchedulerDeps, leader: Leader, now: Callable[[], datetime],
                    sweep_minutes: float = 5, deliver_seconds: float = 15) -> Any:
    """A scheduler (not started) whose jobs run only while this process leads."""
    scheduler = BackgroundScheduler(
        timezone=deps.book.calendar.zone,
        job_defaults={"coalesce": True, "misfire_grace_time": 3600, "max_instances": 1},
    )
    scheduler.add_listener(_log_trouble, EVENT_JOB_ERROR | EVENT_JOB_MISSED)
    scheduler.add_job(_when_leading(leader, lambda: run_due(deps, now())), "interval", minutes=sweep_minutes,
                      id="run-due", replace_existing=True, next_run_time=now())
    scheduler.add_job(_when_leading(leader, lambda: deliver(deps, now)), "interval", seconds=deliver_seconds,
                      id="deliver-outbox", replace_existing=True)
    return scheduler
