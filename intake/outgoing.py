"""Sending the e-mails the outbox holds: over SMTP, or into a local folder on the embedded desk.

Every message we send says it is automatic (`Auto-Submitted: auto-replied`) and asks
Exchange not to auto-answer it (`X-Auto-Response-Suppress: All`), so two robots cannot keep
answering each other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from cases.errors import InvalidInput
from cases.ics import Invitation, Organizer, request
from cases.messaging import OutboxItem
from cases.ports import DeliveryFailed
from intake.replies import Templates

log = logging.getLogger(__name__)

# How invitations name the desk (their ORGANIZER), as the letters sign.
DESK_NAME = "Interconnection Services"

# Python folds a header that would pass 78 characters by moving its whole value to the next
# line, which some clients then show with a leading space; 998 is the hard limit of RFC 5322.
_POLICY = default.clone(max_line_length=998)


_TEMPLATE_NAME = re.compile(r"[a-z][a-z_]*")


def _message_id(item: OutboxItem, mail_from: str) -> str:
    """The payload's Message-ID, else one made from the item's key (the same on a resend)."""
    if item.payload.get("message_id"):
        return str(item.payload["message_id"])
    domain = mail_from.rpartition("@")[2] or "icdesk.invalid"
    return f"<{hashlib.sha256(item.key.encode()).hexdigest()[:32]}@{domain}>"


def _body(item: OutboxItem, mail_from: str, templates: Templates) -> str:
    """The text: as queued, or written now from the named template and its values (with the
    desk's address, for "who to contact")."""
    payload = item.payload
    if "body" in payload:
        return str(payload["body"])
    name = str(payload.get("template", ""))
    if not _TEMPLATE_NAME.fullmatch(name):
        raise DeliveryFailed(f"outbox item {item.key} has neither a body nor a template name (got {name!r})")
    try:
        return templates.render(name, **{**payload.get("values", {}), "desk_address": mail_from})
    except TemplateError as error:
        log.error("mail template %s could not be filled for outbox item %s: %s", name, item.key, error)
        raise DeliveryFailed(f"the mail template {name}.txt.j2 could not be filled: {error}") from error


def _add_part(message: EmailMessage, data: bytes, maintype: str, subtype: str, filename: str,
              params: dict[str, str]) -> None:
    """Attach `data` in base64. The part gets the standard policy, not the message's: its
    998-character lines suit headers, but RFC 2045 wants base64 in lines of at most 76."""
    part = EmailMessage(policy=default)
    part.set_content(data, maintype=maintype, subtype=subtype, filename=filename, params=params,
                     disposition="attachment")
    if not message.is_multipart():
        message.make_mixed()
    message.attach(part)


def _attach(message: EmailMessage, item: OutboxItem, attachment: dict[str, Any]) -> None:
    """One attachment of the payload: filename, content type (with parameters, such as a
    calendar's `method=REQUEST`) and the bytes in base64."""
    kind, *parameters = (part.strip() for part in str(attachment.get("content_type", "")).split(";"))
    maintype, _, subtype = kind.partition("/")
    params = dict(p.partition("=")[::2] for p in parameters if "=" in p)
    try:
        data = base64.b64decode(str(attachment.get("data", "")), validate=True)
    except binascii.Error as error:
        raise DeliveryFailed(f"outbox item {item.key}: attachment {attachment.get('filename')!r} "
                             f"is not base64: {error}") from error
    if not (maintype and subtype and attachment.get("filename")):
        raise DeliveryFailed(f"outbox item {item.key}: an attachment needs a filename and a type/subtype")
    _add_part(message, data, maintype, subtype, str(attachment["filename"]), params)


def _attach_invitation(message: EmailMessage, item: OutboxItem, data: dict[str, Any], mail_from: str) -> None:
    """The calendar file of the payload's invitation, written now as the desk's address (the
    ORGANIZER, to whom the calendar's answers go); the same payload always gives the same file."""
    try:
        invitation = Invitation.from_data(data)
        ics = request(invitation, Organizer(DESK_NAME, mail_from))
    except InvalidInput as error:
        log.error("outbox item %s: the invitation cannot be written: %s", item.key, error)
        raise DeliveryFailed(f"outbox item {item.key}: the invitation cannot be written: {error}") from error
    _add_part(message, ics, "text", "calendar", f"{invitation.uid}.ics", {"method": "REQUEST", "charset": "utf-8"})


def build_email(item: OutboxItem, mail_from: str, templates: Templates | None = None) -> EmailMessage:
    """The e-mail an outbox item describes (payload: to, subject, body or template and values,
    message_id, in_reply_to, references, invitation, attachments)."""
    payload = item.payload
    message = EmailMessage(policy=_POLICY)
    message["From"] = mail_from
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Message-ID"] = _message_id(item, mail_from)
    message["Date"] = format_datetime(item.created_at)
    if payload.get("in_reply_to"):
        message["In-Reply-To"] = payload["in_reply_to"]
    if payload.get("references"):
        message["References"] = " ".join(payload["references"])
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message["Precedence"] = "auto_reply"
    message.set_content(_body(item, mail_from, templates or Templates()))
    if payload.get("invitation"):
        _attach_invitation(message, item, payload["invitation"], mail_from)
    for attachment in payload.get("attachments") or ():
        _attach(message, item, attachment)
    return message


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str = "ssl"  # ssl | starttls | none
    user: str | None = None
    password: str | None = None
    timeout_s: float = 30.0
    ca_file: str | None = None


def permanent_refusal(error: Exception) -> bool:
    """An SMTP 5xx answer for the message or its recipient: the server will not take it."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    # A refused login or sender is the desk's own configuration, not this message's fault.
    configuration = (smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused)
    if isinstance(error, smtplib.SMTPResponseException) and not isinstance(error, configuration):
        return error.smtp_code >= 500
    return False


class SmtpSender:
    """Sends each item in its own SMTP session: simple, and a failure touches one message."""

    def __init__(self, settings: SmtpSettings, mail_from: str, templates: Templates | None = None) -> None:
        self._settings = settings
        self._mail_from = mail_from
        self._templates = templates or Templates()
        # Loading the CA bundle costs ~20 ms: once per sender, and only when TLS is used.
        self._context = ssl.create_default_context(cafile=settings.ca_file) if settings.security != "none" else None

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        context = self._context
        if s.security == "ssl":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout_s, context=context)
        client = smtplib.SMTP(s.host, s.port, timeout=s.timeout_s)
        if s.security == "starttls":
            client.starttls(context=context)
        return client

    def send(self, item: OutboxItem) -> None:
        """Deliver one e-mail or raise `DeliveryFailed` with the server's reason."""
        message = build_email(item, self._mail_from, self._templates)
        try:
            with self._connect() as client:
                if self._settings.user:
                    client.login(self._settings.user, self._settings.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"SMTP {self._settings.host}:{self._settings.port}: {error}",
                                 refused=permanent_refusal(error)) from error


class FolderSender:
    """The embedded desk's "outgoing mail": each e-mail written as a `.eml` file to a folder."""

    def __init__(self, folder: Path, mail_from: str, templates: Templates | None = None) -> None:
        self.folder = folder
        self._mail_from = mail_from
        self._templates = templates or Templates()

    def send(self, item: OutboxItem) -> None:
        """Write the e-mail to the folder (named after the outbox item, so a resend overwrites)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.key)[:120]
        target = self.folder / f"{item.id or 0:06d}-{safe}.eml"
        target.write_bytes(bytes(build_email(item, self._mail_from, self._templates)))
