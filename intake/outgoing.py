"""Sending the e-mails the outbox holds: over SMTP, or into a local folder on the embedded desk.

Every message we send says it is automatic (`Auto-Submitted: auto-replied`) and asks
Exchange not to auto-answer it (`X-Auto-Response-Suppress: All`), so two robots cannot keep
answering each other.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime
from pathlib import Path

from cases.messaging import OutboxItem
from cases.ports import DeliveryFailed

# Python folds a header that would pass 78 characters by moving its whole value to the next
# line, which some clients then show with a leading space; 998 is the hard limit of RFC 5322.
_POLICY = default.clone(max_line_length=998)


def build_email(item: OutboxItem, mail_from: str) -> EmailMessage:
    """The e-mail an outbox item describes (payload: to, subject, body, message_id, in_reply_to,
    references)."""
    payload = item.payload
    message = EmailMessage(policy=_POLICY)
    message["From"] = mail_from
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Message-ID"] = payload["message_id"]
    message["Date"] = format_datetime(item.created_at)
    if payload.get("in_reply_to"):
        message["In-Reply-To"] = payload["in_reply_to"]
    if payload.get("references"):
        message["References"] = " ".join(payload["references"])
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message["Precedence"] = "auto_reply"
    message.set_content(payload["body"])
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


class SmtpSender:
    """Sends each item in its own SMTP session: simple, and a failure touches one message."""

    def __init__(self, settings: SmtpSettings, mail_from: str) -> None:
        self._settings = settings
        self._mail_from = mail_from
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
        message = build_email(item, self._mail_from)
        try:
            with self._connect() as client:
                if self._settings.user:
                    client.login(self._settings.user, self._settings.password or "")
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryFailed(f"SMTP {self._settings.host}:{self._settings.port}: {error}") from error


class FolderSender:
    """The embedded desk's "outgoing mail": each e-mail written as a `.eml` file to a folder."""

    def __init__(self, folder: Path, mail_from: str) -> None:
        self.folder = folder
        self._mail_from = mail_from

    def send(self, item: OutboxItem) -> None:
        """Write the e-mail to the folder (named after the outbox item, so a resend overwrites)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.key)[:120]
        target = self.folder / f"{item.id or 0:06d}-{safe}.eml"
        target.write_bytes(bytes(build_email(item, self._mail_from)))
