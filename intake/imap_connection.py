"""The IMAP settings and one connection that reconnects by itself.

Every command the mailbox sends goes through `ImapConnection.run`, which connects, secures,
logs in and selects the folder as needed, and when the connection breaks (the server
restarted, a NAT dropped it, a read timed out) reconnects with exponential backoff and
jitter, a bounded number of times per call. A refused login or an unverifiable certificate is
not retried: waiting does not fix either, so they raise `MailboxUnavailable` at once.
"""

from __future__ import annotations

import logging
import random
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from intake.mailbox import MailboxUnavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
Security = Literal["ssl", "starttls", "none"]
ClientFactory = Callable[..., Any]
"""Builds a connected client the way `IMAPClient(host, port=..., ssl=..., ...)` does."""

# What a broken connection looks like: socket and TLS errors are OSErrors, imaplib's abort
# is a connection it gave up on, and its plain error is a command the server refused, which
# a fresh connection (with the folders re-created) can fix.
CONNECTION_ERRORS: tuple[type[BaseException], ...] = (OSError, IMAPClientAbortError, IMAPClientError)


@dataclass(frozen=True)
class ImapSettings:
    """Where the intake mailbox is and how to read it.

    Give `password` or `token_provider` (a callable returning a fresh OAuth access token, for
    XOAUTH2; it wins when both are given). `security` is "ssl" (implicit TLS, usually port 993), "starttls" or
    "none" (usually port 143). `ca_file` verifies a server whose certificate no public CA
    signed. Times are in seconds; `idle_renew_s` stays under the ~10 minutes after which
    many servers drop a silent IDLE.
    """

    host: str
    port: int
    user: str
    password: str | None = field(default=None, repr=False)
    token_provider: Callable[[], str] | None = field(default=None, repr=False)
    security: Security = "ssl"
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    quarantine_folder: str = "Quarantine"
    ca_file: str | None = None
    timeout_s: float = 60.0
    idle_renew_s: float = 540.0
    batch_size: int = 50
    max_attempts: int = 5
    backoff_initial_s: float = 1.0
    backoff_max_s: float = 60.0

    def __post_init__(self) -> None:
        if self.password is None and self.token_provider is None:
            raise ValueError("IMAP settings need a password or a token provider")
        if self.security not in ("ssl", "starttls", "none"):
            raise ValueError(f"IMAP security must be ssl, starttls or none, not {self.security!r}")
        if self.batch_size < 1 or self.max_attempts < 1 or min(self.timeout_s, self.idle_renew_s) <= 0:
            raise ValueError("IMAP batch size, attempts, timeout and IDLE renewal must be positive")


class ImapConnection:
    """A logged-in IMAP session with the settings' folder selected, re-established on demand."""

    def __init__(
        self,
        settings: ImapSettings,
        client_factory: ClientFactory = IMAPClient,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._settings = settings
        self._factory = client_factory
        self._sleep = sleep
        self._random = random.SystemRandom()
        self._client: Any = None
        self.uidvalidity = 0
        """UIDVALIDITY of the selected folder as of the last (re)selection."""
        self.known_folders: set[str] = set()
        """Folders seen to exist on this connection; emptied with every reconnect."""

    def run(self, what: str, operation: Callable[[Any], T]) -> T:
        """Call `operation(client)` on a ready connection, reconnecting on connection errors.

        Raises `MailboxUnavailable` when the login is refused, the certificate cannot be
        verified, or `max_attempts` attempts all failed.
        """
        settings = self._settings
        for attempt in range(1, settings.max_attempts + 1):
            try:
                return operation(self._ready())
            except LoginError as error:
                self.drop()
                raise MailboxUnavailable(
                    f"the IMAP server {settings.host}:{settings.port} refused the login for "
                    f"{settings.user} ({_server_text(error)})"
                ) from None
            except ssl.SSLCertVerificationError as error:
                self.drop()
                raise MailboxUnavailable(
                    f"the certificate of the IMAP server {settings.host}:{settings.port} "
                    f"could not be verified: {error.verify_message}"
                ) from None
            except CONNECTION_ERRORS as error:
                self.drop()
                problem = f"{type(error).__name__}: {_server_text(error)}"
                if attempt == settings.max_attempts:
                    raise MailboxUnavailable(
                        f"the IMAP server {settings.host}:{settings.port} failed {what} "
                        f"{attempt} times; last: {problem}"
                    ) from None
                delay = self._backoff(attempt)
                log.warning(
                    "IMAP %s on %s:%d failed (attempt %d of %d): %s; reconnecting in %.2f s",
                    what, settings.host, settings.port, attempt, settings.max_attempts, problem, delay,
                )
                self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def holds_client(self) -> bool:
        """Whether a connection is open (it may still turn out to be broken when used)."""
        return self._client is not None

    def drop(self) -> None:
        """Forget the connection without a word to the server (it is broken or unwanted)."""
        client, self._client = self._client, None
        self.known_folders.clear()
        if client is not None:
            try:
                client.shutdown()
            except CONNECTION_ERRORS as error:
                log.debug("closing a broken IMAP connection: %s", error)

    def close(self) -> None:
        """Log out politely if connected; never raises for a connection already gone."""
        client, self._client = self._client, None
        self.known_folders.clear()
        if client is None:
            return
        try:
            client.logout()
        except CONNECTION_ERRORS as error:
            log.debug("IMAP logout failed, closing the socket: %s", error)
            try:
                client.shutdown()
            except CONNECTION_ERRORS:
                log.debug("the IMAP socket was already closed")

    def _backoff(self, attempt: int) -> float:
        # Exponential, capped, with half of it random so that several desks restarted by one
        # server outage do not all knock again at the same moment.
        ceiling = min(self._settings.backoff_max_s, self._settings.backoff_initial_s * 2.0 ** (attempt - 1))
        return ceiling / 2 + self._random.uniform(0, ceiling / 2)

    def _ready(self) -> Any:
        if self._client is None:
            client = self._connect()
            try:
                self._login(client)
                selected = client.select_folder(self._settings.folder)
            except BaseException:
                client.shutdown()
                raise
            self.uidvalidity = int(selected[b"UIDVALIDITY"])
            self._client = client
        return self._client

    def _connect(self) -> Any:
        settings = self._settings
        context = ssl.create_default_context(cafile=settings.ca_file)
        implicit_tls = settings.security == "ssl"
        client = self._factory(
            settings.host,
            port=settings.port,
            ssl=implicit_tls,
            ssl_context=context if implicit_tls else None,
            timeout=settings.timeout_s,
        )
        if settings.security == "starttls":
            try:
                client.starttls(context)
            except BaseException:
                client.shutdown()
                raise
        return client

    def _login(self, client: Any) -> None:
        settings = self._settings
        if settings.token_provider is not None:
            client.oauth2_login(settings.user, settings.token_provider())
        else:
            client.login(settings.user, settings.password)


def _server_text(error: BaseException) -> str:
    # imaplib's errors carry the server's bytes, which str() shows as b'...'.
    text = str(error)
    if len(text) >= 3 and text[0] == "b" and text[1] in "'\"" and text[-1] == text[1]:
        text = text[2:-1]
    return text
