"""Delivering what the outbox holds: each item once, in order per case, retried with
backoff while a channel is down. Items are claimed with a lease so that two processes do
not send the same item; one that was sent but whose delivery was not recorded (a crash in
between) is sent again after the lease, with the same Message-ID, so a mail client shows it
once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cases.messaging import Channel, OutboxItem
from cases.ports import DeliveryFailed, NotificationSender, UnitOfWork

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
# Refusals (an address no server takes, a channel that does not exist) before an item is set
# aside: a few, in case the refusal was a passing misconfiguration that someone fixes.
REFUSALS_BEFORE_SETTING_ASIDE = 3
# Items claimed at a time. A process killed in the middle of a delivery run leaves what it had
# claimed and not yet recorded leased until LEASE ends: a few items, not the whole run's limit.
CLAIM_BATCH = 10


def retry_delay(attempts: int, asked_s: float | None = None) -> timedelta:
    """How long to wait before attempt `attempts + 1`: what the other side asked, else
    30 s doubling per attempt, at most an hour."""
    if asked_s is not None:
        return timedelta(seconds=max(1.0, asked_s))
    return timedelta(seconds=min(30 * 2 ** max(0, attempts - 1), 3600))


@dataclass
class DeliveryReport:
    """What one delivery run sent and what it will retry."""

    delivered: list[OutboxItem] = field(default_factory=list)
    failed: list[tuple[OutboxItem, str]] = field(default_factory=list)


@dataclass(frozen=True)
class _Attempt:
    ok: bool
    error: str = ""
    asked_s: float | None = None
    refused: bool = False


def _attempt(item: OutboxItem, sender: NotificationSender | None) -> _Attempt:
    if sender is None:
        return _Attempt(False, f"no sender is configured for {item.channel.value}")
    try:
        sender.send(item)
    except DeliveryFailed as failure:
        return _Attempt(False, str(failure), failure.retry_after_s, failure.refused)
    except Exception as error:
        log.exception("delivering outbox item %s failed unexpectedly", item.key)
        return _Attempt(False, f"unexpected error: {error}")
    return _Attempt(True)


def deliver_outbox(
    uow: UnitOfWork, senders: Mapping[Channel, NotificationSender], now: Callable[[], datetime],
    limit: int = 200,
) -> DeliveryReport:
    """Deliver due items until none is left or `limit` were tried. Only the channels that
    have a sender are claimed: the others wait for a process that can deliver them."""
    report = DeliveryReport()
    while len(report.delivered) + len(report.failed) < limit:
        started = now()
        with uow:
            left = limit - len(report.delivered) - len(report.failed)
            items = uow.outbox.claim_due(started, started + LEASE, min(left, CLAIM_BATCH), channels=tuple(senders))
            uow.commit()
        if not items:
            break
        for item in items:
            attempt = _attempt(item, senders.get(item.channel))
            with uow:
                if attempt.ok:
                    uow.outbox.mark_delivered(item.id or 0, now())
                    report.delivered.append(item)
                elif attempt.refused and item.attempts + 1 >= REFUSALS_BEFORE_SETTING_ASIDE:
                    uow.outbox.abandon(item.id or 0, attempt.error, now())
                    report.failed.append((item, attempt.error))
                    log.error("outbox item %s set aside after %d refusals: %s (see `icdesk outbox failed`)",
                              item.key, item.attempts + 1, attempt.error)
                else:
                    retry_at = now() + retry_delay(item.attempts + 1, attempt.asked_s)
                    uow.outbox.mark_failed(item.id or 0, attempt.error, retry_at)
                    report.failed.append((item, attempt.error))
                    log.warning("outbox item %s not delivered (attempt %d): %s; retry at %s",
                                item.key, item.attempts + 1, attempt.error, retry_at.isoformat())
                uow.commit()
    return report
