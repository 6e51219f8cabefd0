"""The inbound message log, the outbox and the mailbox cursors, over SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, RowMapping
from sqlalchemy.orm import Session

from cases.messaging import Channel, MessageRecord, OutboxItem, Outcome
from cases.persistence import tables


class SqlMessageLog:
    """The inbound message log over SQL."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _record(row: RowMapping) -> MessageRecord:
        return MessageRecord(**dict(row))

    def find(self, dedupe_key: str) -> MessageRecord | None:
        """The record of an inbound message already handled, if any."""
        row = self.session.execute(sa.select(tables.inbound_messages).where(
            tables.inbound_messages.c.dedupe_key == dedupe_key)).mappings().first()
        return None if row is None else self._record(row)

    def record(self, record: MessageRecord) -> None:
        """Write what became of a message, replacing an earlier record with the same key."""
        values = {key: value for key, value in vars(record).items() if key != "id"}
        table = tables.inbound_messages
        self.session.execute(sa.delete(table).where(table.c.dedupe_key == record.dedupe_key))
        self.session.execute(sa.insert(table).values(**values))

    def quarantined(self) -> list[MessageRecord]:
        """Messages set aside for an administrator (quarantined or too large), oldest first."""
        table = tables.inbound_messages
        rows = self.session.execute(sa.select(table).where(
            table.c.outcome.in_([Outcome.QUARANTINED, Outcome.OVERSIZE])).order_by(table.c.id)).mappings()
        return [self._record(row) for row in rows]

    def by_id(self, record_id: int) -> MessageRecord | None:
        """One record by its number."""
        row = self.session.execute(sa.select(tables.inbound_messages).where(
            tables.inbound_messages.c.id == record_id)).mappings().first()
        return None if row is None else self._record(row)


class SqlOutbox:
    """The outbox over SQL."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _item(row: RowMapping) -> OutboxItem:
        return OutboxItem(**dict(row))

    def add(self, item: OutboxItem) -> bool:
        """Queue a notification; False when one with the same key was queued before."""
        table = tables.outbox
        values: dict[str, Any] = {key: value for key, value in vars(item).items() if key != "id"}
        values["available_at"] = item.available_at or item.created_at
        # One statement that skips a duplicate key: no read-then-write race between processes.
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (insert(table).values(**values).on_conflict_do_nothing(index_elements=[table.c.key])
                     .returning(table.c.id))
        return self.session.execute(statement).first() is not None

    def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                  channels: Collection[Channel] = tuple(Channel)) -> list[OutboxItem]:
        """Due items of `channels` with no older undelivered item for their case on the same
        channel, leased until `lease_until`."""
        table = tables.outbox
        earlier = table.alias("earlier")
        blocked = sa.exists().where(
            earlier.c.case_number == table.c.case_number,
            earlier.c.channel == table.c.channel,
            earlier.c.id < table.c.id,
            earlier.c.delivered_at.is_(None),
            earlier.c.abandoned_at.is_(None),
        )
        statement = (
            sa.select(table)
            .where(table.c.delivered_at.is_(None), table.c.abandoned_at.is_(None), table.c.available_at <= now,
                   table.c.channel.in_(channels), ~blocked)
            .order_by(table.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True, of=table)
        )
        items = [self._item(row) for row in self.session.execute(statement).mappings()]
        if items:
            self.session.execute(sa.update(table).where(table.c.id.in_([i.id for i in items])).values(
                available_at=lease_until, attempts=table.c.attempts + 1))
        return items

    def mark_delivered(self, item_id: int, at: datetime) -> None:
        """The item went out; it is never sent again."""
        self.session.execute(sa.update(tables.outbox).where(tables.outbox.c.id == item_id).values(
            delivered_at=at, last_error=None))

    def mark_failed(self, item_id: int, error: str, retry_at: datetime) -> None:
        """The attempt failed; try again at `retry_at`."""
        self.session.execute(sa.update(tables.outbox).where(tables.outbox.c.id == item_id).values(
            available_at=retry_at, last_error=error[:2000]))

    def abandon(self, item_id: int, error: str, at: datetime) -> None:
        """Refused too often: set the item aside (it holds back nothing) until someone retries it."""
        self.session.execute(sa.update(tables.outbox).where(tables.outbox.c.id == item_id).values(
            abandoned_at=at, last_error=error[:2000]))

    def abandoned(self) -> list[OutboxItem]:
        """The items set aside, oldest first."""
        table = tables.outbox
        rows = self.session.execute(sa.select(table).where(table.c.abandoned_at.is_not(None))
                                    .order_by(table.c.id)).mappings()
        return [self._item(row) for row in rows]

    def retry(self, item_ids: Collection[int], now: datetime) -> int:
        """Put set-aside items back to be delivered at once; returns how many."""
        table = tables.outbox
        result = self.session.execute(sa.update(table).where(
            table.c.id.in_(list(item_ids)), table.c.abandoned_at.is_not(None)).values(
            abandoned_at=None, available_at=now, attempts=0))
        return int(getattr(result, "rowcount", 0) or 0)

    def sent_since(self, channel: Channel, recipient: str, since: datetime) -> int:
        """How many items for `recipient` were queued since `since`."""
        table = tables.outbox
        return int(self.session.execute(sa.select(sa.func.count()).where(
            table.c.channel == channel, table.c.recipient == recipient, table.c.created_at >= since)).scalar_one())

    def queued(self, keys: Collection[str]) -> set[str]:
        """Which of `keys` were queued already (delivered or not)."""
        table = tables.outbox
        return set(self.session.execute(sa.select(table.c.key).where(table.c.key.in_(list(keys)))).scalars())

    def backlog(self) -> int:
        """Items not delivered yet."""
        table = tables.outbox
        return int(self.session.execute(sa.select(sa.func.count()).where(
            table.c.delivered_at.is_(None), table.c.abandoned_at.is_(None))).scalar_one())


class SqlMailboxCursors:
    """Mailbox positions, each saved in a short transaction of its own."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def load(self, mailbox: str, folder: str) -> tuple[int, int] | None:
        """(uidvalidity, last_uid) stored for the folder, or None when never read."""
        table = tables.mailbox_cursors
        with self._engine.connect() as connection:
            row = connection.execute(sa.select(table.c.uidvalidity, table.c.last_uid).where(
                table.c.mailbox == mailbox, table.c.folder == folder)).first()
        return None if row is None else (int(row[0]), int(row[1]))

    def save(self, mailbox: str, folder: str, uidvalidity: int, last_uid: int) -> None:
        """Remember the position."""
        table = tables.mailbox_cursors
        with self._engine.begin() as connection:
            connection.execute(sa.delete(table).where(table.c.mailbox == mailbox, table.c.folder == folder))
            connection.execute(sa.insert(table).values(
                mailbox=mailbox, folder=folder, uidvalidity=uidvalidity, last_uid=last_uid))
