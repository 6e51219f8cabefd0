"""Slack rate-limits and then fails for a while: the scheduler keeps the notifications, and once
Slack answers again every one arrives, in order for each case, and none twice. The desk is built
by the composition root from settings, as `icdesk scheduler run` builds it, and talks HTTP to
the Slack Web API stand-in."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from servers.slack_api import DEFAULT_TOKEN, SlackApiServer
from support import contract, pacific

from app.bootstrap import build_desk
from app.cli_scheduler import scheduler_deps
from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.persistence import tables
from config.settings import Settings
from scheduler.jobs import run_due

CHANNELS = {"coordinator": "C_COORD", "protection": "C_PROT", "metering": "C_METER", "billing": "C_BILL",
            "manager": "C_MGMT"}


def test_notifications_held_through_a_slack_outage_arrive_once_and_in_order(tmp_path: Path,
                                                                            slack_api: SlackApiServer) -> None:
    clock = [pacific(2026, 11, 2, 6)]
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'desk.db'}", storage_dir=tmp_path / "storage",
        outgoing_mail_dir=tmp_path / "outgoing", slack_bot_token=DEFAULT_TOKEN, slack_api_url=slack_api.base_url,
        **{f"slack_channel_{team}": channel for team, channel in CHANNELS.items()},
    )
    desk = build_desk(settings, now=lambda: clock[0])
    desk.ensure_schema()
    deps = scheduler_deps(desk)
    numbers = []
    for day, complete, street in ((2, True, "4417 N Williams Ave"), (2, False, "2280 SE Ankeny St"),
                                  (3, True, "611 NE Going St")):
        at = pacific(2026, 11, day, 10)
        documents = tuple(Document(kind, f"{kind}.pdf", kind.ljust(64, "0"), 1, at)
                          for kind in ("one_line_diagram", "site_plan", "spec_sheet")) if complete else ()
        numbers.append(services.register_application(
            desk.unit_of_work(), desk.book, application_from_contract(contract(site__address=street)), at, "intake",
            documents=documents))

    # Slack rate-limits the first calls, then fails outright for the next 40.
    slack_api.rate_limit_next(5, retry_after=120)
    slack_api.fail_next(40)
    moments: list[datetime] = []
    day = date(2026, 11, 2)
    while day <= date(2026, 11, 13):
        moments += [pacific(day.year, day.month, day.day, hour, minute) for hour in (6, 9, 12, 15, 18)
                    for minute in (0, 20, 40)]
        day += timedelta(days=1)
    for moment in moments:
        clock[0] = moment
        run_due(deps, moment)

    with desk.engine.connect() as connection:
        rows = connection.execute(sa.select(
            tables.outbox.c.id, tables.outbox.c.key, tables.outbox.c.channel, tables.outbox.c.case_number,
            tables.outbox.c.attempts, tables.outbox.c.delivered_at).order_by(tables.outbox.c.id)).all()
    desk.close()
    slack_rows = [row for row in rows if row.channel == "slack"]

    # Everything arrived, and the outage was real: items were tried more than once.
    assert slack_rows
    assert [row.key for row in slack_rows if row.delivered_at is None] == []
    assert any(row.attempts > 1 for row in slack_rows)
    assert len([c for c in slack_api.calls if c.status in (429, 500)]) == 45

    # In order for each case: an item was delivered no earlier than the items queued before it.
    for number in numbers:
        delivered = [row.delivered_at for row in slack_rows if row.case_number == number]
        assert len(delivered) >= 2, number
        assert delivered == sorted(delivered), number

    # None twice: no message was posted twice, and there is one post or edit per item at most.
    posts = Counter((call.param("channel"), call.param("text"), call.param("thread_ts"))
                    for call in slack_api.calls_to("chat.postMessage") if call.response.get("ok"))
    assert [post for post, count in posts.items() if count > 1] == []
    digest_days = sorted({row.key.split(":")[1] for row in slack_rows if row.key.startswith("digest:")})
    assert digest_days == [d.isoformat() for d in (date(2026, 11, 2) + timedelta(days=n) for n in range(12))
                           if desk.book.calendar.is_business_day(d)]
