"""Which review tier an application gets, and why, citing the rule behind every reason.

Tiers are tried in the order of the rule file; the first whose criteria all hold wins. A
criterion that cannot be checked because the application is silent (no export capacity, no
UL 1741 statement) does not fail the tier: the tier is kept as provisional and the reason
says what to confirm, because the completeness check asks the applicant for that value.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from cases.parties import CustomerClass, Facility, Program
from cases.rules.schema import Criterion, ProgramLimit, ProgramTiers, Quantity, RuleSet


class Outcome(Enum):
    """How one criterion came out: held, failed, or could not be checked."""

    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TierDecision:
    """The tier (None when none applies or it cannot be decided yet) and the cited reasons."""

    tier: int | None
    eligible: bool
    reasons: tuple[str, ...]
    flags: tuple[str, ...] = ()
    provisional: bool = False


def kw(value: float) -> str:
    """A power for people: 7.6 → "7.6", 150.0 → "150"."""
    return f"{value:g}"


def nameplate_kw(facility: Facility, basis: str) -> float | None:
    """The nameplate the rules compare against (kW), on the program's basis, else the other."""
    first, second = (
        (facility.nameplate_kw_ac, facility.nameplate_kw_dc)
        if basis == "ac"
        else (facility.nameplate_kw_dc, facility.nameplate_kw_ac)
    )
    return first if first is not None else second


def _check(criterion: Criterion, facility: Facility, nameplate: float, export: float) -> tuple[Outcome, str]:
    cite = criterion.citation
    if criterion.test == "max":
        value, name = (
            (nameplate, "nameplate") if criterion.quantity == Quantity.NAMEPLATE_KW else (export, "export")
        )
        limit = criterion.limit_kw or 0.0
        if value <= limit:
            return Outcome.PASS, f"{name} {kw(value)} kW <= {kw(limit)} kW: {cite}"
        return Outcome.FAIL, f"{name} {kw(value)} kW > {kw(limit)} kW: {cite}"
    if criterion.test == "non_exporting":
        if export == 0:
            return Outcome.PASS, f"non-exporting (export 0 kW): {cite}"
        return Outcome.FAIL, f"exports {kw(export)} kW (only non-exporting facilities): {cite}"
    flag, said, denied = {
        "inverter_based": (facility.inverter_based, "inverter-based", "not inverter-based"),
        "ul1741": (facility.inverter_ul1741, "UL 1741 listed inverter", "inverter not UL 1741 listed"),
    }[criterion.test]
    if flag is None:
        return Outcome.UNKNOWN, f"to confirm: {said} (not stated on the application): {cite}"
    return (Outcome.PASS, f"{said}: {cite}") if flag else (Outcome.FAIL, f"{denied}: {cite}")


def _limit_for(program: ProgramTiers, customer_class: CustomerClass) -> ProgramLimit | None:
    for limit in program.limits:
        if limit.customer_class in (customer_class, "any"):
            return limit
    return None


def _program_limit(
    program: Program, rules: ProgramTiers, customer_class: CustomerClass, nameplate: float
) -> tuple[str | None, str | None]:
    """(reason the facility is too large, flag for the coordinator), either may be None."""
    limit = _limit_for(rules, customer_class)
    if limit is None:
        return None, None
    who = "" if limit.customer_class == "any" else f" for {limit.customer_class.replace('_', '-')} customers"
    if nameplate > limit.max_kw:
        hint = "; larger facilities apply as small generators (OAR 860-082)" if program == Program.NET_METERING else ""
        return (
            (f"nameplate {kw(nameplate)} kW > {kw(limit.max_kw)} kW {program.value.replace('_', ' ')} "
            f"limit{who}: {limit.citation}{hint}"),
            None,
        )
    if limit.flag_above_kw is not None and nameplate > limit.flag_above_kw:
        return None, (
            f"customer class not stated and nameplate {kw(nameplate)} kW > {kw(limit.flag_above_kw)} kW "
            f"residential limit: confirm the customer is non-residential ({limit.citation})"
        )
    return None, None


def decide_tier(
    rules: RuleSet, program: Program, customer_class: CustomerClass, facility: Facility
) -> TierDecision:
    """The tier for an application, with one cited reason per criterion that decided it."""
    program_rules = rules.tiers[program]
    nameplate = nameplate_kw(facility, program_rules.nameplate_basis)
    if nameplate is None:
        return TierDecision(None, True, ("nameplate rating not stated: the tier is decided once it is known",))
    too_large, flag = _program_limit(program, program_rules, customer_class, nameplate)
    if too_large:
        return TierDecision(None, False, (too_large,))
    reasons: list[str] = []
    export = facility.export_kw
    if export is None:
        export = nameplate
        reasons.append(f"export capacity not stated: taken as the nameplate, {kw(nameplate)} kW")
    for tier in program_rules.tiers:
        results = [_check(c, facility, nameplate, export) for c in tier.criteria]
        failed = [text for outcome, text in results if outcome == Outcome.FAIL]
        if failed:
            reasons.append(f"not Tier {tier.tier}: {failed[0]}")
            continue
        reasons.extend(f"Tier {tier.tier}: {text}" for _, text in results)
        provisional = any(outcome == Outcome.UNKNOWN for outcome, _ in results)
        return TierDecision(tier.tier, True, tuple(reasons), (flag,) if flag else (), provisional)
    return TierDecision(None, False, tuple(reasons), (flag,) if flag else ())
