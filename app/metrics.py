"""`/metrics` in Prometheus's text format.

Most numbers are read from the database when Prometheus scrapes, not counted in memory: the
message log (messages by outcome), the outbox (depth, oldest age, failing items and retries per
channel) and the clocks (lapses). So the bot, intake and scheduler processes of one deployment
all report the same truth, a restart loses nothing, and nothing inside intake, the bot or the
scheduler has to count. Parse time is the exception: it is not stored, so the intake process
measures it where the composition hands the parser to intake (`timed_parse`)."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.exc import SQLAlchemyError

from app.bootstrap import Desk
from cases.persistence.operations import lapsed_clocks, messages_by_outcome, outbox_backlog

log = logging.getLogger(__name__)

T = TypeVar("T")

# A form-field PDF parses in tens of milliseconds, a scan needing OCR in seconds per page.
PARSE_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@functools.cache
def parse_seconds() -> Histogram:
    """The process's parse-time histogram, made on first use and registered nowhere yet."""
    return Histogram("icdesk_parse_seconds", "Time to parse one application PDF (seconds)",
                     buckets=PARSE_BUCKETS, registry=None)


def timed_parse(parse: Callable[[bytes], T]) -> Callable[[bytes], T]:
    """`parse`, observed in the parse-time histogram (failed parses too: they cost time)."""

    @functools.wraps(parse)
    def timed(pdf: bytes) -> T:
        started = time.perf_counter()
        try:
            return parse(pdf)
        finally:
            parse_seconds().observe(time.perf_counter() - started)

    return timed


class DeskCollector(Collector):
    """The database's numbers, read at scrape time."""

    def __init__(self, desk: Desk) -> None:
        self._desk = desk

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("icdesk_database_up", "Whether the database answered this scrape (1) or not (0)")
        try:
            metrics = list(self._read())
        except (SQLAlchemyError, OSError) as error:
            log.warning("metrics: the database did not answer: %s", error)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from metrics

    def _read(self) -> Iterator[Metric]:
        engine = self._desk.engine
        processed = CounterMetricFamily("icdesk_messages_processed", "Inbound messages handled, by outcome",
                                        labels=["outcome"])
        for outcome, count in sorted(messages_by_outcome(engine).items()):
            processed.add_metric([outcome], count)
        yield processed
        lapses = CounterMetricFamily("icdesk_clock_lapses", "Regulatory clocks that lapsed, by clock",
                                     labels=["clock"])
        for clock, count in sorted(lapsed_clocks(engine).items()):
            lapses.add_metric([clock], count)
        yield lapses
        yield from self._outbox()

    def _outbox(self) -> Iterator[Metric]:
        now = self._desk.now()
        depth = GaugeMetricFamily("icdesk_outbox_depth", "Notifications not delivered yet", labels=["channel"])
        age = GaugeMetricFamily("icdesk_outbox_oldest_age_seconds",
                                "Age of the oldest undelivered notification (0 when none)", labels=["channel"])
        failing = GaugeMetricFamily("icdesk_delivery_failing",
                                    "Undelivered notifications whose last attempt failed (channel slack: Slack API "
                                    "errors; email: SMTP errors)", labels=["channel"])
        retries = CounterMetricFamily("icdesk_delivery_retries",
                                      "Delivery attempts that followed a failed one, by channel", labels=["channel"])
        for channel, backlog in outbox_backlog(self._desk.engine).items():
            label = [channel.value]
            depth.add_metric(label, backlog.depth)
            age.add_metric(label, 0.0 if backlog.oldest is None else max(0.0, (now - backlog.oldest).total_seconds()))
            failing.add_metric(label, backlog.failing)
            retries.add_metric(label, backlog.retries)
        yield from (depth, age, failing, retries)


def metrics_registry(desk: Desk) -> CollectorRegistry:
    """What one serving process exposes: the database's numbers and its own parse times."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DeskCollector(desk))
    registry.register(parse_seconds())
    return registry
