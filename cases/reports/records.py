"""The frozen records the reports are built from, read straight from the tables by
`cases.persistence.report_read_model` (no case is loaded whole, so 100,000 cases stay fast)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class RunningClock:
    """A clock still counting on an open case (running, or running to an agreed later date)."""

    name: str
    title: str
    citation: str
    due_on: date
    status: str


@dataclass(frozen=True)
class OpenTask:
    """An open team task on a case; `assignee` None means nobody has taken it."""

    team: str
    title: str
    assignee: str | None
    due_on: date | None


@dataclass(frozen=True)
class QueueEntry:
    """One case as the queue export shows it; powers in kW, money in US dollars.

    `stage_changed_at` is the last "stage changed" event of the log (None if it never moved).
    """

    number: str
    customer: str | None
    address: str | None
    city: str | None
    zip: str | None
    program: str
    tier: int | None
    nameplate_kw_ac: float | None
    export_kw: float | None
    stage: str
    received_at: datetime
    stage_changed_at: datetime | None
    clocks: tuple[RunningClock, ...]
    tasks: tuple[OpenTask, ...]
    fee_due_usd: Decimal | None
    fee_paid_usd: Decimal


@dataclass(frozen=True)
class ClockOutcome:
    """A clock that stopped (met or lapsed) or runs on an agreed extension, with the case it is on.

    `outcome` is what the event log says happened when it lapsed (None when not lapsed or the log
    says nothing); `original_due_on` is set when the due date was extended by agreement.
    """

    number: str
    customer: str | None
    program: str
    tier: int | None
    name: str
    title: str
    citation: str
    started_on: date
    due_on: date
    original_due_on: date | None
    stopped_on: date | None
    status: str
    outcome: str | None


@dataclass(frozen=True)
class LogEntry:
    """The part of an audit-log event the reports interpret (lapse outcomes, stage dates)."""

    at: datetime
    action: str
    changes: dict[str, object]
    note: str | None


@dataclass(frozen=True)
class CaseReceipt:
    """When a case arrived, under which program, and where it is now (for the charts)."""

    received_at: datetime
    program: str
    stage: str


@dataclass(frozen=True)
class AnnualCase:
    """A case as the annual reports count it (OAR 860-082-0065, 860-039-0070).

    `decision` is the stage the decision moved the case to (approved, approved_with_conditions,
    denied) and `in_service_on` the Pacific date the meter was installed or exchanged, both from
    the event log. `telemetry_task` is the status of the metering team's telemetry design task
    (None when no such task was opened); `equipment` lists the purchase orders of the case.
    """

    number: str
    program: str
    tier: int | None
    customer: str | None
    facility_type: str | None
    nameplate_kw_ac: float | None
    nameplate_kw_dc: float | None
    address: str | None
    city: str | None
    zip: str | None
    stage: str
    received_at: datetime
    deemed_complete_at: datetime | None
    decided_at: datetime | None
    decision: str | None
    decision_reasons: tuple[str, ...]
    in_service_on: date | None
    telemetry_task: str | None
    equipment: tuple[str, ...]
