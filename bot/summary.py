"""The manager's summary of a week or a month, from the period's figures."""

from __future__ import annotations

from datetime import date, timedelta

from bot.content import Count, Row, Summary
from bot.core import BotDeps
from cases.desk_queries import median_days_to_decision
from cases.queries import DeskReader

_STAGE_ORDER = ("received", "incomplete", "complete", "in_review", "approved", "approved_with_conditions",
                "denied", "agreement_executed", "construction", "local_inspection_passed", "utility_inspection",
                "meter_exchanged", "billing_enrolled")


def period_bounds(today: date, period: str) -> tuple[date, date, str]:
    """[start, end) of this week (from Monday) or this month, and its name."""
    if period == "month":
        start = today.replace(day=1)
        return start, today + timedelta(days=1), f"{start:%B %Y}"
    start = today - timedelta(days=today.weekday())
    return start, today + timedelta(days=1), f"week of {start:%B} {start.day}, {start.year}"


def summarise(reader: DeskReader, deps: BotDeps, period: str) -> Summary:
    """Counts, medians in business days, clock compliance and what is overdue."""
    calendar = deps.book.calendar
    today = calendar.local_date(deps.now())
    start, end, name = period_bounds(today, period)
    facts = reader.period(start, end)
    medians = [Count(f"complete → decision, Tier {tier}", days)
               for tier, days in median_days_to_decision(facts, calendar).items()]
    overdue = tuple(Row(c.number, c.name, c.title, c.due_on, None, calendar.business_days_between(c.due_on, today))
                    for c in reader.running_clocks(due_before=today))
    stages = sorted(facts.open_by_stage.items(), key=lambda kv: _STAGE_ORDER.index(kv[0])
                    if kv[0] in _STAGE_ORDER else 99)
    return Summary(
        period=name, received=facts.received, completed=facts.completed, decided=facts.decided,
        closed=facts.closed,
        by_stage=tuple(Count(stage.replace("_", " "), n) for stage, n in stages),
        by_tier=tuple(Count("no tier" if t == "None" else f"Tier {t}", n)
                      for t, n in sorted(facts.open_by_tier.items())),
        by_program=tuple(Count(p.replace("_", " "), n) for p, n in sorted(facts.open_by_program.items())),
        median_business_days=tuple(medians),
        clocks_met=facts.clocks_by_status.get("met", 0), clocks_lapsed=facts.clocks_by_status.get("lapsed", 0),
        clocks_extended=facts.extended, overdue=overdue,
    )
