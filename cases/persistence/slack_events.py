"""Which Slack events the bot has already acted on, shared by every process through the
database: Slack retries an event (same `event_id`, header `X-Slack-Retry-Num`) when it did
not see our answer in time, and the retry may reach another worker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from cases.persistence import tables


def _utc_now() -> datetime:
    return datetime.now(UTC)


class SqlSeenEvents:
    def __init__(self, engine: Engine, now: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self._now = now

    def first_time(self, event_id: str) -> bool:
        """Record `event_id`; False when some process recorded it before (the primary key
        decides, so two workers racing on one retry cannot both win)."""
        try:
            with self._engine.begin() as connection:
                connection.execute(sa.insert(tables.slack_events).values(event_id=event_id,
                                                                         received_at=self._now()))
        except IntegrityError:
            return False
        return True

    def forget_before(self, moment: datetime) -> int:
        """Drop ids older than `moment` (Slack stops retrying after about an hour); returns how many."""
        with self._engine.begin() as connection:
            result = connection.execute(sa.delete(tables.slack_events)
                                        .where(tables.slack_events.c.received_at < moment))
            return result.rowcount
