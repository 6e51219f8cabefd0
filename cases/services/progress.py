"""Moving a case along: stage changes, completeness notices, and team tasks."""

from __future__ import annotations

from datetime import datetime

from cases.entities import Task, TaskStatus
from cases.errors import InvalidInput
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook
from cases.rules.schema import Milestone
from cases.services.lifecycle import close_when_done, move, reach
from cases.stages import Stage, reached

_NOTICE_STAGES = frozenset({Stage.RECEIVED, Stage.INCOMPLETE, Stage.COMPLETE})


def advance_stage(
    uow: UnitOfWork, book: RuleBook, number: str, target: Stage, at: datetime, actor: str,
    note: str | None = None,
) -> Stage:
    """Move the case to `target` (if the process allows it) and return the stage it left."""
    with uow:
        case = uow.cases.get(number)
        before = case.stage
        move(case, book, target, at, actor, note)
        uow.commit()
    return before


def send_completeness_notice(uow: UnitOfWork, book: RuleBook, number: str, at: datetime, actor: str) -> list[str]:
    """Record that the completeness notice went out (listing what is missing, if anything).

    Returns the missing items the notice listed. The notice meets the acknowledgement clock
    and starts the cure period, or the review clocks when the application is complete.
    """
    with uow:
        case = uow.cases.get(number)
        if case.stage not in _NOTICE_STAGES or not case.eligible:
            raise InvalidInput(f"{number} is {case.stage.label}: its completeness notice is no longer due")
        milestone = Milestone.MISSING_LIST_SENT if case.missing else Milestone.COMPLETE_NOTICE_SENT
        case.record(at, actor, "completeness notice sent", note="; ".join(case.missing) or "complete")
        reach(case, book, milestone, at, actor)
        uow.commit()
        return list(case.missing)


def record_milestone(
    uow: UnitOfWork, book: RuleBook, number: str, milestone: Milestone, at: datetime, actor: str,
) -> None:
    """Record a milestone that is not a stage (an agreement tendered, a meeting requested)."""
    with uow:
        case = uow.cases.get(number)
        if not case.is_open:
            raise InvalidInput(f"{number} is {case.stage.label}: nothing more happens on it")
        case.record(at, actor, f"milestone: {milestone.value.replace('_', ' ')}")
        reach(case, book, milestone, at, actor)
        uow.commit()


def assign_task(uow: UnitOfWork, number: str, task_ref: str, assignee: str, at: datetime, actor: str,
                *, teams: frozenset[str] | None = None) -> None:
    """Give a task (by its number on the case card, or its kind) to a person. With `teams`,
    only a task of one of those teams (None: any)."""
    with uow:
        case = uow.cases.get(number)
        task = case.find_task(task_ref)
        _check_team(number, task, teams, "takes it")
        case.assign_task(task, assignee, at, actor)
        uow.commit()


def _check_team(number: str, task: Task, teams: frozenset[str] | None, what: str) -> None:
    if teams is not None and task.team.value not in teams:
        raise InvalidInput(f"{number}: {task.kind} is the {task.team.value} team's task; "
                           f"someone on that team, a coordinator or a manager {what}")


def complete_task(
    uow: UnitOfWork, book: RuleBook, number: str, task_ref: str, at: datetime, actor: str,
    *, teams: frozenset[str] | None = None,
) -> Stage | None:
    """Mark a task done; a task that stands for a stage moves the case on, and the last task
    of a case whose work is done closes it. With `teams`, only a task of one of those teams
    may be marked done (None: any). Returns the new stage, or None when it did not change."""
    with uow:
        case = uow.cases.get(number)
        before = case.stage
        task = case.find_task(task_ref)
        _check_team(number, task, teams, "marks it done")
        target = Stage(task.advances_to) if task.advances_to else None
        if target is not None and case.is_open and not reached(case.stage, target):
            # Moving the case finishes the task that stands for the stage.
            move(case, book, target, at, actor, f"task {task.kind} done")
        if task.status == TaskStatus.OPEN:
            case.finish_task(task, at, actor)
        close_when_done(case, book, at)
        after = case.stage
        uow.commit()
    return after if after != before else None
