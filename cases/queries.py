"""Read-side views of a case: small frozen records for status answers, listings and the
`case show --json` contract. Built from a loaded case by `case_view`; the database side of
the read path lives in `cases.persistence.read_model`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from cases.calendar import BusinessCalendar
from cases.case import Case
from cases.desk_queries import CaseIndexEntry, ClockDue, PeriodFacts, TaskDue
from cases.parties import as_dict


@dataclass(frozen=True)
class ClockView:
    """A clock as status answers show it; `business_days_left` is None once it stopped."""

    name: str
    title: str
    citation: str
    started_on: date
    due_on: date
    status: str
    verified: bool
    business_days_left: int | None


@dataclass(frozen=True)
class TaskView:
    """A team task as listings show it."""

    team: str
    kind: str
    title: str
    status: str
    assignee: str | None
    due_on: date | None


@dataclass(frozen=True)
class EventView:
    """One entry of the audit log."""

    at: datetime
    actor: str
    action: str
    changes: dict[str, Any]
    note: str | None


@dataclass(frozen=True)
class DocumentView:
    """A received document; `received_on` is the Pacific date."""

    kind: str
    filename: str
    sha256: str
    size_bytes: int
    received_on: date


@dataclass(frozen=True)
class CaseView:
    """Everything the read side shows about a case, frozen."""

    number: str
    program: str
    customer_class: str
    tier: int | None
    tier_reasons: tuple[str, ...]
    eligible: bool
    stage: str
    complete: bool
    missing: tuple[str, ...]
    flags: tuple[str, ...]
    fee_due_usd: Decimal | None
    fee_paid_usd: Decimal
    received_at: datetime
    rule_version: str
    applicant: dict[str, Any]
    site: dict[str, Any]
    installer: dict[str, Any]
    facility: dict[str, Any]
    clocks: tuple[ClockView, ...]
    tasks: tuple[TaskView, ...]
    events: tuple[EventView, ...]
    documents: tuple[DocumentView, ...]
    message_ids: tuple[str, ...]
    notes: tuple[str, ...]
    issues: tuple[dict[str, Any], ...]


class CaseReader(Protocol):
    """The read path the edges use (implemented over the database in `persistence`)."""

    def get(self, number: str) -> CaseView:
        """The view of one case; raises `CaseNotFound`."""

    def list_cases(self, *, stage: str | None = None, tier: int | None = None,
                   overdue_on: date | None = None) -> list[CaseView]:
        """Cases in number order, filtered by stage, tier, or overdue on a day."""

    def search_issues(self, text: str) -> list[IssueView]:
        """Customer issues whose text or resolution mentions `text`, across all cases."""


def case_view(case: Case, calendar: BusinessCalendar, today: date) -> CaseView:
    """The read-side record of `case`, with business days left counted from `today`."""
    return CaseView(
        number=case.number, program=case.program.value, customer_class=case.customer_class.value,
        tier=case.tier, tier_reasons=tuple(case.tier_reasons), eligible=case.eligible,
        stage=case.stage.value, complete=case.complete, missing=tuple(case.missing),
        flags=tuple(case.flags), fee_due_usd=case.fee_due_usd, fee_paid_usd=case.fee_paid_usd,
        received_at=case.received_at, rule_version=case.rule_version,
        applicant=as_dict(case.applicant), site=as_dict(case.site),
        installer=as_dict(case.installer), facility=as_dict(case.facility),
        clocks=tuple(
            ClockView(c.name, c.title, c.citation, c.started_on, c.due_on, c.status.value, c.verified,
                      calendar.business_days_between(today, c.due_on) if c.active else None)
            for c in case.clocks
        ),
        tasks=tuple(TaskView(t.team.value, t.kind, t.title, t.status.value, t.assignee, t.due_on)
                    for t in case.tasks),
        events=tuple(EventView(e.at, e.actor, e.action, dict(e.changes), e.note) for e in case.events),
        documents=tuple(
            DocumentView(d.kind, d.filename, d.sha256, d.size_bytes, calendar.local_date(d.received_at))
            for d in case.documents
        ),
        message_ids=tuple(m.message_id for m in case.messages),
        notes=tuple(f"{n.author}: {n.text}" for n in case.notes),
        issues=tuple(
            {"text": i.text, "opened_by": i.opened_by, "resolution": i.resolution,
             "resolved_by": i.resolved_by}
            for i in case.issues
        ),
    )


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _clock_json(clock: ClockView) -> dict[str, Any]:
    return {"name": clock.name, "title": clock.title, "citation": clock.citation,
            "started_on": clock.started_on.isoformat(), "due_on": clock.due_on.isoformat(),
            "status": clock.status, "verified": clock.verified}


def _task_json(task: TaskView) -> dict[str, Any]:
    return {"team": task.team, "kind": task.kind, "title": task.title, "status": task.status,
            "assignee": task.assignee, "due_on": task.due_on.isoformat() if task.due_on else None}


def to_contract(view: CaseView, calendar: BusinessCalendar) -> dict[str, Any]:
    """The JSON object of `icdesk case show --json` (the contract other tools rely on)."""
    return {
        "number": view.number, "program": view.program, "customer_class": view.customer_class,
        "tier": view.tier, "tier_reasons": list(view.tier_reasons), "eligible": view.eligible,
        "stage": view.stage, "complete": view.complete, "missing": list(view.missing), "flags": list(view.flags),
        "fee_due_usd": _money(view.fee_due_usd), "fee_paid_usd": _money(view.fee_paid_usd),
        "received_at": view.received_at.astimezone(calendar.zone).isoformat(), "rule_version": view.rule_version,
        "clocks": [_clock_json(c) for c in view.clocks],
        "tasks": [_task_json(t) for t in view.tasks],
        "events": [{"at": e.at.astimezone(calendar.zone).isoformat(), "actor": e.actor, "action": e.action,
                    "changes": e.changes, "note": e.note} for e in view.events],
        "applicant": view.applicant, "site": view.site, "installer": view.installer, "facility": view.facility,
        "documents": [{"kind": d.kind, "filename": d.filename, "sha256": d.sha256,
                       "received_on": d.received_on.isoformat()} for d in view.documents],
        "message_ids": list(view.message_ids), "notes": list(view.notes), "issues": list(view.issues),
    }


@dataclass(frozen=True)
class IssueView:
    """A customer issue found by a search, with the case it belongs to."""

    number: str
    index: int
    text: str
    opened_at: datetime
    opened_by: str
    resolution: str | None


class DeskReader(CaseReader, Protocol):
    """The read side the bot and the digests use, beyond single cases."""

    def index(self, *, open_only: bool = True) -> list[CaseIndexEntry]:
        """Number, name, address and account of cases, to search by."""

    def index_matching(self, words: list[str], *, limit: int = 500) -> list[CaseIndexEntry]:
        """Cases whose name, address, city or account contains any of `words` (case-blind),
        at most `limit`: the candidates a fuzzy search then ranks."""

    def open_tasks(self, *, team: str | None = None, assignee: str | None = None, due_before: date | None = None,
                   due_from: date | None = None) -> list[TaskDue]:
        """Open tasks of open cases, soonest due first; with `due_before` or `due_from` only
        the dated ones due in [due_from, due_before)."""

    def running_clocks(self, *, due_before: date | None = None, due_from: date | None = None) -> list[ClockDue]:
        """Running or extended clocks of open cases due in [due_from, due_before), soonest first."""

    def received_between(self, start: date, end: date) -> int:
        """How many applications arrived in [start, end) (Pacific dates)."""

    def period(self, start: date, end: date) -> PeriodFacts:
        """The figures of [start, end) (Pacific dates) and the open queue now."""
