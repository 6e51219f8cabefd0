"""Mail in and notices out, as the core records them.

`MessageRecord` is the log of every inbound message and what became of it: it makes a second
run over the same mailbox a no-op and lets an administrator list and retry quarantined mail.
`OutboxItem` is a notification (an e-mail, a Slack post) written in the same transaction as
the case change that caused it and delivered afterwards, with retries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """What became of an inbound message."""

    NEW_CASE = "new_case"
    SUPPLEMENT = "supplement"
    INSPECTION = "inspection"
    PAYMENT_REFERENCE = "payment_reference"
    QUESTION = "question"
    NO_CASE = "no_case"
    IGNORED = "ignored"
    OVERSIZE = "oversize"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class MessageRecord:
    """What happened to one inbound message. `dedupe_key` is its Message-ID, or
    `sha256:<hex>` of the raw bytes when it has none."""

    dedupe_key: str
    mailbox: str
    processed_at: datetime
    outcome: Outcome
    sender: str | None = None
    subject: str | None = None
    case_number: str | None = None
    detail: str | None = None
    raw_path: str | None = None
    id: int | None = None


class Channel(StrEnum):
    """How a notification travels."""

    EMAIL = "email"
    SLACK = "slack"


@dataclass(frozen=True)
class OutboxItem:
    """One notification to deliver. `key` makes queueing idempotent: a second item with the
    same key is not added. `payload` is what the channel's sender needs, as JSON data."""

    key: str
    channel: Channel
    recipient: str
    payload: dict[str, Any]
    created_at: datetime
    case_number: str | None = None
    attempts: int = 0
    available_at: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str | None = None
    abandoned_at: datetime | None = None
    id: int | None = None
