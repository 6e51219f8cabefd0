"""Read models for the desk's people: what to search by name or address, the open tasks and
running clocks, and a period's figures. Small frozen records, read straight from the tables
so that a status answer or a summary over 100,000 cases stays fast."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from cases.calendar import BusinessCalendar


@dataclass(frozen=True)
class CaseIndexEntry:
    """What a person may search a case by."""

    number: str
    name: str | None
    address: str | None
    city: str | None
    account_number: str | None
    stage: str


@dataclass(frozen=True)
class TaskDue:
    number: str
    name: str | None
    team: str
    kind: str
    title: str
    assignee: str | None
    due_on: date | None


@dataclass(frozen=True)
class ClockDue:
    number: str
    name: str | None
    clock: str
    title: str
    citation: str
    due_on: date
    status: str


@dataclass(frozen=True)
class CaseDates:
    """The dates a case passed its milestones, for medians (None when not yet)."""

    number: str
    program: str
    tier: int | None
    received_at: datetime
    deemed_complete_at: datetime | None
    decided_at: datetime | None


@dataclass(frozen=True)
class PeriodFacts:
    """The raw figures of a period [start, end) that a summary is made of."""

    received: int
    completed: int
    decided: int
    closed: int
    open_by_stage: dict[str, int]
    open_by_tier: dict[str, int]
    open_by_program: dict[str, int]
    clocks_by_status: dict[str, int]
    extended: int
    decided_cases: tuple[CaseDates, ...]


def median_days_to_decision(facts: PeriodFacts, calendar: BusinessCalendar) -> dict[int, int]:
    """Tier → the median business days from complete to decision of the period's decided cases."""
    spans: dict[int, list[int]] = {}
    for case in facts.decided_cases:
        if case.tier is not None and case.deemed_complete_at and case.decided_at:
            spans.setdefault(case.tier, []).append(calendar.business_days_between(
                calendar.local_date(case.deemed_complete_at), calendar.local_date(case.decided_at)))
    return {tier: round(median(days)) for tier, days in sorted(spans.items())}
