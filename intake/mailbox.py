"""The port every mailbox adapter implements (IMAP, Maildir), and what it hands over."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol


class MailboxUnavailable(Exception):
    """The mailbox cannot be used at all (login refused, host unknown); the message says why."""


@dataclass(frozen=True)
class FetchedMessage:
    """One raw message as the mailbox holds it.

    `key` identifies the message within its mailbox for marking it afterwards (an IMAP UID
    as text, a Maildir file name); `raw` is the whole RFC 5322 message.
    """

    key: str
    raw: bytes

    @property
    def size(self) -> int:
        return len(self.raw)


class Mailbox(Protocol):
    """A source of mail. Messages stay in the mailbox until marked, so a crash loses nothing."""

    name: str

    def fetch_new(self, batch_size: int = 50) -> Iterator[FetchedMessage]:
        """Messages neither processed nor quarantined yet, oldest first, fetched in batches
        without setting \\Seen."""
        ...

    def mark_processed(self, message: FetchedMessage) -> None:
        """Called only after the database commit: move to `Processed` (or flag it)."""

    def quarantine(self, message: FetchedMessage) -> None:
        """Set a message aside that failed for the sender's reasons (move to `Quarantine`)."""

    def wait_for_new(self, timeout_s: float) -> bool:
        """Block until new mail may be there (IMAP IDLE, or a sleep); True if woken by mail."""

    def close(self) -> None:
        """Log out and release the connection; safe to call twice."""
