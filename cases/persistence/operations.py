"""What the operators' probes read from the database: the outbox backlog, the message log by
outcome, lapsed clocks and failed deliveries. Read at the moment of asking, so every process of
a deployment reports the same numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from cases.entities import ClockStatus
from cases.messaging import Channel
from cases.persistence import tables


@dataclass(frozen=True)
class ChannelBacklog:
    """Undelivered notifications of one channel: how many, the oldest one's creation time,
    how many of them failed their last attempt, and how many retries the channel needed."""

    depth: int
    oldest: datetime | None
    failing: int
    retries: int


def outbox_backlog(engine: Engine) -> dict[Channel, ChannelBacklog]:
    """The backlog of every channel, including the empty ones."""
    table = tables.outbox
    # Items set aside after refusals wait for a person (`icdesk outbox failed`), not for delivery.
    pending = sa.and_(table.c.delivered_at.is_(None), table.c.abandoned_at.is_(None))
    statement = sa.select(
        table.c.channel,
        sa.func.count().filter(pending),
        sa.func.min(table.c.created_at).filter(pending),
        sa.func.count().filter(pending, table.c.last_error.is_not(None)),
        # Every attempt after an item's first followed a failure (or a crash mid-delivery);
        # attempts only grow, so this only grows: a counter.
        sa.func.coalesce(sa.func.sum(table.c.attempts - 1).filter(table.c.attempts > 1), 0),
    ).group_by(table.c.channel)
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    found = {Channel(row[0]): ChannelBacklog(int(row[1]), row[2], int(row[3]), int(row[4])) for row in rows}
    return {channel: found.get(channel, ChannelBacklog(0, None, 0, 0)) for channel in Channel}


def messages_by_outcome(engine: Engine) -> dict[str, int]:
    """Inbound messages handled, by what became of them."""
    table = tables.inbound_messages
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table.c.outcome, sa.func.count()).group_by(table.c.outcome)).all()
    return {str(row[0]): int(row[1]) for row in rows}


def lapsed_clocks(engine: Engine) -> dict[str, int]:
    """Clocks that lapsed (stopped late or never stopped in time), by clock name."""
    table = tables.clocks
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table.c.name, sa.func.count()).where(
            table.c.status == ClockStatus.LAPSED).group_by(table.c.name)).all()
    return {str(row[0]): int(row[1]) for row in rows}
