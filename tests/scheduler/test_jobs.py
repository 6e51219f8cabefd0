"""The scheduler's jobs moved through weeks of desk time: reminders, deemed outcomes with
their announcements, digests on business days only, and nothing sent twice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.messaging import Channel, OutboxItem
from cases.persistence.database import create_database_engine
from cases.persistence.desk_read_model import SqlDeskReader
from cases.persistence.lease import AdvisoryLockLeader
from cases.persistence.mapping import start_mappers
from cases.persistence.migrate import upgrade
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from cases.stages import Stage
from scheduler.builder import build_scheduler
from scheduler.jobs import SchedulerDeps, run_due


class Channels:
    """Records what the team channels would receive."""

    def __init__(self) -> None:
        self.posts: list[OutboxItem] = []

    def send(self, item: OutboxItem) -> None:
        self.posts.append(item)

    def kinds(self, kind: str) -> list[OutboxItem]:
        return [p for p in self.posts if p.payload.get("kind") == kind]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    start_mappers()
    database = create_database_engine(f"sqlite:///{tmp_path / 'desk.db'}")
    upgrade(database)
    yield database
    database.dispose()


@pytest.fixture
def channels() -> Channels:
    return Channels()


@pytest.fixture
def deps(engine: Engine, book: RuleBook, channels: Channels) -> SchedulerDeps:
    return SchedulerDeps(unit_of_work=lambda: SqlUnitOfWork(engine), book=book,
                         reader=lambda today: SqlDeskReader(engine, book.calendar, today),
                         senders={Channel.SLACK: channels})


def register(engine: Engine, book: RuleBook, at: datetime, complete: bool) -> str:
    docs = tuple(Document(k, f"{k}.pdf", k.ljust(64, "0"), 1, at)
                 for k in ("one_line_diagram", "site_plan", "spec_sheet")) if complete else ()
    return services.register_application(SqlUnitOfWork(engine), book, application_from_contract(contract()),
                                         at, "intake", documents=docs)


def test_digests_go_out_once_on_business_days_after_eight(deps: SchedulerDeps, channels: Channels) -> None:
    run_due(deps, pacific(2026, 11, 28, 9))   # Saturday
    run_due(deps, pacific(2026, 11, 26, 9))   # Thanksgiving
    run_due(deps, pacific(2026, 11, 30, 7, 59))  # Monday, before eight
    assert channels.kinds("digest") == []
    run_due(deps, pacific(2026, 11, 30, 8, 0))
    run_due(deps, pacific(2026, 11, 30, 14, 0))  # a second run, and a restart, send nothing new
    assert sorted(p.recipient for p in channels.kinds("digest")) == [
        "team:billing", "team:coordinator", "team:manager", "team:metering", "team:protection"]
    run_due(deps, pacific(2026, 12, 1, 8, 5))
    assert len(channels.kinds("digest")) == 10


def test_the_managers_get_last_weeks_summary_on_the_first_business_day_of_the_week(
        engine: Engine, book: RuleBook, deps: SchedulerDeps, channels: Channels) -> None:
    first = register(engine, book, pacific(2026, 11, 23, 9), complete=True)
    register(engine, book, pacific(2026, 11, 24, 9), complete=False)
    services.advance_stage(SqlUnitOfWork(engine), book, first, Stage.IN_REVIEW, pacific(2026, 11, 24, 10), "c")
    services.advance_stage(SqlUnitOfWork(engine), book, first, Stage.APPROVED, pacific(2026, 11, 27, 10), "c", "ok")
    run_due(deps, pacific(2026, 11, 27, 9))   # a Friday: no summary
    run_due(deps, pacific(2026, 11, 30, 8, 5))  # Monday
    run_due(deps, pacific(2026, 11, 30, 15))  # again: nothing new
    run_due(deps, pacific(2026, 12, 1, 8, 5))  # Tuesday: nothing
    (summary,) = channels.kinds("weekly_summary")
    assert summary.recipient == "team:manager"
    # Complete on receipt Monday the 23rd, decided Friday the 27th: Thanksgiving (the 26th) not counted.
    assert summary.payload["text"] == (
        "Interconnection desk · managers · the week of November 23 to November 29, 2026\n"
        "2 received · 1 complete · 1 decided · 0 closed\n"
        "Complete to decision (median): Tier 1 3 business days\n"
        # The decision met the deemed-approval clock; no completeness notice was recorded, so the
        # acknowledgement clock (due Friday the 27th) lapsed.
        "Clocks stopped: 1 met · 1 lapsed · 0 extended")


def test_after_a_monday_holiday_the_weekly_summary_comes_on_tuesday(deps: SchedulerDeps, channels: Channels) -> None:
    run_due(deps, pacific(2027, 1, 18, 9))  # Martin Luther King Jr. Day, an Oregon legal holiday
    assert channels.kinds("weekly_summary") == []
    run_due(deps, pacific(2027, 1, 19, 9))
    (summary,) = channels.kinds("weekly_summary")
    assert summary.payload["text"].splitlines()[0] == \
        "Interconnection desk · managers · the week of January 11 to January 17, 2027"


def test_the_coordinators_digest_says_what_was_set_aside(engine: Engine, deps: SchedulerDeps,
                                                          channels: Channels) -> None:
    at = pacific(2026, 11, 30, 7)
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.add(OutboxItem(key="decision:IC-2026-00001", channel=Channel.EMAIL, recipient="typo@example.com",
                                  payload={"subject": "x"}, created_at=at, case_number="IC-2026-00001"))
        (item,) = uow.outbox.claim_due(at, at, 10, channels=(Channel.EMAIL,))
        uow.outbox.abandon(item.id or 0, "550 no such mailbox", at)
        uow.commit()
    run_due(deps, pacific(2026, 11, 30, 8, 5))
    texts = {p.recipient: p.payload["text"] for p in channels.kinds("digest")}
    assert texts["team:coordinator"].splitlines()[-1] == (
        "Not delivered, set aside after refusals: 1 (`icdesk outbox failed` says why; `icdesk outbox retry` sends "
        "them again)")
    assert "set aside" not in texts["team:protection"]


def test_the_digest_follows_pacific_time_across_the_dst_change(deps: SchedulerDeps, channels: Channels) -> None:
    # 2026-11-02 is the first Monday in standard time: 08:00 PST is 16:00 UTC (in daylight
    # time it was 15:00 UTC, which is now 07:00 in Portland).
    run_due(deps, datetime.fromisoformat("2026-11-02T15:30:00+00:00"))
    assert channels.kinds("digest") == []
    run_due(deps, datetime.fromisoformat("2026-11-02T16:00:00+00:00"))
    assert len(channels.kinds("digest")) == 5


def test_reminders_two_days_before_and_on_the_day_once_each(engine: Engine, book: RuleBook, deps: SchedulerDeps,
                                                             channels: Channels) -> None:
    number = register(engine, book, pacific(2026, 11, 2, 9), complete=False)
    # The acknowledgement clock is due Thursday 2026-11-05: reminders on Tuesday and Thursday.
    for day in (2, 3, 3, 4, 5, 5):
        run_due(deps, pacific(2026, 11, day, 7))
    reminders = [p.payload["text"] for p in channels.kinds("reminder")]
    assert reminders == [
        (f"{number} · Marcus Bell: acknowledgement and completeness notice is due in 2 business days "
        "(2026-11-05, OAR 860-039-0025(2))."),
        (f"{number} · Marcus Bell: acknowledgement and completeness notice is due today "
        "(2026-11-05, OAR 860-039-0025(2))."),
    ]


def test_an_unanswered_tier_1_is_deemed_approved_and_announced_once(engine: Engine, book: RuleBook,
                                                                    deps: SchedulerDeps, channels: Channels) -> None:
    number = register(engine, book, pacific(2026, 11, 2, 9), complete=True)
    due = book.calendar.add_business_days(date(2026, 11, 2), 20)
    day = date(2026, 11, 2)
    while day <= due + timedelta(days=3):
        run_due(deps, pacific(day.year, day.month, day.day, 6))
        day += timedelta(days=1)
    with SqlUnitOfWork(engine) as uow:
        case = uow.cases.get(number)
        assert case.stage == Stage.APPROVED
        assert case.decision_reasons[0].startswith("deemed approved: Tier 1 decision before deemed approval")
    lapses = [p for p in channels.kinds("lapse") if p.payload["outcome"] == "deemed approved"]
    assert sorted(p.recipient for p in lapses) == ["team:coordinator", "team:manager"]
    assert f"{number} · Marcus Bell: Tier 1 decision before deemed approval was due {due.isoformat()}" in \
        lapses[0].payload["text"]


def test_the_scheduler_is_built_with_stable_jobs_and_safe_defaults(deps: SchedulerDeps, engine: Engine) -> None:
    jobs = build_scheduler(deps, AdvisoryLockLeader(engine), lambda: pacific(2026, 11, 30, 9))
    assert sorted(job.id for job in jobs.get_jobs()) == ["deliver-outbox", "run-due"]
    assert jobs._job_defaults == {"coalesce": True, "misfire_grace_time": 3600, "max_instances": 1}
    assert str(jobs.timezone) == "America/Los_Angeles"


def test_one_leader_on_postgresql_and_a_handover_when_it_goes(postgres_database_url: str) -> None:
    first_engine = create_database_engine(postgres_database_url)
    second_engine = create_database_engine(postgres_database_url)
    first, second = AdvisoryLockLeader(first_engine), AdvisoryLockLeader(second_engine)
    try:
        assert first.is_leader()
        assert first.is_leader()  # holding it is not taking it twice
        assert not second.is_leader()
        first.release()  # the leader dies: its connection, and so its lock, goes away
        assert second.is_leader()
        assert not first.is_leader()
    finally:
        first.release()
        second.release()
        first_engine.dispose()
        second_engine.dispose()
