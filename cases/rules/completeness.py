"""What an application still lacks: required fields, required documents, and the fee.

Returns human-readable items, in the order of the rule file, as they appear in the
acknowledgement ("a one-line diagram showing …").
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cases.parties import Applicant, Facility, Installer, Program, Site
from cases.rules.schema import FieldRequirement, RuleSet, applies_to


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


def missing_items(rules: RuleSet, facts: ApplicationFacts) -> list[str]:
    """Everything the applicant still has to supply, empty when the application is complete."""
    spec = rules.completeness
    missing = []
    for requirement in spec.fields:
        if not applies_to(requirement.programs, requirement.tiers, facts.program, facts.tier):
            continue
        if requirement.inverter_only and facts.facility.inverter_based is False:
            continue
        if not _present(requirement, facts):
            missing.append(requirement.label)
    for document in spec.documents:
        required = applies_to(document.programs, document.tiers, facts.program, facts.tier)
        if required and document.kind not in facts.document_kinds:
            missing.append(document.label)
    if spec.fee_gate.applies:
        missing.extend(_fee_items(facts))
    return missing


def _fee_items(facts: ApplicationFacts) -> list[str]:
    """The fee is a completeness gate: unpaid, or not yet set where no rule sets it."""
    if facts.tier is None:
        return []
    if facts.fee_due_usd is None:
        return ["the application fee (the coordinator will tell you the amount)"]
    if facts.fee_paid_usd < facts.fee_due_usd:
        balance = facts.fee_due_usd - facts.fee_paid_usd
        return [f"the application fee: ${balance:,.2f} outstanding of ${facts.fee_due_usd:,.2f}"]
    return []
