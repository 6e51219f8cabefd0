"""What the services need from the outside world, as Protocols the edges implement."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from cases.case import Case
from cases.messaging import Channel, MessageRecord, OutboxItem


class CaseRepository(Protocol):
    """Cases by number, loaded for change inside a unit of work."""

    def add(self, case: Case) -> None:
        """Stage a new case for insertion at commit."""

    def get(self, number: str) -> Case:
        """The case with this number; raises `CaseNotFound`."""

    def get_many(self, numbers: list[str]) -> list[Case]:
        """The cases with these numbers (those that exist), loaded and locked together."""

    def next_number(self, year: int) -> str:
        """The next gap-free case number of `year`, reserved in the current transaction."""

    def numbers_with_clocks_due_before(self, day: date) -> list[str]:
        """Open cases that have a running or extended clock due before `day`."""

    def numbers_with_meetings_between(self, start: datetime, end: datetime) -> list[str]:
        """Open cases with a meeting (current or rescheduled) starting in [start, end)."""

    def number_for_message_ids(self, message_ids: list[str]) -> str | None:
        """The case an e-mail with one of these Message-IDs opened, changed or was sent about."""

    def exists(self, number: str) -> bool:
        """Whether a case with this number exists."""

    def open_number_for_site(self, address: str, account_number: str) -> str | None:
        """The open case for exactly this site address and account number, if there is one."""


class MessageLog(Protocol):
    """The record of inbound messages, for exactly-once processing and quarantine."""

    def find(self, dedupe_key: str) -> MessageRecord | None:
        """The record of an inbound message already handled, if any."""

    def record(self, record: MessageRecord) -> None:
        """Write what became of a message (replacing an earlier record with the same key)."""

    def quarantined(self) -> list[MessageRecord]:
        """Messages set aside for an administrator, oldest first."""

    def by_id(self, record_id: int) -> MessageRecord | None:
        """One record by its number (as `quarantine list` shows it)."""


class Outbox(Protocol):
    """Notifications waiting to be delivered."""

    def add(self, item: OutboxItem) -> bool:
        """Queue a notification; False when one with the same key was queued before."""

    def claim_due(self, now: datetime, lease_until: datetime, limit: int,
                  channels: Collection[Channel] = ...) -> list[OutboxItem]:
        """Undelivered items of `channels` due by `now`, oldest first, that have no older
        undelivered item for the same case on the same channel (so each case's notices arrive
        in order); claimed until `lease_until` so another process does not send them too."""

    def mark_delivered(self, item_id: int, at: datetime) -> None:
        """The item went out; it is never sent again."""

    def mark_failed(self, item_id: int, error: str, retry_at: datetime) -> None:
        """The attempt failed; try again at `retry_at`."""

    def abandon(self, item_id: int, error: str, at: datetime) -> None:
        """Refused too often: set the item aside, where it holds back nothing, until retried."""

    def abandoned(self) -> list[OutboxItem]:
        """The items set aside, oldest first."""

    def retry(self, item_ids: Collection[int], now: datetime) -> int:
        """Put set-aside items back to be delivered at once; returns how many."""

    def sent_since(self, channel: Channel, recipient: str, since: datetime) -> int:
        """How many items for `recipient` were queued since `since` (to rate-limit replies)."""

    def backlog(self) -> int:
        """Items not delivered yet (and not set aside)."""

    def queued(self, keys: Collection[str]) -> set[str]:
        """Which of `keys` were queued already (delivered or not)."""


class UnitOfWork(Protocol):
    """One transaction: everything done inside is committed together or not at all.

    Nested `with` blocks join the outer transaction and their `commit()` waits for the
    outermost one, so a caller can put a service's change, the message log and the outbox
    into a single transaction.
    """

    @property
    def cases(self) -> CaseRepository:
        """The repository bound to the current transaction."""

    @property
    def messages(self) -> MessageLog:
        """The inbound message log, in the same transaction."""

    @property
    def outbox(self) -> Outbox:
        """The notification outbox, in the same transaction."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make everything done in this transaction permanent."""

    def rollback(self) -> None:
        """Forget everything done in this transaction."""


class MailboxCursors(Protocol):
    """Where a mailbox adapter remembers how far it has read each folder.

    IMAP UIDs are only meaningful within one UIDVALIDITY; when the server reports another
    value, the adapter starts the folder again from UID 1 (the message log's Message-ID
    dedupe keeps that from processing anything twice).
    """

    def load(self, mailbox: str, folder: str) -> tuple[int, int] | None:
        """(uidvalidity, last_uid) stored for the folder, or None when never read."""

    def save(self, mailbox: str, folder: str, uidvalidity: int, last_uid: int) -> None:
        """Remember the position, committed at once (it is a hint, not a transaction)."""


class DeliveryFailed(Exception):
    """A notification could not be delivered this time; `retry_after_s` is the wait the
    other side asked for (Slack's Retry-After), if any. `refused` says the other side answered
    no (an SMTP 5xx, a Slack error that is not a rate limit or an outage): trying again is
    unlikely to help, so the outbox sets the item aside after a few such answers."""

    refused = False

    def __init__(self, reason: str, retry_after_s: float | None = None, *, refused: bool | None = None) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s
        if refused is not None:
            self.refused = refused


class NotificationSender(Protocol):
    """Delivers one outbox item on its channel (SMTP for e-mail, the Web API for Slack)."""

    def send(self, item: OutboxItem) -> None:
        """Deliver the item or raise `DeliveryFailed`."""
