"""The application fee for a program and tier: base plus a rate per kW on a stated basis."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cases.money import to_cents
from cases.parties import Facility, Program
from cases.rules.schema import FeeRule, RuleSet
from cases.rules.tiers import kw, nameplate_kw


@dataclass(frozen=True)
class FeeDecision:
    """`amount_usd` None means no rule sets the fee: the coordinator must set it."""

    amount_usd: Decimal | None
    explanation: str


def _basis_kw(rule: FeeRule, facility: Facility) -> float | None:
    # The same fallback as the tier decision: the other nameplate when this one is not stated.
    if rule.kw_basis == "export":
        return facility.export_kw
    return nameplate_kw(facility, "ac" if rule.kw_basis == "nameplate_ac" else "dc")


def decide_fee(rules: RuleSet, program: Program, tier: int | None, facility: Facility) -> FeeDecision:
    """The fee due in US dollars, rounded to the cent, with how it was computed."""
    if tier is None:
        return FeeDecision(None, "no fee until the tier is decided")
    rule = next((r for r in rules.fees.get(program, ()) if r.tier == tier), None)
    if rule is None or rule.base_usd is None or rule.per_kw_usd is None:
        cite = f" ({rule.citation})" if rule else ""
        return FeeDecision(None, f"no fee set by rule for Tier {tier}: the coordinator sets it{cite}")
    base, rate = Decimal(str(rule.base_usd)), Decimal(str(rule.per_kw_usd))
    if rate == 0:
        text = "no fee" if base == 0 else f"${base:,.2f}"
        return FeeDecision(to_cents(base), f"{text} for Tier {tier}: {rule.citation}")
    size = _basis_kw(rule, facility)
    if size is None:
        return FeeDecision(None, f"the fee needs the {rule.kw_basis.replace('_', ' ')} kW, which is not stated")
    amount = to_cents(base + rate * Decimal(str(size)))
    return FeeDecision(
        amount,
        f"${base:,.0f} + ${rate:,.0f}/kW × {kw(size)} kW = ${amount:,.2f} for Tier {tier}: {rule.citation}",
    )
