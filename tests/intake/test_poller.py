"""The mailbox loop outlives an outage: a pass that fails is retried after a pause."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from intake import poller
from intake.context import Intake
from intake.mailbox import FetchedMessage, MailboxUnavailable


class FlakyMailbox:
    """Refuses the first `failures` passes, then has nothing new."""

    name = "flaky"

    def __init__(self, failures: int, stop: threading.Event) -> None:
        self.failures = failures
        self.passes = 0
        self.stop = stop

    def fetch_new(self, batch_size: int = 50) -> Iterator[FetchedMessage]:
        self.passes += 1
        if self.passes <= self.failures:
            raise ConnectionError("the IMAP server is down")
        self.stop.set()
        return iter(())

    def mark_processed(self, message: FetchedMessage) -> None:
        raise AssertionError("nothing to mark")

    def quarantine(self, message: FetchedMessage) -> None:
        raise AssertionError("nothing to quarantine")

    def wait_for_new(self, timeout_s: float) -> bool:
        return False

    def close(self) -> None:
        """Nothing to release."""


def test_a_failing_pass_is_retried_instead_of_ending_the_loop(intake: Intake,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(poller, "_FIRST_RETRY_S", 0.01)
    stop = threading.Event()
    mailbox = FlakyMailbox(failures=3, stop=stop)
    poller.run_forever(intake, mailbox, None, stop, wait_s=0.01)
    assert mailbox.passes == 4


class RefusingMailbox(FlakyMailbox):
    """Refuses the login from the start."""

    def fetch_new(self, batch_size: int = 50) -> Iterator[FetchedMessage]:
        raise MailboxUnavailable("the IMAP server refused the login for intake@example.test")


def test_a_refused_login_at_start_up_ends_the_loop_with_the_reason(intake: Intake) -> None:
    stop = threading.Event()
    with pytest.raises(MailboxUnavailable, match="refused the login"):
        poller.run_forever(intake, RefusingMailbox(failures=0, stop=stop), None, stop, wait_s=0.01)
