"""Correcting a case: what the application says (a misread value, a confirmed customer
class), and the fee where no rule sets it. The tier, fee and completeness follow the
corrected facts while the application is not yet in review."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from cases.applications import application_from_contract
from cases.case import Case
from cases.errors import InvalidInput
from cases.money import parse_dollars
from cases.parties import as_dict
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook
from cases.rules.fees import decide_fee
from cases.rules.tiers import decide_tier
from cases.services.lifecycle import move, reassess
from cases.stages import Stage

_BEFORE_REVIEW = frozenset({Stage.RECEIVED, Stage.INCOMPLETE, Stage.COMPLETE})
_SECTIONS = {"applicant": "applicant", "site": "site", "installer": "installer", "facility": "generator"}


def _contract_of(case: Case) -> dict[str, Any]:
    return {
        "program": case.program.value, "customer_class": case.customer_class.value,
        "applicant": as_dict(case.applicant), "site": as_dict(case.site), "installer": as_dict(case.installer),
        "generator": as_dict(case.facility),
        "signature": {"signed": case.signed,
                      "date": case.signature_date.isoformat() if case.signature_date else None},
    }


def _apply(data: dict[str, Any], changes: dict[str, Any]) -> None:
    for path, value in changes.items():
        section, _, name = path.partition(".")
        if not name and section in ("program", "customer_class"):
            data[section] = value
            continue
        target = _SECTIONS.get(section, section)
        if target not in data or not isinstance(data[target], dict) or name not in data[target]:
            raise InvalidInput(f"{path!r} is not something a case records (e.g. facility.export_kw, "
                               "site.meter_number, applicant.email, customer_class, signature.signed)")
        data[target][name] = value


def _redecide(case: Case, book: RuleBook, at: datetime, actor: str) -> None:
    rules = book.rules_for(case)
    decision = decide_tier(rules, case.program, case.customer_class, case.facility)
    old_tier = case.tier
    case.change(at, actor, "tier decided again", tier=decision.tier, tier_reasons=list(decision.reasons),
                eligible=decision.eligible)
    fee = decide_fee(rules, case.program, decision.tier, case.facility)
    if fee.amount_usd is not None or decision.tier != old_tier:
        case.change(at, actor, "fee assessed", fee_due_usd=fee.amount_usd)
    if decision.tier != old_tier and case.stage == Stage.COMPLETE:
        move(case, book, Stage.INCOMPLETE, at, actor, "the tier changed: the review starts again")


def correct_case(
    uow: UnitOfWork, book: RuleBook, number: str, changes: dict[str, Any], at: datetime, actor: str,
) -> list[str]:
    """Change recorded facts of the application (`facility.export_kw` → 20.0, …), validated
    as the parser's output is; returns the names of what changed."""
    with uow:
        case = uow.cases.get(number)
        if not case.is_open:
            raise InvalidInput(f"{number} is {case.stage.label}: it can no longer be corrected")
        data = _contract_of(case)
        _apply(data, changes)
        corrected = application_from_contract(data)
        if corrected.program != case.program and case.stage not in _BEFORE_REVIEW:
            raise InvalidInput(f"{number} is {case.stage.label}: the program can only change before review")
        before = {name: getattr(case, name) for name in ("applicant", "site", "installer", "facility",
                                                          "customer_class", "program", "signed", "signature_date")}
        case.change(at, actor, "case corrected", applicant=corrected.applicant, site=corrected.site,
                    installer=corrected.installer, facility=corrected.facility,
                    customer_class=corrected.customer_class, program=corrected.program or case.program,
                    signed=corrected.signed, signature_date=corrected.signature_date)
        changed = [name for name, value in before.items() if getattr(case, name) != value]
        if changed and case.stage in _BEFORE_REVIEW:
            _redecide(case, book, at, actor)
            reassess(case, book, at, actor)
        uow.commit()
    return changed


def set_fee(uow: UnitOfWork, book: RuleBook, number: str, amount: Decimal | str, reason: str, at: datetime,
            actor: str) -> Decimal:
    """Set the fee where no rule sets it (a Tier 3 or 4 study deposit, say); returns it."""
    if not reason.strip():
        raise InvalidInput("say why the fee is this amount (e.g. the study deposit schedule)")
    dollars = parse_dollars(amount)
    with uow:
        case = uow.cases.get(number)
        case.change(at, actor, "fee set", fee_due_usd=dollars)
        case.record(at, actor, "fee reason", note=reason.strip())
        reassess(case, book, at, actor)
        uow.commit()
    return dollars
