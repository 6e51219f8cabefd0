"""Which clocks a milestone starts or stops, and when a started clock is due."""

from __future__ import annotations

from datetime import date

from cases.calendar import BusinessCalendar
from cases.parties import Program
from cases.rules.schema import ClockRule, Milestone, RouteRule, RuleSet, applies_to


def clocks_started_by(rules: RuleSet, milestone: Milestone, program: Program, tier: int | None) -> list[ClockRule]:
    """The clock rules that start when `milestone` happens to a case of this program and tier."""
    return [c for c in rules.clocks if c.starts_on == milestone and applies_to(c.programs, c.tiers, program, tier)]


def routes_opened_by(rules: RuleSet, milestone: Milestone, program: Program, tier: int | None) -> list[RouteRule]:
    """The task routes that open when `milestone` happens (their `when` condition not yet checked)."""
    return [r for r in rules.routing if r.opens_on == milestone and applies_to(r.programs, r.tiers, program, tier)]


def due_date(calendar: BusinessCalendar, rule: ClockRule, anchor: date) -> date:
    """Day N after the anchor day (excluded), in business or calendar days as the rule says."""
    if rule.unit == "calendar":
        return calendar.add_calendar_days(anchor, rule.days)
    return calendar.add_business_days(anchor, rule.days)


def clock_rule(rules: RuleSet, name: str) -> ClockRule | None:
    """The rule of the clock called `name` in `rules`, if it has one."""
    return next((c for c in rules.clocks if c.name == name), None)
