"""The outbox and the message log on SQLite and PostgreSQL: queued in the case's transaction,
delivered once, in order per case, retried with backoff; nested units of work."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from support import pacific

from cases.messaging import Channel, MessageRecord, OutboxItem, Outcome
from cases.persistence.repository import SqlUnitOfWork
from cases.ports import DeliveryFailed
from cases.services.outbox import CLAIM_BATCH, LEASE, REFUSALS_BEFORE_SETTING_ASIDE, deliver_outbox, retry_delay

START = pacific(2026, 11, 30, 9)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


class RecordingSender:
    """Fails for the recipients in `down` (with an optional Retry-After), records the rest."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.down: dict[str, float | None] = {}

    def send(self, item: OutboxItem) -> None:
        if item.recipient in self.down:
            raise DeliveryFailed("503 try later", self.down[item.recipient])
        self.sent.append(item.key)


def queue(engine: Engine, key: str, case: str | None, recipient: str = "a@example.com", at: datetime = START) -> bool:
    with SqlUnitOfWork(engine) as uow:
        added = uow.outbox.add(OutboxItem(key=key, channel=Channel.EMAIL, recipient=recipient,
                                          payload={"body": key}, created_at=at, case_number=case))
        uow.commit()
    return added


def test_queueing_is_idempotent_on_the_key(engine: Engine) -> None:
    assert queue(engine, "ack-1", "IC-2026-00001")
    assert not queue(engine, "ack-1", "IC-2026-00001")
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.backlog() == 1


def test_each_item_is_delivered_once_in_order_per_case(engine: Engine) -> None:
    for key, case in [("a1", "A"), ("b1", "B"), ("a2", "A"), ("a3", "A"), ("n1", None)]:
        queue(engine, key, case)
    sender, clock = RecordingSender(), Clock(START)
    report = deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, clock)
    assert len(report.delivered) == 5
    assert [k for k in sender.sent if k.startswith("a")] == ["a1", "a2", "a3"]
    assert deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, clock).delivered == []
    assert sorted(sender.sent) == ["a1", "a2", "a3", "b1", "n1"]


def test_a_failing_item_holds_back_its_case_only_and_is_retried_later(engine: Engine) -> None:
    queue(engine, "a1", "A", recipient="down@example.com")
    queue(engine, "a2", "A")
    queue(engine, "b1", "B")
    sender, clock = RecordingSender(), Clock(START)
    sender.down["down@example.com"] = 120.0
    report = deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, clock)
    assert sender.sent == ["b1"]
    assert [(item.key, error) for item, error in report.failed] == [("a1", "503 try later")]
    clock.at = START + timedelta(seconds=60)  # before Retry-After: nothing to do
    assert deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, clock).failed == []
    del sender.down["down@example.com"]
    clock.at = START + timedelta(seconds=121)
    deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, clock)
    assert sender.sent == ["b1", "a1", "a2"]


def test_a_claimed_item_is_not_sent_by_a_second_process_until_its_lease_ends(engine: Engine) -> None:
    queue(engine, "a1", "A")
    with SqlUnitOfWork(engine) as uow:
        claimed = uow.outbox.claim_due(START, START + timedelta(minutes=5), 10)
        uow.commit()
    assert [i.key for i in claimed] == ["a1"]
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.claim_due(START + timedelta(minutes=4), START + timedelta(minutes=9), 10) == []
        again = uow.outbox.claim_due(START + timedelta(minutes=6), START + timedelta(minutes=11), 10)
    assert [(i.key, i.attempts) for i in again] == [("a1", 1)]


class Killed(BaseException):
    """The process dies in the middle of a delivery run (nothing after it runs)."""


class DyingSender(RecordingSender):
    def __init__(self, dies_at: int) -> None:
        super().__init__()
        self.dies_at = dies_at

    def send(self, item: OutboxItem) -> None:
        if len(self.sent) == self.dies_at:
            raise Killed
        super().send(item)


def test_a_process_killed_while_delivering_strands_only_the_items_it_claimed_last(engine: Engine) -> None:
    # The load run (benchmarks/load_run.py --kill) killed the scheduler halfway through a run
    # that had claimed 200 task cards at once: the undelivered ones waited out the whole lease.
    for n in range(50):
        queue(engine, f"ack-{n:02d}", f"IC-2026-{n:05d}")
    dying = DyingSender(dies_at=3)
    with pytest.raises(Killed):
        deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: dying}, Clock(START))
    other = RecordingSender()
    report = deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: other}, Clock(START + timedelta(seconds=15)))
    assert len(report.delivered) == 50 - CLAIM_BATCH
    assert not set(dying.sent) & set(other.sent)
    late = deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: other}, Clock(START + LEASE + timedelta(seconds=1)))
    assert len(late.delivered) == CLAIM_BATCH - 3
    assert sorted(dying.sent + other.sent) == [f"ack-{n:02d}" for n in range(50)]


def test_backoff_doubles_and_is_capped() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 10)] == [30, 60, 120, 3600]
    assert retry_delay(1, 7.5) == timedelta(seconds=7.5)


def test_replies_per_recipient_are_counted_for_the_rate_limit(engine: Engine) -> None:
    for n in range(3):
        queue(engine, f"r{n}", None, recipient="robot@example.com", at=START + timedelta(minutes=n))
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.sent_since(Channel.EMAIL, "robot@example.com", START + timedelta(minutes=1)) == 2
        assert uow.outbox.sent_since(Channel.SLACK, "robot@example.com", START) == 0


def test_message_log_records_replaces_and_lists_quarantine(engine: Engine) -> None:
    record = MessageRecord(dedupe_key="<m1@x>", mailbox="INBOX", processed_at=START, outcome=Outcome.QUARANTINED,
                           sender="a@example.com", subject="app", detail="bad PDF", raw_path="ab" * 32)
    with SqlUnitOfWork(engine) as uow:
        uow.messages.record(record)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        [listed] = uow.messages.quarantined()
        assert (listed.dedupe_key, listed.detail) == ("<m1@x>", "bad PDF")
        assert uow.messages.by_id(listed.id or 0) == listed
        uow.messages.record(MessageRecord("<m1@x>", "INBOX", START, Outcome.NEW_CASE, case_number="IC-2026-00001"))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        found = uow.messages.find("<m1@x>")
        assert found is not None
        assert (found.outcome, found.case_number) == (Outcome.NEW_CASE, "IC-2026-00001")
        assert uow.messages.quarantined() == []


def _inner_then_fail(uow: SqlUnitOfWork) -> None:
    with uow:
        with uow:
            uow.outbox.add(OutboxItem("inner", Channel.EMAIL, "a@example.com", {}, START))
            uow.commit()  # joins the outer transaction: nothing is written yet
        raise RuntimeError("outer fails")


def test_nested_units_of_work_commit_with_the_outer_one(engine: Engine) -> None:
    uow = SqlUnitOfWork(engine)
    with pytest.raises(RuntimeError, match="outer fails"):
        _inner_then_fail(uow)
    with SqlUnitOfWork(engine) as check:
        assert check.outbox.backlog() == 0
    with uow:
        with uow:
            uow.outbox.add(OutboxItem("inner", Channel.EMAIL, "a@example.com", {}, START))
            uow.commit()
        uow.commit()
    with SqlUnitOfWork(engine) as check:
        assert check.outbox.backlog() == 1


def test_channels_without_a_sender_are_left_for_another_process(engine: Engine) -> None:
    queue(engine, "a-email", "A")
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.add(OutboxItem("a-slack", Channel.SLACK, "team:protection", {}, START, case_number="A"))
        uow.commit()
    sender = RecordingSender()
    report = deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, Clock(START))
    assert ([i.key for i in report.delivered], report.failed) == (["a-email"], [])
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.backlog() == 1


def test_a_slack_item_does_not_hold_back_the_same_case_e_mail(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.add(OutboxItem("a-slack", Channel.SLACK, "team:protection", {}, START, case_number="A"))
        uow.commit()
    queue(engine, "a-email", "A")
    sender = RecordingSender()
    deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, Clock(START))
    assert sender.sent == ["a-email"]


class RefusingSender(RecordingSender):
    """Refuses the recipients in `refused` for good (an SMTP 550), records the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[str] = set()

    def send(self, item: OutboxItem) -> None:
        if item.recipient in self.refused:
            raise DeliveryFailed("550 no such mailbox", refused=True)
        super().send(item)


def test_an_item_refused_again_and_again_is_set_aside_and_holds_back_nothing(engine: Engine) -> None:
    queue(engine, "a1", "A", recipient="typo@example.com")
    queue(engine, "a2", "A")
    sender, clock = RefusingSender(), Clock(START)
    sender.refused.add("typo@example.com")
    for minutes in range(0, 200, 20):  # past the backoff of each refusal
        clock.at = START + timedelta(minutes=minutes)
        deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, clock)

    assert sender.sent == ["a2"]  # no longer held back by a1
    with SqlUnitOfWork(engine) as uow:
        (aside,) = uow.outbox.abandoned()
        assert (aside.key, aside.attempts, aside.last_error) == ("a1", REFUSALS_BEFORE_SETTING_ASIDE,
                                                                 "550 no such mailbox")
        assert uow.outbox.backlog() == 0
    # A passing failure (a timeout, a 4xx) is never set aside, however often it happens.
    queue(engine, "b1", "B", recipient="slow@example.com")
    sender.down["slow@example.com"] = None
    for hours in range(1, 8):
        clock.at = START + timedelta(hours=hours)
        deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, clock)
    with SqlUnitOfWork(engine) as uow:
        assert [item.key for item in uow.outbox.abandoned()] == ["a1"]
        assert uow.outbox.backlog() == 1

    # The address is corrected; a person puts the item back, and it goes out once.
    sender.refused.clear()
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.retry([aside.id or 0, 999], clock.at) == 1
        uow.commit()
    deliver_outbox(SqlUnitOfWork(engine), {Channel.EMAIL: sender}, clock)
    assert sender.sent == ["a2", "a1"]
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.abandoned() == []
