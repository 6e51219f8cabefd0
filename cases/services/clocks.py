"""Agreed extensions, and the sweep that applies what the rules say when a clock lapses."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from cases.case import Case
from cases.entities import Clock
from cases.errors import DeskError
from cases.messaging import Channel, OutboxItem
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook
from cases.rules.schema import LapseOutcome
from cases.services.decisions import DEEMED
from cases.services.lifecycle import move
from cases.stages import Stage

log = logging.getLogger(__name__)


def extend_clock(
    uow: UnitOfWork, number: str, clock_name: str, new_due: date, agreed_by: str,
    at: datetime, actor: str, reason: str | None = None,
) -> date:
    """Move a clock's due date by agreement with the applicant (OAR 860-082-0010,
    860-039-0005); returns the previous due date. Queue position is unaffected."""
    with uow:
        case = uow.cases.get(number)
        clock = case.find_clock(clock_name)
        before = clock.due_on
        case.extend_clock(clock, new_due, agreed_by, reason, at, actor)
        uow.commit()
    return before


@dataclass(frozen=True)
class Lapse:
    """A clock that lapsed in a sweep and what was done about it."""

    number: str
    clock: str
    title: str
    citation: str
    due_on: date
    outcome: str
    stage_after: str


def _apply(case: Case, clock: Clock, book: RuleBook, at: datetime, actor: str) -> str:
    """Apply the rule's outcome for a lapsed clock; returns what happened, in words."""
    outcome = LapseOutcome(clock.on_lapse)
    reason = f"{clock.title} not done by {clock.due_on.isoformat()} ({clock.citation})"
    if outcome == LapseOutcome.DEEMED_APPROVED and case.stage in (Stage.COMPLETE, Stage.IN_REVIEW):
        if case.stage == Stage.COMPLETE:
            move(case, book, Stage.IN_REVIEW, at, actor)
        move(case, book, Stage.APPROVED, at, actor, f"{DEEMED}: {reason}")
        return DEEMED
    if outcome == LapseOutcome.DEEMED_WITHDRAWN and case.stage == Stage.INCOMPLETE:
        move(case, book, Stage.DEEMED_WITHDRAWN, at, actor, f"deemed withdrawn: {reason}")
        return "deemed withdrawn"
    case.record(at, actor, "escalated", note=f"lapsed: {reason}")
    return "escalated"


def _announce(case: Case, lapse: Lapse, at: datetime) -> None:
    """Tell the coordinators and the managers, in the same commit as the lapse: nobody should
    learn of a deemed outcome from the customer."""
    who = case.applicant.name or "the applicant"
    text = (f"{lapse.number} · {who}: {lapse.title} was due {lapse.due_on.isoformat()} ({lapse.citation}) "
            f"and lapsed: {lapse.outcome}.")
    for team in ("coordinator", "manager"):
        case.notify(OutboxItem(
            key=f"lapse:{lapse.number}:{lapse.clock}:{lapse.due_on.isoformat()}:{team}", channel=Channel.SLACK,
            recipient=f"team:{team}", case_number=lapse.number, created_at=at,
            payload={"kind": "lapse", "text": text, "case": lapse.number, "outcome": lapse.outcome},
        ))


def _lapse_due(case: Case, book: RuleBook, today: date, at: datetime, actor: str) -> list[Lapse]:
    lapses = []
    for clock in sorted(case.active_clocks(), key=lambda c: c.due_on):
        if clock.due_on >= today or not clock.active:
            continue
        case.lapse_clock(clock, at, actor)
        outcome = _apply(case, clock, book, at, actor)
        lapse = Lapse(case.number, clock.name, clock.title, clock.citation, clock.due_on, outcome,
                      case.stage.value)
        _announce(case, lapse, at)
        lapses.append(lapse)
    return lapses


def sweep_clocks(uow: UnitOfWork, book: RuleBook, today: date, at: datetime, actor: str = "icdesk",
                 batch: int = 100) -> list[Lapse]:
    """Lapse every clock due before `today` and apply its outcome. Cases are handled a
    batch per transaction (one load, one commit); when a batch fails, its cases are retried
    one per transaction so that one case's trouble does not hold up the others. Running it
    again finds nothing."""
    with uow:
        numbers = uow.cases.numbers_with_clocks_due_before(today)
    lapses: list[Lapse] = []
    for start in range(0, len(numbers), batch):
        chunk = numbers[start:start + batch]
        try:
            with uow:
                found = [lapse for case in uow.cases.get_many(chunk)
                         for lapse in _lapse_due(case, book, today, at, actor)]
                uow.commit()
            lapses.extend(found)
        except DeskError:
            lapses.extend(_one_by_one(uow, book, chunk, today, at, actor))
    return lapses


def _one_by_one(uow: UnitOfWork, book: RuleBook, numbers: list[str], today: date, at: datetime,
                actor: str) -> list[Lapse]:
    lapses = []
    for number in numbers:
        try:
            with uow:
                found = _lapse_due(uow.cases.get(number), book, today, at, actor)
                uow.commit()
            lapses.extend(found)
        except DeskError:
            log.exception("the clocks of %s could not be swept; the next sweep tries again", number)
    return lapses
