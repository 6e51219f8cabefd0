"""The life of a case by rule: clocks that restart or are cancelled, corrections, fees set by
the coordinator, routing conditions, small-generator clocks, and the stage guards."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from fakes import FakeUnitOfWork
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import Document, MeetingKind, TaskStatus
from cases.errors import IllegalTransition, InvalidInput
from cases.rulebook import RuleBook
from cases.rules.schema import Milestone
from cases.stages import Stage

DOCS = ("one_line_diagram", "site_plan", "spec_sheet")


def register(uow: FakeUnitOfWork, book: RuleBook, at: datetime, customer_class: str = "residential",
             documents: tuple[str, ...] = DOCS, **changes: Any) -> str:
    application = application_from_contract(contract(**changes), customer_class)
    docs = tuple(Document(k, f"{k}.pdf", k.ljust(64, "0"), 10, at) for k in documents)
    return services.register_application(uow, book, application, at, "tester", documents=docs)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def clock(uow: FakeUnitOfWork, number: str, name: str) -> Any:
    return next(c for c in uow.case(number).clocks if c.name == name)


def test_review_clocks_count_afresh_when_a_case_is_complete_again(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    first_due = clock(uow, number, "nm_tier1_deemed_approved").due_on
    services.correct_case(uow, book, number, {"site.meter_number": None}, pacific(2026, 11, 3), "coordinator")
    case = uow.case(number)
    assert case.stage == Stage.INCOMPLETE
    assert "nm_tier1_deemed_approved" not in {c.name for c in case.clocks}
    assert case.deemed_complete_at is None
    services.correct_case(uow, book, number, {"site.meter_number": "M1"}, pacific(2026, 11, 25, 9), "coordinator")
    again = clock(uow, number, "nm_tier1_deemed_approved")
    assert uow.case(number).stage == Stage.COMPLETE
    assert again.due_on == book.calendar.add_business_days(date(2026, 11, 25), 20)
    assert again.due_on > first_due
    assert "clock cancelled" in [e.action for e in uow.case(number).events]


def test_withdrawal_cancels_running_clocks_rather_than_meeting_them(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), documents=())
    services.advance_stage(uow, book, number, Stage.WITHDRAWN, pacific(2026, 11, 3), "coordinator", "by e-mail")
    case = uow.case(number)
    assert case.clocks == []
    assert case.open_tasks() == []


def test_notices_and_milestones_respect_the_stage(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    services.advance_stage(uow, book, number, Stage.IN_REVIEW, pacific(2026, 11, 3), "c")
    with pytest.raises(InvalidInput, match="completeness notice is no longer due"):
        services.send_completeness_notice(uow, book, number, pacific(2026, 11, 4), "c")
    services.advance_stage(uow, book, number, Stage.WITHDRAWN, pacific(2026, 11, 4), "c")
    with pytest.raises(InvalidInput, match="nothing more happens"):
        services.record_milestone(uow, book, number, Milestone.AGREEMENT_TENDERED, pacific(2026, 11, 5), "c")


def test_decisions_need_reasons_and_complete_needs_nothing_missing(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), documents=())
    with pytest.raises(InvalidInput, match="cannot be complete while something is missing: a one-line diagram"):
        services.advance_stage(uow, book, number, Stage.COMPLETE, pacific(2026, 11, 3), "c")
    done = register(uow, book, pacific(2026, 11, 2, 9))
    services.advance_stage(uow, book, done, Stage.IN_REVIEW, pacific(2026, 11, 3), "c")
    with pytest.raises(InvalidInput, match="needs its reasons"):
        services.advance_stage(uow, book, done, Stage.DENIED, pacific(2026, 11, 4), "c")
    services.advance_stage(uow, book, done, Stage.DENIED, pacific(2026, 11, 4), "c", "fails the penetration screen")
    assert uow.case(done).decision_reasons == ["fails the penetration screen"]


def test_deemed_withdrawal_is_only_for_incomplete_cases(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    with pytest.raises(IllegalTransition, match="cannot move to deemed_withdrawn"):
        services.advance_stage(uow, book, number, Stage.DEEMED_WITHDRAWN, pacific(2026, 11, 3), "c")


def walk(uow: FakeUnitOfWork, book: RuleBook, number: str, *stages: Stage) -> None:
    for stage in stages:
        services.advance_stage(uow, book, number, stage, pacific(2026, 11, 10), "c", "ok")


AFTER_APPROVAL = (Stage.IN_REVIEW, Stage.APPROVED, Stage.AGREEMENT_EXECUTED, Stage.CONSTRUCTION,
                  Stage.LOCAL_INSPECTION_PASSED, Stage.UTILITY_INSPECTION, Stage.METER_EXCHANGED)


def test_net_metering_cannot_close_before_billing_but_a_small_generator_can(uow: FakeUnitOfWork,
                                                                              book: RuleBook) -> None:
    nm = register(uow, book, pacific(2026, 11, 2, 9))
    walk(uow, book, nm, *AFTER_APPROVAL)
    with pytest.raises(IllegalTransition, match="allowed next: billing_enrolled, withdrawn"):
        services.advance_stage(uow, book, nm, Stage.CLOSED, pacific(2026, 11, 11), "c")
    sg = register(uow, book, pacific(2026, 11, 2, 9), documents=(*DOCS, "site_control"), program="small_generator")
    services.record_payment(uow, book, sg, Decimal(100), "check 1", pacific(2026, 11, 2, 10), "billing")
    walk(uow, book, sg, *AFTER_APPROVAL, Stage.CLOSED)
    assert uow.case(sg).stage == Stage.CLOSED


def test_a_manual_move_finishes_the_task_that_stands_for_it(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    walk(uow, book, number, *AFTER_APPROVAL[:5])
    walk(uow, book, number, Stage.UTILITY_INSPECTION)
    inspection = next(t for t in uow.case(number).tasks if t.kind == "schedule_final_inspection")
    assert inspection.status == TaskStatus.DONE
    walk(uow, book, number, Stage.METER_EXCHANGED)
    # The metering task was finished by the move; finishing it again is refused clearly.
    with pytest.raises(InvalidInput, match="no open task 'meter_exchange'"):
        services.complete_task(uow, book, number, "meter_exchange", pacific(2026, 11, 12), "m")


def test_correcting_the_export_capacity_re_decides_tier_and_fee(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), "non_residential",
                      generator__nameplate_kw_ac=30.0, generator__export_kw=None)
    case = uow.case(number)
    assert (case.tier, case.fee_due_usd) == (2, Decimal("80.00"))
    assert "export capacity (kW)" in case.missing
    changed = services.correct_case(uow, book, number, {"facility.export_kw": 20}, pacific(2026, 11, 3), "c")
    case = uow.case(number)
    assert changed == ["facility"]
    assert (case.tier, case.fee_due_usd, case.stage) == (1, Decimal("0.00"), Stage.COMPLETE)
    assert "tier decided again" in [e.action for e in case.events]


def test_corrections_are_validated_like_parser_output(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    with pytest.raises(InvalidInput, match=r"'facility\.colour' is not something a case records"):
        services.correct_case(uow, book, number, {"facility.colour": "red"}, pacific(2026, 11, 3), "c")
    with pytest.raises(InvalidInput, match=r"'generator\.export_kw' must be a non-negative number"):
        services.correct_case(uow, book, number, {"facility.export_kw": "lots"}, pacific(2026, 11, 3), "c")
    assert services.correct_case(uow, book, number, {"customer_class": "residential"}, pacific(2026, 11, 3),
                                 "c") == []


def test_a_fee_no_rule_sets_keeps_the_case_incomplete_until_set_and_paid(uow: FakeUnitOfWork,
                                                                          book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), "non_residential", (*DOCS, "site_control"),
                      program="small_generator", generator__nameplate_kw_ac=3000.0, generator__export_kw=0.0)
    case = uow.case(number)
    assert (case.tier, case.fee_due_usd, case.stage) == (3, None, Stage.INCOMPLETE)
    assert case.missing == ["the application fee (the coordinator will tell you the amount)"]
    assert {t.kind for t in case.tasks} >= {"verify_fee"}
    with pytest.raises(InvalidInput, match="say why"):
        services.set_fee(uow, book, number, "1000", " ", pacific(2026, 11, 3), "c")
    services.set_fee(uow, book, number, "$1,000", "study deposit schedule", pacific(2026, 11, 3), "c")
    assert uow.case(number).missing == ["the application fee: $1,000.00 outstanding of $1,000.00"]
    services.record_payment(uow, book, number, Decimal(1000), "wire 88", pacific(2026, 11, 4), "billing")
    case = uow.case(number)
    assert case.stage == Stage.COMPLETE
    assert "telemetry_design" in {t.kind for t in case.tasks}  # Tier 3 and 3 MW: telemetry


def test_small_generator_clocks_and_the_tier_4_scoping_meeting(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), "non_residential", (*DOCS, "site_control"),
                      program="small_generator", generator__nameplate_kw_ac=2500.0, generator__export_kw=2500.0)
    assert {c.name for c in uow.case(number).clocks} == {"sg_ack_receipt", "sg_completeness_notice"}
    services.set_fee(uow, book, number, "1000", "deposit", pacific(2026, 11, 2, 10), "c")
    services.record_payment(uow, book, number, Decimal(1000), "wire", pacific(2026, 11, 2, 11), "billing")
    services.send_completeness_notice(uow, book, number, pacific(2026, 11, 2, 12), "c")
    scoping = clock(uow, number, "sg_tier4_scoping_meeting")
    assert scoping.due_on == date(2026, 11, 17)  # 10 business days; Veterans Day (11-11) does not count
    services.schedule_meeting(uow, book, number, MeetingKind.SCOPING_MEETING, pacific(2026, 11, 20, 10),
                              "Room 4", ["engineer", "applicant"], pacific(2026, 11, 9), "c")
    assert clock(uow, number, "sg_tier4_scoping_meeting").status.value == "met"
    assert uow.case(number).meetings[0].location == "Room 4"


def test_unknown_class_over_25_kw_opens_a_task_to_confirm_it(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), "unknown",
                      generator__nameplate_kw_ac=30.0, generator__export_kw=20.0)
    case = uow.case(number)
    assert "confirm_customer_class" in {t.kind for t in case.tasks}
    assert case.flags[0].startswith("customer class not stated")


@pytest.mark.parametrize(("changes", "message"), [
    ({"generator__type": "solar photovoltaic with battery"}, "'generator.type' must be one of"),
    ({"applicant__name": "x" * 301}, "'applicant.name' is 301 characters long"),
    ({"signature": {"signed": "false", "date": None}}, "'signature.signed' must be true or false"),
    ({"generator__nameplate_kw_ac": math.nan}, "'generator.nameplate_kw_ac' must be a non-negative number"),
    ({"generator__export_kw": math.inf}, "'generator.export_kw' must be a non-negative number"),
    ({"generator__inverter_model": 5}, "'generator.inverter_model' must be text"),
])
def test_bad_application_values_are_refused_with_the_key(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        application_from_contract(contract(**changes))
