"""Where the task card of each case sits in each Slack channel, shared by every process
through the database.

Each write is a short transaction of its own, committed as soon as Slack has answered with
the card's ts: the outbox marks the item delivered only afterwards, so a crash in between
leaves the card known (and when it was drawn), and the retry does not post a second one."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from cases.persistence import tables


class SqlCardPlaces:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def find(self, case_number: str, channel: str) -> tuple[str, datetime] | None:
        """(ts, when it was posted) of the case's card in `channel`, if there is one."""
        table = tables.slack_case_cards
        with self._engine.connect() as connection:
            row = connection.execute(sa.select(table.c.ts, table.c.posted_at).where(
                table.c.case_number == case_number, table.c.channel == channel)).first()
        return None if row is None else (str(row[0]), row[1])

    def remember(self, case_number: str, channel: str, ts: str, posted_by: str, at: datetime) -> None:
        """Record the card (replacing the place of one Slack no longer has), committed at once."""
        table = tables.slack_case_cards
        values = {"case_number": case_number, "channel": channel, "ts": ts, "posted_by": posted_by,
                  "posted_at": at}
        with self._engine.begin() as connection:
            # One statement: two workers recording the same case's card cannot collide.
            insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
            statement = insert(table).values(**values)
            connection.execute(statement.on_conflict_do_update(
                index_elements=[table.c.case_number, table.c.channel],
                set_={"ts": statement.excluded.ts, "posted_by": statement.excluded.posted_by,
                      "posted_at": statement.excluded.posted_at}))
