"""What an application still lacks: required fields, required documents, and the fee.

Returns human-readable items, in the order of the rule file, as they appear in the
acknowledgement ("a one-line diagram showing …").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from cases.parties import Applicant, Facility, Installer, Program, Site
from cases.rules.schema import FieldRequirement, RuleSet


@dataclass(frozen=True)
class ApplicationFacts:
    """What completeness looks at, gathered from the case."""

    program: Program
    tier: int | None
    applicant: Applicant
    site: Site
    installer: Installer
    facility: Facility
    signed: bool
    document_kinds: frozenset[str]
    fee_due_usd: Decimal | None
    fee_paid_usd: Decimal


def _present(requirement: FieldRequirement, facts: ApplicationFacts) -> bool:
    group, name = requirement.field.split(".", 1)
    if requirement.field == "applicant.contact":
        return bool(facts.applicant.email or facts.applicant.phone)
    if requirement.field == "facility.nameplate_kw":
        return facts.facility.nameplate_kw_ac is not None or facts.facility.nameplate_kw_dc is not None
    if requirement.field == "signature.signed":
        return facts.signed
    source = {"applicant": facts.applicant, "site": facts.site,
              "installer": facts.installer, "facility": facts.facility}.get(group)
    value = getattr(source, name, None)
    return value not in (None, "")


def _applies(programs: Iterable[Program], tiers: Iterable[int] | None, facts: ApplicationFacts) -> bool:
    if facts.program not in programs:
        return False
    return tiers is None or (facts.tier is not None and facts.tier in tiers)


def missing_items(rules: RuleSet, facts: ApplicationFacts) -> list[str]:
    """Everything the applicant still has to supply, empty when the application is complete."""
    spec = rules.completeness
    missing = []
    for requirement in spec.fields:
        if not _applies(requirement.programs, requirement.tiers, facts):
            continue
        if requirement.inverter_only and facts.facility.inverter_based is False:
            continue
        if not _present(requirement, facts):
            missing.append(requirement.label)
    for document in spec.documents:
        if _applies(document.programs, document.tiers, facts) and document.kind not in facts.document_kinds:
            missing.append(document.label)
    if facts.fee_due_usd is not None and facts.fee_paid_usd < facts.fee_due_usd:
        balance = facts.fee_due_usd - facts.fee_paid_usd
        missing.append(f"the application fee: ${balance:,.2f} outstanding of ${facts.fee_due_usd:,.2f}")
    return missing
