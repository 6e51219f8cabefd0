"""The commands that change a case. Each checks the caller's role (in the registry), calls
one service, and answers with the updated card or a one-line confirmation; every change is
in the case's event log under the Slack user who made it."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from bot.commands import REGISTRY, card
from bot.content import Content, Notice
from bot.core import BotDeps, Caller, Role
from bot.lookup import as_case_number
from bot.masking import mask
from cases import services
from cases.entities import MeetingKind
from cases.errors import InvalidInput
from cases.money import parse_dollars
from cases.stages import parse_stage

COORDINATION = frozenset({Role.COORDINATOR, Role.MANAGER})
TEAMS = frozenset({Role.COORDINATOR, Role.MANAGER, Role.PROTECTION, Role.METERING, Role.BILLING})
_MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|[^>]*)?>$")
_MEETINGS = {"site visit": MeetingKind.SITE_VISIT, "witness test": MeetingKind.WITNESS_TEST,
             "review meeting": MeetingKind.REVIEW_MEETING, "scoping meeting": MeetingKind.SCOPING_MEETING,
             "options meeting": MeetingKind.OPTIONS_MEETING}


def _number(args: list[str], usage: str) -> str:
    number = as_case_number(args[0]) if args else None
    if number is None:
        raise InvalidInput(f"start with the case number: `{usage}`")
    return number


def _need(args: list[str], count: int, usage: str) -> None:
    if len(args) < count:
        raise InvalidInput(f"not enough to go on: `{usage}`")


def _person(text: str, caller: Caller) -> str:
    if text.lower() == "me":
        return caller.user_id
    mention = _MENTION.match(text)
    return mention.group(1) if mention else text.lstrip("@")


def _own_teams(caller: Caller) -> frozenset[str] | None:
    """The teams whose tasks the caller may take or finish: any (None) for coordinators and
    managers, else the caller's own."""
    return None if caller.roles & COORDINATION else frozenset(role.value for role in caller.roles)


@REGISTRY.command("assign", usage="assign <case> <@user|me> [task]", summary="give a case's task to someone",
                  example="assign IC-2026-00042 me review_application", roles=TEAMS)
def assign(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    usage = "assign <case> <@user|me> [task]"
    number = _number(args, usage)
    _need(args, 2, usage)
    who = _person(args[1], caller)
    teams = _own_teams(caller)
    if teams is not None and who != caller.user_id:
        raise InvalidInput("you may take a task of your team (`assign <case> me <task>`); "
                           "a coordinator or a manager gives tasks to others")
    task = args[2] if len(args) > 2 else "1"
    services.assign_task(deps.unit_of_work(), number, task, who, deps.now(), caller.actor, teams=teams)
    return Notice(f"{number}: task {task} assigned to <@{who}>.")


@REGISTRY.command("done", usage="done <case> <task>", summary="mark a task done (by its number or kind)",
                  example="done IC-2026-00042 screening_review", roles=TEAMS)
def done(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    usage = "done <case> <task>"
    number = _number(args, usage)
    _need(args, 2, usage)
    moved = services.complete_task(deps.unit_of_work(), deps.book, number, args[1], deps.now(), caller.actor,
                                   teams=_own_teams(caller))
    return Notice(f"{number}: {args[1]} done" + (f"; the case moved to {moved.label}." if moved else "."))


@REGISTRY.command("advance", usage="advance <case> <stage> [why]", summary="move a case to another stage",
                  example="advance IC-2026-00042 approved screens passed", roles=COORDINATION)
def advance(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    usage = "advance <case> <stage> [why]"
    number = _number(args, usage)
    _need(args, 2, usage)
    target = parse_stage(args[1])
    note = " ".join(args[2:]) or None
    services.advance_stage(deps.unit_of_work(), deps.book, number, target, deps.now(), caller.actor, note)
    return card(number, caller, deps)


@REGISTRY.command("pay", usage="pay <case> <amount> <reference>", summary="record a fee payment",
                  example="pay IC-2026-00042 200 check 4471", roles=frozenset({Role.BILLING, Role.COORDINATOR}))
def pay(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    usage = "pay <case> <amount> <reference>"
    number = _number(args, usage)
    _need(args, 3, usage)
    amount, reference = parse_dollars(args[1]), " ".join(args[2:])
    result = services.record_payment(deps.unit_of_work(), deps.book, number, amount, reference, deps.now(),
                                     caller.actor)
    due = "no fee set" if result.fee_due_usd is None else f"fee ${result.fee_due_usd:,.2f}"
    tail = f" — {result.discrepancy}" if result.discrepancy else ""
    return Notice(f"{number}: payment recorded ({due}, paid ${result.fee_paid_usd:,.2f}){tail}.",
                  ok=result.discrepancy is None)


@REGISTRY.command("note", usage="note <case> <text>", summary="add a note to a case",
                  example="note IC-2026-00042 called the installer", roles=TEAMS)
def note(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    number = _number(args, "note <case> <text>")
    services.add_note(deps.unit_of_work(), number, " ".join(args[1:]), deps.now(), caller.actor)
    return Notice(f"{number}: note added.")


@REGISTRY.command("issue", usage="issue <case> <text>", summary="log something the customer raised",
                  example="issue IC-2026-00042 asks whether batteries change the tier", roles=TEAMS)
def issue(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    number = _number(args, "issue <case> <text>")
    index = services.log_issue(deps.unit_of_work(), number, " ".join(args[1:]), deps.now(), caller.actor)
    return Notice(f"{number}: issue #{index} logged.")


@REGISTRY.command("resolve", usage="resolve <case> <issue number> <how>", summary="record how an issue was resolved",
                  example="resolve IC-2026-00042 1 explained the true-up", roles=TEAMS)
def resolve(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    usage = "resolve <case> <issue number> <how>"
    number = _number(args, usage)
    _need(args, 3, usage)
    if not args[1].lstrip("#").isdigit():
        raise InvalidInput(f"the issue number comes second: `{usage}`")
    services.resolve_issue(deps.unit_of_work(), number, int(args[1].lstrip("#")), " ".join(args[2:]), deps.now(),
                           caller.actor)
    return Notice(f"{number}: issue #{args[1].lstrip('#')} resolved.")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{text!r} is not a date like 2026-12-15") from None


@REGISTRY.command("extend", usage="extend <case> <clock> <YYYY-MM-DD> <who agreed>",
                  summary="extend a clock by agreement (OAR 860-082-0010)",
                  example="extend IC-2026-00042 nm_cure_missing_info 2026-12-15 Marcus Bell by phone",
                  roles=COORDINATION)
def extend(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    usage = "extend <case> <clock> <YYYY-MM-DD> <who agreed>"
    number = _number(args, usage)
    _need(args, 4, usage)
    new_due = _date(args[2])
    before = services.extend_clock(deps.unit_of_work(), number, args[1], new_due, " ".join(args[3:]), deps.now(),
                                   caller.actor)
    return Notice(f"{number}: {args[1]} due {before.isoformat()} → {new_due.isoformat()}.")


def _meeting(words: list[str]) -> tuple[MeetingKind, list[str]]:
    for phrase, kind in _MEETINGS.items():
        size = len(phrase.split())
        if " ".join(words[:size]).lower() == phrase:
            return kind, words[size:]
    raise InvalidInput(f"say what to schedule: {', '.join(_MEETINGS)}")


@REGISTRY.command("schedule", usage="schedule <case> <site visit|witness test|review meeting> <YYYY-MM-DD> [HH:MM]",
                  summary="put a site visit, witness test or meeting on a case",
                  example="schedule IC-2026-00042 witness test 2026-12-03 10:00", roles=COORDINATION)
def schedule(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    usage = "schedule <case> <site visit|witness test|review meeting> <YYYY-MM-DD> [HH:MM]"
    number = _number(args, usage)
    kind, rest = _meeting(args[1:])
    _need(rest, 1, usage)
    try:
        clock_time = time.fromisoformat(rest[1]) if len(rest) > 1 else time(9, 0)
    except ValueError:
        raise InvalidInput(f"{rest[1]!r} is not a time like 10:00") from None
    starts_at = datetime.combine(_date(rest[0]), clock_time, deps.book.calendar.zone)
    done = services.schedule_meeting(deps.unit_of_work(), deps.book, number, kind, starts_at, None, [], deps.now(),
                                     caller.actor)
    what = kind.value.replace("_", " ")
    moved = "moved to" if done.sequence else "on"
    # The year only when it is not this one: it is where a mistyped date shows.
    year = f", {starts_at.year}" if starts_at.year != deps.book.calendar.local_date(deps.now()).year else ""
    when = f"{number}: {what} {moved} {starts_at:%A %B} {starts_at.day}{year} at {starts_at:%H:%M} {starts_at:%Z}."
    if done.invited is None:
        return Notice(f"{when} The invitation could not be sent: {done.not_invited_because}.")
    # Installer addresses are business contacts and shown; a customer's is masked where others read.
    address = done.invited.email if done.invited.role == "installer" or caller.sees_unmasked \
        else mask(done.invited.email)
    update = "An updated invitation" if done.sequence else "An invitation"
    return Notice(f"{when} {update} goes to the {done.invited.role} at {address}, "
                  "with a reminder the business day before.")


@REGISTRY.command("notice", usage="notice <case>",
                  summary="record that the completeness notice (the list of what is missing) went to the applicant",
                  example="notice IC-2026-00042", roles=COORDINATION)
def notice(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    number = _number(args, "notice <case>")
    missing = services.send_completeness_notice(deps.unit_of_work(), deps.book, number, deps.now(), caller.actor)
    if not missing:
        return Notice(f"{number}: notice recorded — the application is complete; the review clocks run.")
    return Notice(f"{number}: notice recorded; the cure period runs. Missing: {'; '.join(missing)}.")
