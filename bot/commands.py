"""The commands people ask the desk for its state: status, mine, queue, overdue, due, summary.
The commands that change a case are in `bot.actions`; both register on `REGISTRY`."""

from __future__ import annotations

from datetime import date, timedelta

from bot.content import CaseCard, Content, Listing, Notice, PickList, Row
from bot.core import EVERYONE, STAFF, BotDeps, Caller, Role
from bot.lookup import as_case_number, find_cases, is_sure
from bot.registry import Registry
from bot.summary import summarise
from cases.desk_queries import CaseIndexEntry, ClockDue, TaskDue
from cases.queries import DeskReader

REGISTRY = Registry()
_TEAMS = ("coordinator", "protection", "metering", "billing")


def _reader(deps: BotDeps) -> DeskReader:
    return deps.reader()


def card(number: str, caller: Caller, deps: BotDeps) -> CaseCard:
    """The case card of `number`, masked unless only a coordinator or manager will see it."""
    today = deps.book.calendar.local_date(deps.now())
    return CaseCard(deps.reader().get(number), masked=not caller.sees_unmasked, today=today)


@REGISTRY.command("status", usage="status <case number | address | name | account>",
                  summary="a case's card: stage, tier, what is missing, clocks, tasks",
                  example="status 4417 williams", roles=EVERYONE)
def status(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    query = " ".join(args).strip()
    if not query:
        return Notice("Which case? e.g. `status IC-2026-00042` or `status 4417 williams`.", ok=False)
    number = as_case_number(query)
    if number:
        return card(number, caller, deps)
    matches = find_cases(query, _candidates(deps, query))
    if not matches:
        return Notice(f"No case matches “{query}”. Try a case number, an address or the customer's name.", ok=False)
    if is_sure(matches):
        return card(matches[0].number, caller, deps)
    return PickList(query, tuple(matches))


def _candidates(deps: BotDeps, query: str) -> list[CaseIndexEntry]:
    """The cases worth ranking: those sharing a distinctive word with the query (a house
    number, a street or family name), found by the database rather than by reading them all."""
    words = [w for w in query.replace(",", " ").split() if len(w) >= 3 or w.isdigit()]
    distinctive = sorted(words, key=lambda w: (not w[0].isdigit(), -len(w)))[:2]
    return _reader(deps).index_matching(distinctive) or _reader(deps).index(open_only=False)


def _today(deps: BotDeps) -> date:
    return deps.book.calendar.local_date(deps.now())


def _late(deps: BotDeps, due: date | None) -> int:
    today = _today(deps)
    if due is None or due >= today:
        return 0
    return deps.book.calendar.business_days_between(due, today)


def _task_rows(deps: BotDeps, tasks: list[TaskDue]) -> tuple[Row, ...]:
    return tuple(Row(t.number, t.name, f"{t.team} · {t.title}", t.due_on, t.assignee, _late(deps, t.due_on))
                 for t in tasks)


def _clock_rows(deps: BotDeps, clocks: list[ClockDue]) -> tuple[Row, ...]:
    return tuple(Row(c.number, c.name, f"{c.title} ({c.citation})", c.due_on, None, _late(deps, c.due_on))
                 for c in clocks)


@REGISTRY.command("mine", usage="mine", summary="the open tasks assigned to you",
                  example="mine", roles=EVERYONE)
def mine(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    rows = _task_rows(deps, _reader(deps).open_tasks(assignee=caller.user_id))
    return Listing("Your open tasks", rows, empty="Nothing is assigned to you.")


@REGISTRY.command("queue", usage="queue [coordinator|protection|metering|billing]",
                  summary="a team's open tasks, soonest due first", example="queue protection", roles=STAFF)
def queue(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    team = args[0].lower() if args else next((r.value for r in caller.roles if r.value in _TEAMS), "coordinator")
    if team not in _TEAMS:
        return Notice(f"Teams are {', '.join(_TEAMS)}; `{team}` is not one of them.", ok=False)
    rows = _task_rows(deps, _reader(deps).open_tasks(team=team))
    return Listing(f"Open tasks · {team}", rows, empty=f"The {team} queue is empty.")


@REGISTRY.command("overdue", usage="overdue", summary="clocks and tasks past their due date, and with whom",
                  example="overdue", roles=STAFF)
def overdue(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    today = _today(deps)
    reader = _reader(deps)
    rows = (_clock_rows(deps, reader.running_clocks(due_before=today))
            + _task_rows(deps, reader.open_tasks(due_before=today)))
    return Listing("Overdue", rows, empty="Nothing is overdue.")


@REGISTRY.command("due", usage="due [today|this week]", summary="clocks and tasks due soon",
                  example="due this week", roles=STAFF)
def due(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    today = _today(deps)
    span = " ".join(args).lower() or "this week"
    if span not in ("today", "this week", "week"):
        return Notice("Say `due today` or `due this week`.", ok=False)
    until = today + timedelta(days=1) if span == "today" else today + timedelta(days=7 - today.weekday())
    reader = _reader(deps)
    clocks = reader.running_clocks(due_from=today, due_before=until)
    tasks = reader.open_tasks(due_from=today, due_before=until)
    label = "today" if span == "today" else "this week"
    rows = _clock_rows(deps, clocks) + _task_rows(deps, tasks)
    return Listing(f"Due {label}", rows, empty=f"Nothing is due {label}.")


@REGISTRY.command("summary", usage="summary [week|month]",
                  summary="the queue in figures: received, complete, decided, clocks met and lapsed",
                  example="summary month", roles=frozenset({Role.MANAGER, Role.COORDINATOR}))
def summary(args: list[str], caller: Caller, deps: BotDeps) -> Content:
    period = args[0].lower() if args else "week"
    if period not in ("week", "month"):
        return Notice("Say `summary week` or `summary month`.", ok=False)
    return summarise(_reader(deps), deps, period)
