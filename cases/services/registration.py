"""Registering a new application: number, program, tier, fee, completeness, clocks, tasks."""

from __future__ import annotations

from datetime import datetime

from cases.applications import Application
from cases.case import Case
from cases.entities import Document, MessageRef
from cases.errors import InvalidInput
from cases.parties import Program
from cases.ports import UnitOfWork
from cases.rulebook import RuleBook
from cases.rules.fees import decide_fee
from cases.rules.schema import Milestone, RuleSet
from cases.rules.tiers import TierDecision, decide_tier, nameplate_kw
from cases.services.lifecycle import move, reach, reassess
from cases.stages import Stage


def _decide_program(application: Application, rules: RuleSet) -> tuple[Program, str | None]:
    """The program the form states; else net metering when the size allows it (flagged)."""
    if application.program is not None:
        return application.program, None
    net_metering = rules.tiers[Program.NET_METERING]
    size = nameplate_kw(application.facility, net_metering.nameplate_basis)
    largest = max(limit.max_kw for limit in net_metering.limits)
    if size is not None and size > largest:
        return Program.SMALL_GENERATOR, "program not stated: small generator assumed (too large for net metering)"
    return Program.NET_METERING, "program not stated on the application: net metering assumed"


def _new_case(number: str, application: Application, received_at: datetime, program: Program, rules: RuleSet,
              decision: TierDecision, program_flag: str | None) -> Case:
    return Case(
        number=number, received_at=received_at, program=program,
        customer_class=application.customer_class, rule_version=rules.version,
        applicant=application.applicant, site=application.site, installer=application.installer,
        facility=application.facility, tier=decision.tier, tier_reasons=list(decision.reasons),
        eligible=decision.eligible, signed=application.signed, signature_date=application.signature_date,
        flags=[flag for flag in (program_flag, *decision.flags) if flag],
    )


def _start(case: Case, book: RuleBook, rules: RuleSet, at: datetime, actor: str) -> None:
    """Deny what no tier admits; otherwise assess the fee, start the receipt clocks and tasks,
    and assess completeness."""
    if not case.eligible:
        move(case, book, Stage.DENIED, at, actor, "; ".join(case.tier_reasons))
        return
    fee = decide_fee(rules, case.program, case.tier, case.facility)
    case.change(at, actor, "fee assessed", fee_due_usd=fee.amount_usd)
    if fee.amount_usd is None and case.tier is not None:
        case.change(at, actor, "flagged for the coordinator", flags=[*case.flags, fee.explanation])
    reach(case, book, Milestone.RECEIVED, at, actor)
    reassess(case, book, at, actor)


def register_application(
    uow: UnitOfWork,
    book: RuleBook,
    application: Application,
    received_at: datetime,
    actor: str,
    *,
    message_id: str | None = None,
    documents: tuple[Document, ...] = (),
) -> str:
    """Open a case for a received application and return its number.

    Decides program and tier under the rule version in effect on the receipt day, computes
    the fee, starts the receipt clocks, opens the first tasks and assesses completeness,
    all in one transaction with the events that record it.
    """
    if received_at.tzinfo is None:
        raise InvalidInput("the receipt time needs a time zone (e.g. 2026-11-25T16:30:00-08:00)")
    rules = book.rules_at(received_at)
    program, program_flag = _decide_program(application, rules)
    decision = decide_tier(rules, program, application.customer_class, application.facility)
    with uow:
        number = uow.cases.next_number(book.calendar.local_date(received_at).year)
        case = _new_case(number, application, received_at, program, rules, decision, program_flag)
        case.record(received_at, actor, "case opened", {
            "program": (None, program.value), "tier": (None, decision.tier),
            "rule_version": (None, rules.version), "flags": (None, case.flags),
        }, "; ".join(decision.reasons))
        if message_id:
            case.link_message(MessageRef(message_id, "in", received_at))
        for document in documents:
            case.add_document(document, actor)
        _start(case, book, rules, received_at, actor)
        uow.cases.add(case)
        uow.commit()
    return number
