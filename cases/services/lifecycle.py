"""How a case reacts to what happens to it: milestones start and stop clocks and open tasks;
completeness is reassessed whenever something arrives; stages follow.

These helpers work on a loaded `Case` inside a unit of work; the public services in the
sibling modules open the transaction and call them.
"""

from __future__ import annotations

from datetime import datetime

from cases.case import Case
from cases.entities import Clock, Task, Team
from cases.errors import InvalidInput
from cases.parties import Program
from cases.rulebook import RuleBook
from cases.rules.completeness import ApplicationFacts, missing_items
from cases.rules.schema import Milestone, RouteRule
from cases.rules.timing import clock_rule, clocks_started_by, due_date, routes_opened_by
from cases.services.decisions import NOTIFIED, decision_notice
from cases.stages import DECIDED, Stage

# Who the event log names for what the desk does by itself.
DESK_ACTOR = "icdesk"

_NEEDS_REASONS = frozenset({Stage.APPROVED_WITH_CONDITIONS, Stage.DENIED})

# Milestones that are things the utility receives: they count from the next business day
# when they arrive after the cut-off or on a non-business day (calendar.receipt_day).
_RECEIPTS = frozenset({Milestone.RECEIVED, Milestone.COMPLETE, Milestone.OPTIONS_MEETING_REQUESTED})

STAGE_MILESTONES: dict[Stage, tuple[Milestone, ...]] = {
    Stage.COMPLETE: (Milestone.COMPLETE,),
    Stage.APPROVED: (Milestone.DECIDED, Milestone.APPROVED),
    Stage.APPROVED_WITH_CONDITIONS: (Milestone.DECIDED, Milestone.APPROVED),
    Stage.DENIED: (Milestone.DECIDED,),
    Stage.AGREEMENT_EXECUTED: (Milestone.AGREEMENT_EXECUTED,),
    Stage.LOCAL_INSPECTION_PASSED: (Milestone.LOCAL_INSPECTION_PASSED,),
    Stage.UTILITY_INSPECTION: (Milestone.UTILITY_INSPECTION,),
    Stage.METER_EXCHANGED: (Milestone.METER_EXCHANGED,),
    Stage.BILLING_ENROLLED: (Milestone.BILLING_ENROLLED,),
    Stage.WITHDRAWN: (Milestone.WITHDRAWN,),
    Stage.DEEMED_WITHDRAWN: (Milestone.WITHDRAWN,),
}


def _route_applies(route: RouteRule, case: Case) -> bool:
    if route.when == "fee_required":
        return case.fee_due_usd is None or case.fee_due_usd > 0
    if route.when == "telemetry":
        nameplate = case.facility.nameplate_kw_ac or case.facility.nameplate_kw_dc or 0.0
        return (case.tier or 0) >= 3 or nameplate >= 3000
    if route.when == "class_unknown_over_limit":
        return any(flag.startswith("customer class not stated") for flag in case.flags)
    return True


def reach(case: Case, book: RuleBook, milestone: Milestone, at: datetime, actor: str) -> None:
    """Record that `milestone` happened at `at`: stop the clocks it meets, start the clocks
    and open the tasks it triggers."""
    rules = book.rules_for(case)
    calendar = book.calendar
    day = calendar.local_date(at)
    if milestone == Milestone.WITHDRAWN:
        for clock in case.active_clocks():
            case.cancel_clock(clock, at, actor, "the case was withdrawn")
        return
    for clock in case.active_clocks():
        rule = clock_rule(rules, clock.name)
        if rule is not None and milestone in rule.met_by:
            case.stop_clock(clock, day, at, actor)
    for task in case.open_tasks():
        route = next((r for r in rules.routing if r.kind == task.kind), None)
        if route is not None and milestone in route.done_on:
            case.finish_task(task, at, actor)
    anchor = calendar.receipt_day(at) if milestone in _RECEIPTS else day
    running = {clock.name for clock in case.active_clocks()}
    for rule in clocks_started_by(rules, milestone, case.program, case.tier):
        if rule.name in running:
            continue
        clock = Clock(
            name=rule.name, title=rule.title, citation=rule.citation, started_on=anchor,
            due_on=due_date(calendar, rule, anchor), on_lapse=rule.on_lapse.value,
            verified=rule.verified,
        )
        case.start_clock(clock, at, actor)
    open_kinds = {task.kind for task in case.open_tasks()}
    for route in routes_opened_by(rules, milestone, case.program, case.tier):
        if route.kind in open_kinds or not _route_applies(route, case):
            continue
        due = calendar.add_business_days(day, route.due_business_days) if route.due_business_days else None
        task = Task(team=Team(route.team), kind=route.kind, title=route.title, opened_at=at,
                    due_on=due, advances_to=route.advances_to)
        case.open_task(task, actor)


def _check_move(case: Case, target: Stage, note: str | None) -> None:
    if target == Stage.COMPLETE and not case.complete:
        raise InvalidInput(
            f"{case.number} cannot be complete while something is missing: {'; '.join(case.missing)} "
            "(add the documents, record the payment, or correct the case first)")
    if target in _NEEDS_REASONS and not (note and note.strip()):
        raise InvalidInput(f"say why: a decision to {target.label} needs its reasons (OAR 860-082-0065)")


def _restart_review(case: Case, book: RuleBook, at: datetime, actor: str) -> None:
    """A complete case found incomplete again: the review clocks count afresh from the day
    it is complete again, so the ones already running are cancelled."""
    starts = {rule.name for rule in book.rules_for(case).clocks
              if rule.starts_on in (Milestone.COMPLETE, Milestone.COMPLETE_NOTICE_SENT)}
    for clock in case.active_clocks():
        if clock.name in starts:
            case.cancel_clock(clock, at, actor, "the application is incomplete again")
    case.change(at, actor, "no longer complete", deemed_complete_at=None)


def move(case: Case, book: RuleBook, target: Stage, at: datetime, actor: str, note: str | None = None) -> None:
    """Change stage, then apply the milestones the new stage stands for."""
    _check_move(case, target, note)
    leaving = case.stage
    case.move_to(target, at, actor, note)
    if leaving == Stage.COMPLETE and target == Stage.INCOMPLETE:
        _restart_review(case, book, at, actor)
    if target == Stage.COMPLETE:
        case.change(at, actor, "deemed complete", deemed_complete_at=at)
    if target in DECIDED:
        case.change(at, actor, "decision recorded", decided_at=at, decision_reasons=[note or target.label])
    if target in NOTIFIED and (notice := decision_notice(case, target, note or target.label, at)) is not None:
        case.notify(notice)
    for task in case.open_tasks():
        if task.advances_to == target.value:
            case.finish_task(task, at, actor)
    for milestone in STAGE_MILESTONES.get(target, ()):
        reach(case, book, milestone, at, actor)
    if not case.is_open:
        case.cancel_open_tasks(at, actor, f"case {target.label}")


def close_when_done(case: Case, book: RuleBook, at: datetime) -> None:
    """Close the case once the last step of the process is behind it and no task is left
    open: a net-metering generator once enrolled on billing, another once its meter is set.
    Called when a task is done; a coordinator moving a case by hand closes it by hand."""
    net_metering = case.program == Program.NET_METERING
    last = Stage.BILLING_ENROLLED if net_metering else Stage.METER_EXCHANGED
    if case.stage == last and not case.open_tasks():
        move(case, book, Stage.CLOSED, at, DESK_ACTOR,
             "nothing left to do: the generator is metered" + (" and billed" if net_metering else ""))


def facts_of(case: Case) -> ApplicationFacts:
    """What the completeness rules look at, taken from the case."""
    return ApplicationFacts(
        program=case.program, tier=case.tier, applicant=case.applicant, site=case.site,
        installer=case.installer, facility=case.facility, signed=case.signed,
        document_kinds=frozenset(d.kind for d in case.documents),
        fee_due_usd=case.fee_due_usd, fee_paid_usd=case.fee_paid_usd,
    )


def reassess(case: Case, book: RuleBook, at: datetime, actor: str) -> None:
    """Recompute what is missing; an application that just became complete moves on."""
    if not case.eligible:
        return
    case.change(at, actor, "completeness assessed", missing=missing_items(book.rules_for(case), facts_of(case)))
    if case.stage in (Stage.RECEIVED, Stage.INCOMPLETE):
        target = Stage.COMPLETE if case.complete else Stage.INCOMPLETE
        if target != case.stage:
            move(case, book, target, at, actor)
    elif case.stage == Stage.COMPLETE and not case.complete:
        move(case, book, Stage.INCOMPLETE, at, actor, "something required is missing again")
