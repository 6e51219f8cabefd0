"""The health checks and the database reads behind /metrics, in-process: the probe cache, the
scheduler leader's grace period, and the outbox numbers after deliveries that failed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from app.bootstrap import Desk
from app.health import Cached, CheckResult, LeaderCheck, ok
from cases.messaging import Channel, OutboxItem
from cases.persistence.lease import AdvisoryLockLeader
from cases.persistence.operations import outbox_backlog
from cases.persistence.repository import SqlUnitOfWork
from cases.rulebook import RuleBook
from config.settings import load_settings

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)


class Ticking:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_a_cached_probe_is_asked_again_only_after_its_time() -> None:
    asked: list[int] = []

    def probe() -> CheckResult:
        asked.append(1)
        return ok(f"answer {len(asked)}")

    clock = Ticking()
    cached = Cached(probe, ttl_s=30, clock=clock)
    assert cached().detail == "answer 1"
    clock.t = 29.9
    assert cached().detail == "answer 1"
    clock.t = 30.0
    assert cached().detail == "answer 2"
    assert len(asked) == 2


def _desk(engine: Engine, book: RuleBook, tmp_path: Path) -> Desk:
    return Desk(load_settings(health_leader_grace_s=60, storage_dir=tmp_path), engine, book, lambda: NOW)


def test_nobody_leading_fails_only_after_the_grace_period(engine: Engine, book: RuleBook, tmp_path: Path) -> None:
    clock = Ticking()
    check = LeaderCheck(_desk(engine, book, tmp_path), None, grace_s=60, clock=clock)
    if engine.dialect.name != "postgresql":
        assert check() == ok("SQLite: the scheduler runs in another process (run only one on SQLite)")
        return
    assert check().status == "ok"
    clock.t = 59
    assert check().detail == "no process leads yet (59 s of 60 s grace)"
    clock.t = 61
    assert check().status == "fail"
    leader = AdvisoryLockLeader(engine)
    try:
        assert leader.is_leader()
        assert check() == ok("another process leads")
        assert LeaderCheck(_desk(engine, book, tmp_path), leader, grace_s=60)() == ok("this process leads")
    finally:
        leader.release()
    # The grace period starts again from the moment nobody leads.
    clock.t = 100
    assert check().status == "ok"
    clock.t = 161
    assert check().status == "fail"


def test_the_outbox_numbers_after_failed_deliveries(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine)
    with uow:
        for key, channel in (("a", Channel.SLACK), ("b", Channel.SLACK), ("c", Channel.EMAIL)):
            uow.outbox.add(OutboxItem(key=key, channel=channel, recipient="team:billing", payload={},
                                      created_at=NOW - timedelta(minutes=10)))
        uow.commit()
    with uow:
        claimed = uow.outbox.claim_due(NOW, NOW + timedelta(minutes=5), 10)
        uow.commit()
    by_key = {item.key: item.id or 0 for item in claimed}
    with uow:
        uow.outbox.mark_failed(by_key["a"], "ratelimited", NOW)
        uow.outbox.mark_delivered(by_key["b"], NOW)
        uow.outbox.mark_delivered(by_key["c"], NOW)
        uow.commit()
    with uow:
        [again] = uow.outbox.claim_due(NOW, NOW + timedelta(minutes=5), 10)
        uow.commit()
    backlog = outbox_backlog(engine)
    slack, email = backlog[Channel.SLACK], backlog[Channel.EMAIL]
    assert (slack.depth, slack.failing, slack.retries) == (1, 1, 1)
    assert slack.oldest == NOW - timedelta(minutes=10)
    assert (email.depth, email.oldest, email.failing, email.retries) == (0, None, 0, 0)
    with uow:
        uow.outbox.mark_delivered(again.id or 0, NOW)
        uow.commit()
    slack = outbox_backlog(engine)[Channel.SLACK]
    # Delivered at last: nothing outstanding, and the retry stays counted.
    assert (slack.depth, slack.failing, slack.retries) == (0, 0, 1)
