"""The services against a hand-written fake unit of work: the case's life by rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fakes import FakeUnitOfWork
from support import contract, pacific

from cases import services
from cases.applications import application_from_contract
from cases.entities import Document, PurchaseOrderStatus, TaskStatus
from cases.errors import IllegalTransition, InvalidInput
from cases.rulebook import RuleBook
from cases.services.decisions import decision_notice
from cases.stages import Stage

ALL_DOCUMENTS = ("one_line_diagram", "site_plan", "spec_sheet")


def document(kind: str, at: datetime) -> Document:
    return Document(kind=kind, filename=f"{kind}.pdf", sha256=kind.ljust(64, "0"), size_bytes=1000, received_at=at)


def register(uow: FakeUnitOfWork, book: RuleBook, at: datetime, customer_class: str = "residential",
             documents: tuple[str, ...] = (), **changes: Any) -> str:
    application = application_from_contract(contract(**changes), customer_class)
    return services.register_application(
        uow, book, application, at, "tester", message_id="<a1@example.com>",
        documents=tuple(document(kind, at) for kind in documents))


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


def test_registration_opens_an_incomplete_tier_1_case_with_its_clock(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 25, 16, 30))
    case = uow.case(number)
    assert number == "IC-2026-00001"
    assert (case.tier, case.stage, case.fee_due_usd) == (1, Stage.INCOMPLETE, Decimal("0.00"))
    assert "a one-line diagram showing the AC disconnect and the utility meter" in case.missing
    [clock] = case.clocks
    assert (clock.name, clock.due_on) == ("nm_ack_and_completeness", date(2026, 12, 1))
    assert [t.kind for t in case.tasks] == ["review_application"]
    assert [m.message_id for m in case.messages] == ["<a1@example.com>"]
    assert [e.action for e in case.events][:2] == ["case opened", "fee assessed"]


def test_numbers_are_sequential_within_the_pacific_year(uow: FakeUnitOfWork, book: RuleBook) -> None:
    assert register(uow, book, pacific(2026, 12, 31, 15)) == "IC-2026-00001"
    assert register(uow, book, pacific(2026, 12, 31, 15)) == "IC-2026-00002"
    # 23:30 Pacific on Dec 31 is already 2027 in UTC; the year is the Pacific one.
    assert register(uow, book, pacific(2026, 12, 31, 23, 30)) == "IC-2026-00003"
    assert register(uow, book, pacific(2027, 1, 4)) == "IC-2027-00001"


def test_complete_application_starts_the_review_clocks_and_protection_task(uow: FakeUnitOfWork, book: RuleBook) -> None:
    at = pacific(2026, 11, 2, 9)
    number = register(uow, book, at, documents=ALL_DOCUMENTS)
    case = uow.case(number)
    assert case.stage == Stage.COMPLETE
    assert case.deemed_complete_at == at
    deemed = next(c for c in case.clocks if c.name == "nm_tier1_deemed_approved")
    assert deemed.due_on == book.calendar.add_business_days(date(2026, 11, 2), 20)
    assert {t.kind for t in case.tasks} == {"review_application", "screening_review"}


def test_documents_complete_the_case_and_meet_the_cure_clock(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    services.send_completeness_notice(uow, book, number, pacific(2026, 11, 2, 11), "coordinator")
    case = uow.case(number)
    ack, cure = case.clocks
    assert (ack.status.value, cure.name, cure.due_on) == ("met", "nm_cure_missing_info", date(2026, 11, 17))
    for kind in ALL_DOCUMENTS:
        services.add_document(uow, book, number, document(kind, pacific(2026, 11, 5, 10)), "installer")
    case = uow.case(number)
    assert case.stage == Stage.COMPLETE
    assert case.missing == []
    assert next(c for c in case.clocks if c.name == "nm_cure_missing_info").status.value == "met"


def test_the_same_document_twice_is_ignored(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    assert services.add_document(uow, book, number, document("site_plan", pacific(2026, 11, 3)), "a")
    assert not services.add_document(uow, book, number, document("site_plan", pacific(2026, 11, 4)), "a")
    assert len(uow.case(number).documents) == 1


def test_tier_2_fee_gates_completeness_and_payments_are_checked(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), "non_residential", ALL_DOCUMENTS,
                      generator__nameplate_kw_ac=150.0, generator__export_kw=150.0)
    case = uow.case(number)
    assert (case.tier, case.fee_due_usd, case.stage) == (2, Decimal("200.00"), Stage.INCOMPLETE)
    assert case.missing == ["the application fee: $200.00 outstanding of $200.00"]
    assert {t.kind for t in case.tasks} == {"review_application", "verify_fee"}
    under = services.record_payment(uow, book, number, Decimal("150"), "check 1001", pacific(2026, 11, 3), "billing")
    assert under.discrepancy == "underpaid by $50.00 (fee $200.00, paid $150.00)"
    assert uow.case(number).stage == Stage.INCOMPLETE
    over = services.record_payment(uow, book, number, Decimal("60"), "check 1002", pacific(2026, 11, 4), "billing")
    assert over.discrepancy == "overpaid by $10.00 (fee $200.00, paid $210.00): refund due"
    assert uow.case(number).stage == Stage.COMPLETE


def test_payment_needs_an_amount_and_a_reference(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    for bad in (Decimal(0), Decimal("0.001"), Decimal("NaN"), Decimal("Infinity"), Decimal("1e30")):
        with pytest.raises(InvalidInput, match=r"amount|at least|more than any fee"):
            services.record_payment(uow, book, number, bad, "x", pacific(2026, 11, 3), "b")
    with pytest.raises(InvalidInput, match="reference"):
        services.record_payment(uow, book, number, Decimal(5), " ", pacific(2026, 11, 3), "b")


def test_12_mw_application_is_denied_at_receipt_without_clocks(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), "non_residential", program="small_generator",
                      generator__nameplate_kw_ac=12000.0, generator__export_kw=12000.0)
    case = uow.case(number)
    assert case.stage == Stage.DENIED
    assert case.clocks == []
    assert case.decision_reasons[0].startswith("nameplate 12000 kW > 10000 kW small generator limit")


def test_illegal_transition_is_refused_and_nothing_is_written(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    events = len(uow.case(number).events)
    with pytest.raises(IllegalTransition, match="IC-2026-00001 is incomplete; it cannot move to approved"):
        services.advance_stage(uow, book, number, Stage.APPROVED, pacific(2026, 11, 3), "c")
    assert len(uow.case(number).events) == events


def walk_to_approval(uow: FakeUnitOfWork, book: RuleBook) -> str:
    number = register(uow, book, pacific(2026, 11, 2, 9), documents=ALL_DOCUMENTS)
    services.send_completeness_notice(uow, book, number, pacific(2026, 11, 2, 10), "coordinator")
    services.advance_stage(uow, book, number, Stage.IN_REVIEW, pacific(2026, 11, 3), "coordinator")
    services.advance_stage(uow, book, number, Stage.APPROVED, pacific(2026, 11, 6), "coordinator", "screens passed")
    return number


def test_decision_meets_the_review_clocks(uow: FakeUnitOfWork, book: RuleBook) -> None:
    case = uow.case(walk_to_approval(uow, book))
    statuses = {c.name: c.status.value for c in case.clocks}
    assert statuses == {"nm_ack_and_completeness": "met", "nm_tier1_screen_result": "met",
                        "nm_tier1_deemed_approved": "met"}
    assert case.decision_reasons == ["screens passed"]
    assert "tender_agreement" in {t.kind for t in case.open_tasks()}


def test_tasks_that_stand_for_a_stage_move_the_case(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = walk_to_approval(uow, book)
    for stage in (Stage.AGREEMENT_EXECUTED, Stage.CONSTRUCTION, Stage.LOCAL_INSPECTION_PASSED):
        services.advance_stage(uow, book, number, stage, pacific(2026, 11, 9), "coordinator")
    assert services.complete_task(uow, book, number, "schedule_final_inspection", pacific(2026, 11, 10), "c") \
        == Stage.UTILITY_INSPECTION
    services.assign_task(uow, number, "meter_exchange", "jordan", pacific(2026, 11, 10), "lead")
    assert services.complete_task(uow, book, number, "meter_exchange", pacific(2026, 11, 12), "jordan") \
        == Stage.METER_EXCHANGED
    # Enrolled on billing with nothing left open, the case closes by itself.
    assert services.complete_task(uow, book, number, "enrol_billing", pacific(2026, 11, 13), "billing") \
        == Stage.CLOSED
    case = uow.case(number)
    meter = next(t for t in case.tasks if t.kind == "meter_exchange")
    assert (meter.assignee, meter.done_by, meter.status) == ("jordan", "jordan", TaskStatus.DONE)
    assert case.open_tasks() == []
    assert [(e.actor, e.note) for e in case.events if e.action == "stage changed"][-2:] == [
        ("billing", "task enrol_billing done"), ("icdesk", "nothing left to do: the generator is metered and billed")]


def test_milestones_do_the_work_of_the_tasks_that_ask_for_them(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), documents=ALL_DOCUMENTS)
    assert {"review_application", "screening_review"} <= {t.kind for t in uow.case(number).open_tasks()}
    services.send_completeness_notice(uow, book, number, pacific(2026, 11, 2, 10), "coordinator")
    assert "review_application" not in {t.kind for t in uow.case(number).open_tasks()}  # the notice went out
    services.advance_stage(uow, book, number, Stage.IN_REVIEW, pacific(2026, 11, 3), "coordinator")
    services.advance_stage(uow, book, number, Stage.APPROVED, pacific(2026, 11, 6), "coordinator", "screens passed")
    case = uow.case(number)
    screening = next(t for t in case.tasks if t.kind == "screening_review")
    assert (screening.status, screening.done_by) == (TaskStatus.DONE, "coordinator")  # decided
    assert [t.kind for t in case.open_tasks()] == ["tender_agreement"]


def test_a_task_opened_and_done_in_one_change_brings_only_its_card(uow: FakeUnitOfWork, book: RuleBook) -> None:
    # As intake does it: the application (received earlier in the day) and its completeness
    # notice in one transaction. The card, drawn at delivery, shows the review done.
    with uow:
        number = register(uow, book, pacific(2026, 11, 2, 9), documents=ALL_DOCUMENTS)
        services.send_completeness_notice(uow, book, number, pacific(2026, 11, 2, 10), "intake")
        uow.commit()
    about_review = [(n.payload["kind"]) for n in uow.notifications if n.payload.get("task") == "review_application"]
    assert about_review == ["task_card"]
    # Done in a later change, the team is told.
    services.complete_task(uow, book, number, "screening_review", pacific(2026, 11, 3), "kai")
    assert [n.payload["kind"] for n in uow.notifications if n.payload.get("task") == "screening_review"] == [
        "task_card", "task_done"]


def test_a_case_with_work_left_open_closes_when_the_last_task_is_done(uow: FakeUnitOfWork, book: RuleBook) -> None:
    # A small generator pays a fee: its verification is still open when the meter is set.
    number = register(uow, book, pacific(2026, 11, 2, 9), documents=(*ALL_DOCUMENTS, "site_control"),
                      program="small_generator")
    services.record_payment(uow, book, number, Decimal(100), "check 1", pacific(2026, 11, 2, 10), "billing")
    services.send_completeness_notice(uow, book, number, pacific(2026, 11, 2, 11), "coordinator")
    for stage in (Stage.IN_REVIEW, Stage.APPROVED, Stage.AGREEMENT_EXECUTED, Stage.CONSTRUCTION,
                  Stage.LOCAL_INSPECTION_PASSED, Stage.UTILITY_INSPECTION, Stage.METER_EXCHANGED):
        services.advance_stage(uow, book, number, stage, pacific(2026, 11, 9), "coordinator", "ok")
    assert uow.case(number).stage == Stage.METER_EXCHANGED
    assert [t.kind for t in uow.case(number).open_tasks()] == ["verify_fee"]
    assert services.complete_task(uow, book, number, "verify_fee", pacific(2026, 11, 10), "billing") == Stage.CLOSED


def test_unanswered_tier_1_is_deemed_approved_on_the_day_after_day_20(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), documents=ALL_DOCUMENTS)
    due = book.calendar.add_business_days(date(2026, 11, 2), 20)
    on_the_day = services.sweep_clocks(uow, book, due, pacific(due.year, due.month, due.day))
    # Only the acknowledgement clock has lapsed (no notice was recorded): it escalates.
    assert [(lapse.clock, lapse.outcome) for lapse in on_the_day] == [("nm_ack_and_completeness", "escalated")]
    assert uow.case(number).stage == Stage.COMPLETE
    after = due + timedelta(days=1)
    lapses = services.sweep_clocks(uow, book, after, pacific(after.year, after.month, after.day, 6))
    outcomes = {lapse.clock: lapse.outcome for lapse in lapses}
    assert outcomes["nm_tier1_deemed_approved"] == "deemed approved"
    case = uow.case(number)
    assert case.stage == Stage.APPROVED
    assert case.decision_reasons[0].startswith("deemed approved: Tier 1 decision before deemed approval not done by")
    assert services.sweep_clocks(uow, book, after, pacific(after.year, after.month, after.day, 7)) == []


def test_cure_period_lapse_deems_the_application_withdrawn(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    services.send_completeness_notice(uow, book, number, pacific(2026, 11, 2, 11), "coordinator")
    lapses = services.sweep_clocks(uow, book, date(2026, 11, 18), pacific(2026, 11, 18, 6))
    assert [(lapse.clock, lapse.outcome) for lapse in lapses] == [("nm_cure_missing_info", "deemed withdrawn")]
    case = uow.case(number)
    assert case.stage == Stage.DEEMED_WITHDRAWN
    assert case.open_tasks() == []


def test_an_agreed_extension_moves_the_due_date_and_the_sweep_respects_it(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    services.send_completeness_notice(uow, book, number, pacific(2026, 11, 2, 11), "coordinator")
    before = services.extend_clock(uow, number, "nm_cure_missing_info", date(2026, 12, 1), "Marcus Bell (e-mail)",
                                   pacific(2026, 11, 10), "coordinator", "waiting for the inverter spec")
    assert before == date(2026, 11, 17)
    assert services.sweep_clocks(uow, book, date(2026, 11, 18), pacific(2026, 11, 18)) == []
    cure = uow.case(number).find_clock("nm_cure_missing_info")
    assert (cure.status.value, cure.original_due_on, cure.extended_by) == \
        ("extended", date(2026, 11, 17), "Marcus Bell (e-mail)")
    with pytest.raises(InvalidInput, match="past 2026-12-01"):
        services.extend_clock(uow, number, "nm_cure_missing_info", date(2026, 11, 20), "x", pacific(2026, 11, 11), "c")


def test_customer_issues_notes_purchase_orders_are_logged(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    index = services.log_issue(uow, number, "asks whether batteries change the tier", pacific(2026, 11, 3), "c")
    services.resolve_issue(uow, number, index, "no: storage does not export", pacific(2026, 11, 4), "c")
    services.add_note(uow, number, "called the installer", pacific(2026, 11, 4), "c")
    po = services.add_purchase_order(uow, number, "bidirectional meter", None, pacific(2026, 11, 4), "metering")
    services.update_purchase_order(uow, number, po, PurchaseOrderStatus.ORDERED, "PO-7781", pacific(2026, 11, 5), "m")
    case = uow.case(number)
    assert case.issues[0].resolution == "no: storage does not export"
    assert case.purchase_orders[0].po_number == "PO-7781"
    actions = [e.action for e in case.events]
    for action in ("customer issue opened", "customer issue resolved", "note added",
                   "purchase order opened", "purchase order updated"):
        assert action in actions
    with pytest.raises(InvalidInput, match="already resolved"):
        services.resolve_issue(uow, number, index, "again", pacific(2026, 11, 5), "c")


def test_a_failed_service_leaves_the_case_untouched(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9))
    commits, events = uow.commits, len(uow.case(number).events)
    with pytest.raises(InvalidInput, match="has no open task 'no_such_task'"):
        services.complete_task(uow, book, number, "no_such_task", pacific(2026, 11, 3), "c")
    with pytest.raises(InvalidInput, match="say how the issue was resolved"):
        services.resolve_issue(uow, number, 1, " ", pacific(2026, 11, 3), "c")
    assert uow.commits == commits
    assert len(uow.case(number).events) == events
    assert [t.status for t in uow.case(number).tasks] == [TaskStatus.OPEN]


def test_opening_a_task_tells_the_team_channel_in_the_same_commit(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), documents=ALL_DOCUMENTS)
    recipients = [(n.recipient, n.payload["task"]) for n in uow.notifications]
    assert recipients == [("team:coordinator", "review_application"), ("team:protection", "screening_review")]
    assert {n.case_number for n in uow.notifications} == {number}
    uow.notifications.clear()
    services.add_note(uow, number, "no new task", pacific(2026, 11, 3), "c")
    assert uow.notifications == []


def test_a_decision_is_not_mailed_to_an_address_no_server_would_take(uow: FakeUnitOfWork, book: RuleBook) -> None:
    number = register(uow, book, pacific(2026, 11, 2, 9), documents=ALL_DOCUMENTS)
    case = uow.case(number)
    installer = case.installer
    case.installer = replace(installer, email="dana at sunbridge")  # as typed on a scanned form
    assert decision_notice(case, Stage.DENIED, "the feeder is full", pacific(2026, 11, 9)) is None
    case.installer = replace(installer, email="dana@sunbridge.example")
    notice = decision_notice(case, Stage.DENIED, "the feeder is full", pacific(2026, 11, 9))
    assert notice is not None
    assert notice.recipient == "dana@sunbridge.example"
