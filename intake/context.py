"""What intake works with: its settings, its wiring, and the result of one message."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cases.entities import MessageRef
from cases.messaging import Channel, OutboxItem, Outcome
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook
from intake.replies import Draft, Replies
from intake.storage import FileStore
from parsers.email_message import IntakeMessage
from parsers.pdf import ParsedApplication

log = logging.getLogger("intake.process")


@dataclass(frozen=True)
class IntakeSettings:
    mail_from: str
    max_message_bytes: int = 25_000_000
    replies_per_sender_per_hour: int = 5


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    case_number: str | None = None
    detail: str | None = None
    duplicate: bool = False

    @property
    def quarantine(self) -> bool:
        """Whether the message leaves the inbox for Quarantine rather than Processed."""
        return self.outcome in (Outcome.QUARANTINED, Outcome.OVERSIZE)


@dataclass
class Intake:
    """Everything `process_message` needs, wired by the composition root."""

    uow: UnitOfWork
    book: RuleBook
    files: FileStore
    replies: Replies
    settings: IntakeSettings
    now: Callable[[], datetime]
    parse_pdf: Callable[[bytes], ParsedApplication]
    mailbox: str = "mailbox"

    def queue_reply(self, draft: Draft, message: IntakeMessage | None, key: str, case_number: str | None) -> str | None:
        """Put a reply in the outbox (inside the caller's transaction); None when the sender
        has had too many automatic replies this hour, which also stops any mail loop."""
        now = self.now()
        if self.uow.outbox.sent_since(Channel.EMAIL, draft.to, now - timedelta(hours=1)) \
                >= self.settings.replies_per_sender_per_hour:
            log.warning("not replying to %s: %d automatic replies in the last hour", draft.to,
                        self.settings.replies_per_sender_per_hour)
            return None
        domain = self.settings.mail_from.rpartition("@")[2] or "icdesk.invalid"
        message_id = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"
        references = [*(message.references if message else ()), *([message.message_id] if message and
                                                                   message.message_id else [])]
        self.uow.outbox.add(OutboxItem(
            key=key, channel=Channel.EMAIL, recipient=draft.to, case_number=case_number, created_at=now,
            payload={"to": draft.to, "subject": draft.subject, "body": draft.body, "message_id": message_id,
                     "in_reply_to": message.message_id if message else None, "references": references},
        ))
        if case_number:
            self.uow.cases.get(case_number).link_message(MessageRef(message_id, "out", now))
        return message_id
