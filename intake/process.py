"""`process_message`: one inbound message, start to finish, in one transaction.

The order follows what helpdesks learned the hard way: never answer a robot, dedupe before
anything else, refuse what is too large before parsing it, thread replies before opening a
case, and let the message leave the inbox only after the database has committed (the
poller does that, with the result returned here).
"""

from __future__ import annotations

import hashlib
import logging
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from cases.messaging import MessageRecord, Outcome
from intake.actions import act_on_message
from intake.attachments import read_attachments
from intake.context import Intake, Result
from intake.mailbox import FetchedMessage
from intake.replies import Draft
from parsers.email_message import IntakeMessage, UnreadableEmail, parse_email

log = logging.getLogger(__name__)


def _headers_only(raw: bytes) -> tuple[str, str, str]:
    """(Message-ID or "", sender, subject) read from the headers alone (for oversize mail)."""
    headers = BytesHeaderParser(policy=default_policy).parsebytes(raw[:256_000])
    sender = headers.get("Reply-To") or headers.get("From") or ""
    address = str(sender).rpartition("<")[2].rstrip(">").strip().lower()
    return str(headers.get("Message-ID") or "").strip(), address, str(headers.get("Subject") or "")


def _set_aside(intake: Intake, fetched: FetchedMessage, key: str, outcome: Outcome, detail: str,
               draft: Draft | None, sender: str | None, subject: str | None) -> Result:
    """Keep the raw message for an administrator, record why, and answer the sender if we can."""
    digest = intake.files.put(fetched.raw)
    with intake.uow:
        if intake.uow.messages.find(key):
            return Result(outcome, detail=detail, duplicate=True)
        if draft is not None:
            intake.queue_reply(draft, None, f"reply:{key}:{outcome.value}", None)
        intake.uow.messages.record(MessageRecord(
            dedupe_key=key, mailbox=intake.mailbox, processed_at=intake.now(), outcome=outcome,
            sender=sender, subject=subject, detail=detail, raw_path=digest))
        intake.uow.commit()
    log.info("message %s set aside (%s): %s", key, outcome.value, detail)
    return Result(outcome, detail=detail)


def process_message(intake: Intake, fetched: FetchedMessage, *, retry: bool = False) -> Result:
    """Turn one message into a case, a supplement, an issue or a logged no-op, exactly once.

    Faults of the sender (unreadable mail or PDF, too large) come back as a result to
    quarantine, with the sender told why; faults of ours raise, and the message stays in the
    mailbox to be retried. `retry` processes a quarantined message again.
    """
    limit = intake.settings.max_message_bytes
    if fetched.size > limit:
        message_id, sender, subject = _headers_only(fetched.raw)
        key = message_id or f"sha256:{hashlib.sha256(fetched.raw).hexdigest()}"
        draft = intake.replies.oversize(sender, subject, fetched.size, limit) if sender else None
        return _set_aside(intake, fetched, key, Outcome.OVERSIZE, f"{fetched.size} bytes > {limit}",
                          draft, sender, subject)
    try:
        message = parse_email(fetched.raw)
    except UnreadableEmail as error:
        key = f"sha256:{hashlib.sha256(fetched.raw).hexdigest()}"
        return _set_aside(intake, fetched, key, Outcome.QUARANTINED, error.reason, None, None, None)
    key = message.message_id or f"sha256:{message.content_sha256}"
    with intake.uow:
        seen = intake.uow.messages.find(key)
    if seen is not None and not (retry and seen.outcome in (Outcome.QUARANTINED, Outcome.OVERSIZE)):
        return Result(seen.outcome, seen.case_number, seen.detail, duplicate=True)
    reason = ignore_reason(intake, message)
    if reason is not None:
        return _record(intake, message, key, Result(Outcome.IGNORED, detail=reason))
    attachments = read_attachments(message, intake.parse_pdf, intake.files, intake.now())
    if attachments.unreadable:
        return _unreadable_attachment(intake, fetched, message, key, attachments.unreadable)
    with intake.uow:
        result = act_on_message(intake, message, key, attachments)
        _log_record(intake, message, key, result)
        intake.uow.commit()
    log.info("message %s from %s: %s%s", key, message.sender, result.outcome.value,
             f" {result.case_number}" if result.case_number else "")
    return result


def ignore_reason(intake: Intake, message: IntakeMessage) -> str | None:
    """Why the message gets neither an answer nor an action (a robot wrote it, or we did), or None."""
    own = intake.settings.mail_from.lower()
    return message.auto_reason or ("sent from our own address" if message.sender == own else None)


def _unreadable_attachment(intake: Intake, fetched: FetchedMessage, message: IntakeMessage, key: str,
                           reason: str) -> Result:
    """Nothing is filed from a message with a file we cannot read: the sender resends it."""
    answer_to = message.reply_to or message.sender
    number = message.case_numbers[0] if message.case_numbers else None
    draft = intake.replies.unreadable(answer_to, message.subject, reason, number) if answer_to else None
    return _set_aside(intake, fetched, key, Outcome.QUARANTINED, reason, draft, message.sender, message.subject)


def _log_record(intake: Intake, message: IntakeMessage, key: str, result: Result) -> None:
    intake.uow.messages.record(MessageRecord(
        dedupe_key=key, mailbox=intake.mailbox, processed_at=intake.now(), outcome=result.outcome,
        sender=message.sender, subject=message.subject[:998], case_number=result.case_number,
        detail=result.detail))


def _record(intake: Intake, message: IntakeMessage, key: str, result: Result) -> Result:
    with intake.uow:
        _log_record(intake, message, key, result)
        intake.uow.commit()
    log.info("message %s from %s ignored: %s", key, message.sender, result.detail)
    return result
