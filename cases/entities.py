"""The parts of a case that have their own life: documents, tasks, clocks, payments, issues,
notes, purchase orders, meetings, message references and the event log.

They are plain mutable records; only `Case` (in `cases.case`) changes them, so that every
change lands in the event log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Team(StrEnum):
    """Who does a task: coordination, protection engineering, metering or billing."""

    COORDINATOR = "coordinator"
    PROTECTION = "protection"
    METERING = "metering"
    BILLING = "billing"


class TaskStatus(StrEnum):
    """Whether a task is still to do."""

    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ClockStatus(StrEnum):
    """running, met (in time), lapsed (late or never), extended (running to an agreed later date)."""

    RUNNING = "running"
    MET = "met"
    LAPSED = "lapsed"
    EXTENDED = "extended"


ACTIVE_CLOCK_STATUSES = frozenset({ClockStatus.RUNNING, ClockStatus.EXTENDED})


@dataclass(eq=False)
class Document:
    """A file received for the case; the bytes live in content-addressed storage, not here."""

    kind: str
    filename: str
    sha256: str
    size_bytes: int
    received_at: datetime
    message_id: str | None = None


@dataclass(eq=False)
class Task:
    """Work for a team on a case, with a due date (an internal target)."""

    team: Team
    kind: str
    title: str
    opened_at: datetime
    due_on: date | None = None
    status: TaskStatus = TaskStatus.OPEN
    assignee: str | None = None
    done_at: datetime | None = None
    done_by: str | None = None
    # Finishing some tasks is what moves the case on (the meter exchange, billing enrolment).
    advances_to: str | None = None


@dataclass(eq=False)
class Clock:
    """A regulatory or internal deadline counted from an anchor event (dates are Pacific)."""

    name: str
    title: str
    citation: str
    started_on: date
    due_on: date
    on_lapse: str
    verified: bool = True
    status: ClockStatus = ClockStatus.RUNNING
    stopped_on: date | None = None
    original_due_on: date | None = None
    extended_by: str | None = None
    extension_reason: str | None = None

    @property
    def active(self) -> bool:
        """Still counting: running, or running to an extended due date."""
        return self.status in ACTIVE_CLOCK_STATUSES


@dataclass(eq=False)
class Payment:
    """A fee payment as billing recorded it, in US dollars."""

    amount_usd: Decimal
    reference: str
    received_on: date
    recorded_by: str
    recorded_at: datetime


@dataclass(eq=False)
class CustomerIssue:
    """Something the customer raised (a question, a complaint) and how it was resolved."""

    text: str
    opened_at: datetime
    opened_by: str
    resolution: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None

    @property
    def open(self) -> bool:
        """Not resolved yet."""
        return self.resolved_at is None


@dataclass(eq=False)
class Note:
    """A free-text note by a person."""

    text: str
    author: str
    at: datetime


class PurchaseOrderStatus(StrEnum):
    """Where an equipment order stands."""

    REQUESTED = "requested"
    ORDERED = "ordered"
    RECEIVED = "received"
    INSTALLED = "installed"
    CANCELLED = "cancelled"


@dataclass(eq=False)
class PurchaseOrder:
    """Utility equipment the interconnection needs (a bidirectional meter, a transformer)."""

    equipment: str
    po_number: str | None
    status: PurchaseOrderStatus
    opened_at: datetime
    note: str | None = None


class MeetingKind(StrEnum):
    """The meetings and visits a case can need."""

    REVIEW_MEETING = "review_meeting"
    SITE_VISIT = "site_visit"
    WITNESS_TEST = "witness_test"
    OPTIONS_MEETING = "options_meeting"
    SCOPING_MEETING = "scoping_meeting"


@dataclass(eq=False)
class Meeting:
    """A scheduled meeting or site visit: when (aware time), where, who."""

    kind: MeetingKind
    starts_at: datetime
    location: str | None
    attendees: list[str] = field(default_factory=list)
    scheduled_by: str | None = None


@dataclass(eq=False)
class MessageRef:
    """An e-mail that opened or changed the case (inbound) or that we sent about it (outbound)."""

    message_id: str
    direction: str
    at: datetime


@dataclass(eq=False)
class Event:
    """One entry of the append-only audit log: who did what, when, and what it changed.

    `changes` maps a field name to `[before, after]` in JSON-friendly form.
    """

    at: datetime
    actor: str
    action: str
    changes: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
