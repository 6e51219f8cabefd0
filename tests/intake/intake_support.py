"""Helpers for the intake tests: the desk's address, a clock that moves when told, and
e-mails built in code the way installers' clients send them."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from support import pacific

DESK = "interconnection@utility.example"


class SteppingClock:
    """The desk's clock for tests: starts Monday 2026-11-02 09:00 Pacific, moves when told."""

    def __init__(self) -> None:
        self.at = pacific(2026, 11, 2, 9)

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def email(subject: str, body: str = "Please find attached.", *, sender: str = "permits@bridgetownsolar.example",
          message_id: str | None = "<app-1@bridgetownsolar.example>", attachments: dict[str, bytes] | None = None,
          headers: dict[str, str] | None = None) -> bytes:
    """An e-mail as an installer's client would send it."""
    message = EmailMessage()
    message["From"] = f"Dana Whitfield <{sender}>"
    message["To"] = DESK
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for filename, data in (attachments or {}).items():
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
    return bytes(message)
