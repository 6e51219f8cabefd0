"""`icdesk outbox failed|retry`: what was set aside after repeated refusals, and putting it back."""

from __future__ import annotations

from pathlib import Path

from support import pacific
from test_cli import Desk

from cases.messaging import Channel, OutboxItem
from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from cases.persistence.repository import SqlUnitOfWork


def test_set_aside_notifications_are_listed_and_put_back(tmp_path: Path) -> None:
    desk = Desk(tmp_path, f"sqlite:///{tmp_path / 'var' / 'icdesk.db'}")
    assert desk.run("outbox", "failed").stdout.strip() == "no notification is set aside"
    start_mappers()
    engine = create_database_engine(desk.env["ICDESK_DATABASE_URL"])
    at = pacific(2026, 11, 30, 9)
    with SqlUnitOfWork(engine) as uow:
        uow.outbox.add(OutboxItem(key="decision:IC-2026-00001", channel=Channel.EMAIL, recipient="typo@example.com",
                                  payload={"subject": "[IC-2026-00001] Approved"}, created_at=at,
                                  case_number="IC-2026-00001"))
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        (item,) = uow.outbox.claim_due(at, at, 10)
        uow.outbox.abandon(item.id or 0, "SMTP mx:25: (550, b'no such mailbox')", at)
        uow.commit()

    listed = desk.run("outbox", "failed").stdout.splitlines()
    assert listed[0].split() == [str(item.id), "email", "typo@example.com", "IC-2026-00001", "[IC-2026-00001]",
                                 "Approved", "set", "aside", "2026-11-30T17:00+00:00"]
    assert listed[1].strip() == "SMTP mx:25: (550, b'no such mailbox')"
    refused = desk.run("outbox", "retry", ok=False)
    assert (refused.returncode, refused.stderr.strip()) == (
        1, "error: say which: `icdesk outbox retry 12 13`, or `--all` (see `icdesk outbox failed`)")
    assert desk.run("outbox", "retry", "--all").stdout.strip() == "1 notification will be delivered again"
    assert desk.run("outbox", "failed").stdout.strip() == "no notification is set aside"
    with SqlUnitOfWork(engine) as uow:
        assert uow.outbox.backlog() == 1
    engine.dispose()
