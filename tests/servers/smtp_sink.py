"""An SMTP server on loopback that accepts every message and keeps it for the test to read.

It stands in for the utility's mail relay when the desk sends acknowledgements. The server
runs on aiosmtpd's event loop in a thread of its own; the test thread waits for what arrived
with a timeout, since delivery finishes on that other thread.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the sink received it: the envelope, the bytes as sent and the message
    parsed from them (with plain newlines)."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes
    message: EmailMessage


class _Recorder:
    """aiosmtpd's handler: keeps every message and wakes whoever waits for it."""

    def __init__(self) -> None:
        self.received: list[ReceivedMail] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or b""
        # SMTP carries CRLF line ends; parsed with them, every text part would end in "\r\n".
        parsed = BytesParser(policy=policy.default).parsebytes(raw.replace(b"\r\n", b"\n"))
        assert isinstance(parsed, EmailMessage)
        mail = ReceivedMail(
            mail_from=envelope.mail_from or "",
            rcpt_tos=tuple(envelope.rcpt_tos),
            raw=raw,
            message=parsed,
        )
        with self.changed:
            self.received.append(mail)
            self.changed.notify_all()
        return "250 Message accepted for delivery"


class _LoopbackController(Controller):
    """aiosmtpd's threaded controller, told which port the system gave it.

    The controller connects to its own port once to check that the server answers; asked to
    listen on port 0 it would connect to port 0, so the port actually bound is read first.
    """

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()  # type: ignore[no-untyped-call]


class SmtpSink:
    """An SMTP server on 127.0.0.1 and a free port; STARTTLS is offered when given a certificate."""

    host = "127.0.0.1"

    def __init__(self, certificate: tuple[Path, Path] | None = None) -> None:
        """`certificate` is (certificate file, key file) to offer STARTTLS with, or None."""
        self._recorder = _Recorder()
        self._certificate = certificate
        self._controller: _LoopbackController | None = None

    @property
    def port(self) -> int:
        if self._controller is None:
            raise RuntimeError("the SMTP sink is not running")
        port: int = self._controller.port
        return port

    def start(self) -> None:
        """Start listening; returns once the server has answered a first connection."""
        if self._controller is not None:
            return
        options: dict[str, Any] = {}
        if self._certificate is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(self._certificate[0]), str(self._certificate[1]))
            options["tls_context"] = context
        controller = _LoopbackController(self._recorder, hostname=self.host, port=0, **options)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop the server and its thread; safe to call twice."""
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SmtpSink:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def messages(self) -> list[ReceivedMail]:
        """What has arrived so far, oldest first (a copy)."""
        with self._recorder.changed:
            return list(self._recorder.received)

    def clear(self) -> None:
        """Forget what has arrived, e.g. between two steps of one test."""
        with self._recorder.changed:
            self._recorder.received.clear()

    def wait_for(self, count: int, timeout_s: float = 5.0) -> list[ReceivedMail]:
        """Block until at least `count` messages have arrived; all of them, or TimeoutError."""
        deadline = time.monotonic() + timeout_s
        with self._recorder.changed:
            while len(self._recorder.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(
                        f"the SMTP sink received {len(self._recorder.received)} message(s) "
                        f"within {timeout_s} s, not {count}"
                    )
                self._recorder.changed.wait(remaining)
            return list(self._recorder.received)
