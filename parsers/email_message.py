"""An incoming e-mail as the desk needs it: `bytes -> IntakeMessage`.

Installers send applications, missing documents, sign-offs and questions; the desk also
receives out-of-office replies, bounces and newsletters. Intake needs to know who wrote,
which case the message belongs to (threading headers and IC numbers), what the sender wrote
this time, which files came with it, and whether answering it automatically could start a
mail loop. Parsing is pure and never raises anything but `UnreadableEmail`, which is kept for
input that is not an e-mail at all; a merely odd message still parses.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import Message
from email.parser import BytesFeedParser

from parsers import email_headers as headers_of
from parsers.email_auto import auto_reason
from parsers.email_parts import body_text, files, mime_tree, report_type
from parsers.email_reply import reply_text

__all__ = ["Attachment", "IntakeMessage", "UnreadableEmail", "parse_email"]

# Header fields only an e-mail has; bytes carrying none of them are some other file.
_MAIL_HEADERS = frozenset({
    "from", "to", "cc", "subject", "date", "message-id", "received", "return-path", "mime-version",
    "content-type", "delivered-to", "sender", "reply-to", "in-reply-to", "references",
})


class UnreadableEmail(Exception):
    """The bytes are not an e-mail at all (empty, or no mail header in them).

    `reason` is one human line for the quarantine log and the coordinator's alert.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Attachment:
    """One file that came with the message, with a name that is safe to store."""

    filename: str
    content_type: str
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        """Bytes of the decoded file (not of its base64 form in the message)."""
        return len(self.data)


@dataclass(frozen=True)
class IntakeMessage:
    """What intake needs from one e-mail; see `parse_email` for how each field is read."""

    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: str | None
    sender_name: str | None
    reply_to: str | None
    return_path: str | None
    subject: str
    date: datetime | None
    case_numbers: tuple[str, ...]
    body_text: str
    new_text: str
    attachments: tuple[Attachment, ...]
    auto_reason: str | None
    content_sha256: str
    size: int


def parse_email(raw: bytes) -> IntakeMessage:
    """Read one RFC 5322 message (as fetched from IMAP or a .eml file) into an IntakeMessage.

    Why so forgiving: a message the desk cannot read is a lost application, so broken
    headers, unknown charsets and missing boundaries cost only the damaged field or part.
    `content_sha256` and `size` are of `raw` itself, so intake can deduplicate messages that
    have no Message-ID. Raises UnreadableEmail only when `raw` is not an e-mail at all.
    """
    if not raw.strip():
        raise UnreadableEmail("The message is empty: there is nothing to read.")
    try:
        msg = _message_of(raw)
    except RecursionError as error:
        raise UnreadableEmail("The message is nested too deeply to be read.") from error
    found = headers_of.raw_headers(msg)
    if not _MAIL_HEADERS & found.keys():
        raise UnreadableEmail("The file is not an e-mail: it has no mail headers such as From, Subject or Date.")
    try:
        return _read(msg, found, raw)
    except RecursionError as error:
        raise UnreadableEmail("The message is nested too deeply to be read.") from error
    except Exception as error:
        # Every field is read defensively; this is the last line, for a case no test has met.
        raise UnreadableEmail(f"The message could not be read ({type(error).__name__} in its structure).") from error


# Bytes handed to the parser at a time: large enough that the per-call cost vanishes, small
# enough that the decoded slice is nothing beside the message itself.
_FEED_CHUNK = 64 * 1024


def _message_of(raw: bytes) -> Message:
    """The standard library's message tree of `raw`, fed to the parser in slices.

    Why not `BytesParser.parsebytes`: it decodes the whole message to one str and reads it
    through an `io.StringIO`, whose buffer holds 4 bytes a character; for a 34 MB message with
    a 25 MB attachment that alone was 131 MiB. Each byte decodes to one character on its own
    (ASCII with surrogateescape), so slicing anywhere gives the same tree.
    """
    parser = BytesFeedParser(policy=policy.default)
    view = memoryview(raw)
    for start in range(0, len(raw), _FEED_CHUNK):
        parser.feed(bytes(view[start:start + _FEED_CHUNK]))
    return parser.close()


def _read(msg: Message, found: headers_of.Headers, raw: bytes) -> IntakeMessage:
    sender, sender_name = headers_of.address(found, "from")
    subject = headers_of.decoded(found, "subject") or ""
    tree = mime_tree(msg)
    text = body_text(tree)
    return IntakeMessage(
        message_id=next(iter(headers_of.message_ids(headers_of.first(found, "message-id"))), None),
        in_reply_to=headers_of.message_ids(headers_of.first(found, "in-reply-to")),
        references=headers_of.message_ids(" ".join(found.get("references", []))),
        sender=sender,
        sender_name=sender_name,
        reply_to=headers_of.address(found, "reply-to")[0],
        return_path=headers_of.return_path(found),
        subject=subject,
        date=headers_of.date(found),
        case_numbers=headers_of.case_numbers(subject, text),
        body_text=text,
        new_text=reply_text(text),
        attachments=tuple(
            Attachment(filename=name, content_type=ctype, data=data, sha256=hashlib.sha256(data).hexdigest())
            for name, ctype, data in files(tree)
        ),
        auto_reason=auto_reason(found, sender, report_type(tree)),
        content_sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
    )
