"""Pytest fixtures for the mail servers: a Dovecot for the session, a fresh IMAP account per
test, and an SMTP sink per test. Loaded as a plugin (`pytest_plugins`) so that only the tests
that ask for them start anything."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from servers.dovecot import DovecotServer
from servers.smtp_sink import SmtpSink


@dataclass(frozen=True)
class ImapAccount:
    """A mailbox of its own on the test Dovecot, and where to reach it."""

    address: str
    password: str
    host: str
    port: int
    """The plain IMAP port (STARTTLS offered)."""
    ssl_port: int
    """The IMAPS port (TLS from the first byte)."""
    ca_file: str
    """The server's self-signed certificate, to verify TLS with."""


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[DovecotServer]:
    """One Dovecot on loopback for the session, started the first time a test asks for it.

    Never skipped: if it cannot start, the tests that need it fail with the reason.
    """
    server = DovecotServer()
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def imap_account(dovecot_server: DovecotServer) -> ImapAccount:
    """A new user with an empty INBOX, Processed and Quarantine."""
    # A test that stopped the server (to see the client cope) must not break the next one.
    dovecot_server.start()
    address = f"intake-{uuid.uuid4().hex[:12]}@example.test"
    password = uuid.uuid4().hex
    dovecot_server.add_user(address, password)
    return ImapAccount(
        address=address,
        password=password,
        host=dovecot_server.host,
        port=dovecot_server.port,
        ssl_port=dovecot_server.ssl_port,
        ca_file=str(dovecot_server.ca_file),
    )


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """An SMTP server on loopback that keeps what it receives; stopped after the test."""
    sink = SmtpSink()
    sink.start()
    try:
        yield sink
    finally:
        sink.stop()
