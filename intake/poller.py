"""Passes over the mailbox: each message through `process_message`, then marked in the
mailbox only after its commit; a failure of ours leaves the message for the next pass."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from cases.messaging import Channel, Outcome
from cases.services.outbox import DeliveryReport
from intake.context import Intake, Result
from intake.lookahead import ParseLane
from intake.mailbox import FetchedMessage, Mailbox, MailboxUnavailable
from intake.process import process_message

log = logging.getLogger(__name__)

# How often a waiting loop checks whether it was asked to stop.
_STOP_CHECK_S = 5.0
# After a failed pass (the server down, the network gone), wait this long, doubling up to
# the longest, rather than give up: the adapter's own reconnects cover short outages.
_FIRST_RETRY_S = 5.0
_LONGEST_RETRY_S = 300.0


@dataclass
class PassSummary:
    outcomes: Counter[Outcome] = field(default_factory=Counter)
    results: list[Result] = field(default_factory=list)
    duplicates: int = 0
    errors: int = 0
    delivered: int = 0
    posted: int = 0
    undelivered: int = 0

    def line(self) -> str:
        """One line for people and cron mails: what this pass did."""
        count = len(self.results) + self.errors
        o = self.outcomes
        supplements = o[Outcome.SUPPLEMENT] + o[Outcome.INSPECTION] + o[Outcome.PAYMENT_REFERENCE]
        parts = [
            f"{o[Outcome.NEW_CASE]} new case{'s' if o[Outcome.NEW_CASE] != 1 else ''}",
            f"{supplements} supplement{'s' if supplements != 1 else ''}",
            f"{o[Outcome.QUESTION]} question{'s' if o[Outcome.QUESTION] != 1 else ''}",
            f"{o[Outcome.IGNORED] + o[Outcome.NO_CASE]} ignored or unmatched",
            f"{o[Outcome.QUARANTINED] + o[Outcome.OVERSIZE]} quarantined",
        ]
        tail = f"; {self.duplicates} already done" if self.duplicates else ""
        tail += f"; {self.errors} failed and will be retried" if self.errors else ""
        sent = f"; sent {self.delivered} e-mail{'s' if self.delivered != 1 else ''}"
        sent += f", posted {self.posted} to team channels" if self.posted else ""
        sent += f" ({self.undelivered} to retry)" if self.undelivered else ""
        return f"processed {count} message{'s' if count != 1 else ''}: {', '.join(parts)}{tail}{sent}"


def _handle(intake: Intake, mailbox: Mailbox, fetched: FetchedMessage, summary: PassSummary) -> None:
    try:
        result = process_message(intake, fetched)
    except Exception:
        log.exception("message %s in %s could not be processed; it stays in the mailbox", fetched.key, mailbox.name)
        summary.errors += 1
        return
    summary.results.append(result)
    if result.duplicate:
        summary.duplicates += 1
    else:
        summary.outcomes[result.outcome] += 1
    try:
        if result.quarantine:
            mailbox.quarantine(fetched)
        else:
            mailbox.mark_processed(fetched)
    except Exception:
        log.exception("message %s was processed but could not be moved in %s", fetched.key, mailbox.name)


def run_once(intake: Intake, mailbox: Mailbox, deliver: Callable[[], DeliveryReport] | None = None,
             batch_size: int = 50) -> PassSummary:
    """One pass over everything waiting, then deliver what the pass queued.

    Messages are processed one at a time in mailbox order; the PDFs of the next one are
    parsed meanwhile (see `intake.lookahead` for why and within which bounds).
    """
    summary = PassSummary()
    with ParseLane(intake) as lane:
        for fetched, following in _with_next(mailbox.fetch_new(batch_size)):
            parse_pdf = lane.parser_for(fetched, following)
            _handle(replace(intake, parse_pdf=parse_pdf), mailbox, fetched, summary)
    if deliver is not None:
        report = deliver()
        summary.delivered = sum(1 for item in report.delivered if item.channel == Channel.EMAIL)
        summary.posted = len(report.delivered) - summary.delivered
        summary.undelivered = len(report.failed)
    return summary


def _with_next(messages: Iterator[FetchedMessage]) -> Iterator[tuple[FetchedMessage, FetchedMessage | None]]:
    """Each message with the one after it (None for the last). When fetching the next one
    fails, the message in hand is still handed over first, as a plain loop would have."""
    current = next(messages, None)
    while current is not None:
        try:
            following = next(messages, None)
        except Exception:
            yield current, None
            raise
        yield current, following
        current = following


def run_forever(intake: Intake, mailbox: Mailbox, deliver: Callable[[], DeliveryReport] | None,
                stop: threading.Event, wait_s: float = 60.0, on_pass: Callable[[PassSummary], None] | None = None,
                ) -> None:
    """Pass after pass until `stop` is set, waiting for new mail (IDLE or polling) between."""
    retry_s, worked = _FIRST_RETRY_S, False
    while not stop.is_set():
        try:
            summary = run_once(intake, mailbox, deliver)
        except MailboxUnavailable:
            if not worked:
                raise  # wrong settings at start-up: say so at once, in one line
            log.warning("%s is unavailable; trying again in %.0f s", mailbox.name, retry_s)
            stop.wait(retry_s)
            retry_s = min(retry_s * 2, _LONGEST_RETRY_S)
            continue
        except Exception:
            # A long-running desk outlives a network outage: log it, pause, try again.
            log.exception("the pass over %s failed; trying again in %.0f s", mailbox.name, retry_s)
            stop.wait(retry_s)
            retry_s = min(retry_s * 2, _LONGEST_RETRY_S)
            continue
        retry_s, worked = _FIRST_RETRY_S, True
        if on_pass is not None and (summary.results or summary.errors):
            on_pass(summary)
        _wait(mailbox, stop, wait_s)


def _wait(mailbox: Mailbox, stop: threading.Event, wait_s: float) -> None:
    """Wait for new mail in short slices, so a stop request is honoured within seconds
    rather than at the end of a long IDLE."""
    waited = 0.0
    while waited < wait_s and not stop.is_set():
        step = min(_STOP_CHECK_S, wait_s - waited)
        if mailbox.wait_for_new(step):
            return
        waited += step
