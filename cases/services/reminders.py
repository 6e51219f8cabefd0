"""Reminders before a clock is due, and the daily digest: both queued in the outbox under
keys that make a second run a no-op, so a restart or a second process never sends twice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from cases.calendar import BusinessCalendar
from cases.desk_queries import ClockDue, PeriodFacts, TaskDue, median_days_to_decision
from cases.messaging import Channel, OutboxItem
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook

DIGEST_TEAMS = ("coordinator", "protection", "metering", "billing")


def queue_reminders(uow: UnitOfWork, book: RuleBook, clocks: Iterable[ClockDue], today: date, at: datetime,
                    days_before: Iterable[int] = (2, 0)) -> int:
    """Remind the coordinators of every running clock due in exactly N business days (N in
    `days_before`; 0 is the due day). Returns how many reminders were newly queued."""
    wanted = set(days_before)
    queued = 0
    with uow:
        for clock in clocks:
            left = book.calendar.business_days_between(today, clock.due_on)
            if left not in wanted or clock.due_on < today:
                continue
            when = "today" if left == 0 else f"in {left} business day{'s' if left != 1 else ''}"
            text = (f"{clock.number} · {clock.name or 'applicant'}: {clock.title} is due {when} "
                    f"({clock.due_on.isoformat()}, {clock.citation}).")
            queued += uow.outbox.add(OutboxItem(
                key=f"reminder:{clock.number}:{clock.clock}:{clock.due_on.isoformat()}:{left}",
                channel=Channel.SLACK, recipient="team:coordinator", case_number=clock.number, created_at=at,
                payload={"kind": "reminder", "text": text, "case": clock.number},
            ))
        uow.commit()
    return queued


def digest_text(team: str, today: date, tasks: list[TaskDue], clocks: list[ClockDue], arrived: int,
                end_of_week: date, set_aside: int = 0) -> str:
    """One team's morning digest: due today, due this week, overdue (and, for coordinators,
    the clocks, what arrived since yesterday, and the notifications set aside after refusals)."""
    mine = [t for t in tasks if t.team == team]
    overdue = [t for t in mine if t.due_on is not None and t.due_on < today]
    due_today = [t for t in mine if t.due_on == today]
    this_week = [t for t in mine if t.due_on is not None and today < t.due_on <= end_of_week]
    lines = [f"Interconnection desk · {team} · {today:%A, %B} {today.day}, {today.year}",
             f"Due today: {len(due_today)}   Due this week: {len(this_week)}   Overdue: {len(overdue)}"]
    lines += [f"  overdue: {t.number} {t.title} (due {t.due_on}, {'@' + t.assignee if t.assignee else 'unassigned'})"
              for t in overdue[:10]]
    if team == "coordinator":
        late = [c for c in clocks if c.due_on < today]
        soon = [c for c in clocks if today <= c.due_on <= end_of_week]
        lines.append(f"Arrived since the last business day: {arrived} · clocks due this week: {len(soon)} · "
                     f"lapsed and open: {len(late)}")
        lines += [f"  due {c.due_on}: {c.number} {c.title} ({c.citation})" for c in soon[:10]]
        if set_aside:
            lines.append(f"Not delivered, set aside after refusals: {set_aside} "
                         "(`icdesk outbox failed` says why; `icdesk outbox retry` sends them again)")
    return "\n".join(lines)


def digest_key(today: date, team: str) -> str:
    return f"digest:{today.isoformat()}:{team}"


def weekly_key(week_start: date) -> str:
    return f"weekly:{week_start.isoformat()}:manager"


def queue_digests(uow: UnitOfWork, texts: dict[str, str], today: date, at: datetime,
                  extras: Mapping[str, Mapping[str, Any]] | None = None) -> int:
    """Queue each team's digest for `today`, once. `extras` adds to a team's payload (the
    managers' chart figures), in the same item, so the text and its chart are delivered together."""
    queued = 0
    with uow:
        for team, text in texts.items():
            payload = {"kind": "digest", "text": text, **(extras or {}).get(team, {})}
            queued += uow.outbox.add(OutboxItem(
                key=digest_key(today, team), channel=Channel.SLACK, recipient=f"team:{team}",
                created_at=at, payload=payload,
            ))
        uow.commit()
    return queued


def weekly_summary_text(facts: PeriodFacts, start: date, end: date, calendar: BusinessCalendar) -> str:
    """The managers' summary of the week [start, end): what came in, what was decided and how
    long it took, and how the clocks fared."""
    last = end - timedelta(days=1)
    medians = " · ".join(f"Tier {tier} {days} business days"
                         for tier, days in median_days_to_decision(facts, calendar).items())
    lapsed, met = facts.clocks_by_status.get("lapsed", 0), facts.clocks_by_status.get("met", 0)
    return "\n".join([
        f"Interconnection desk · managers · the week of {start:%B} {start.day} to {last:%B} {last.day}, {last.year}",
        f"{facts.received} received · {facts.completed} complete · {facts.decided} decided · {facts.closed} closed",
        f"Complete to decision (median): {medians or 'no decisions'}",
        f"Clocks stopped: {met} met · {lapsed} lapsed · {facts.extended} extended",
    ])


def queue_weekly_summary(uow: UnitOfWork, text: str, week_start: date, at: datetime) -> int:
    """Queue the managers' summary of the week that began on `week_start`, once."""
    with uow:
        queued = uow.outbox.add(OutboxItem(
            key=weekly_key(week_start), channel=Channel.SLACK, recipient="team:manager",
            created_at=at, payload={"kind": "weekly_summary", "text": text},
        ))
        uow.commit()
    return int(queued)
