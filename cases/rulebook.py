"""The rule catalog and the business calendar together: what every service consults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cases.calendar import BusinessCalendar
from cases.case import Case
from cases.rules.catalog import RuleCatalog
from cases.rules.schema import RuleSet


@dataclass(frozen=True)
class RuleBook:
    """The rules (by version) and the calendar the services consult."""

    catalog: RuleCatalog
    calendar: BusinessCalendar

    def rules_for(self, case: Case) -> RuleSet:
        """The rule version the case was registered under (it keeps it for life)."""
        return self.catalog.version(case.rule_version)

    def rules_at(self, received_at: datetime) -> RuleSet:
        """The rule version in effect on the (Pacific) day of receipt."""
        return self.catalog.for_date(self.calendar.local_date(received_at))


def calendar_from_rules(catalog: RuleCatalog) -> BusinessCalendar:
    """The business calendar the catalog's `calendar.yaml` describes."""
    spec = catalog.calendar
    return BusinessCalendar(
        timezone=spec.timezone,
        country=spec.country,
        subdivision=spec.subdivision,
        closure_days=spec.closure_days,
        extra_holidays=spec.extra_holidays,
        receipt_cutoff=spec.receipt_cutoff,
    )
