"""Every command of the grammar, each role's refusals, and the masking rules, as a person
in a chat would see them."""

from __future__ import annotations

from datetime import date

import pytest
from bot_support import BotDesk
from support import pacific

from bot.content import CaseCard, Help, Listing, Notice, PickList, Summary
from bot.core import Role
from cases.persistence.repository import SqlUnitOfWork
from cases.stages import Stage

DOCS = ("one_line_diagram", "site_plan", "spec_sheet")


@pytest.fixture
def two_cases(desk: BotDesk) -> tuple[str, str]:
    first = desk.register(pacific(2026, 11, 2, 9))
    second = desk.register(pacific(2026, 11, 3, 9), "residential", DOCS,
                           applicant__name="Linh Nguyen", site__address="2280 SE Ankeny St",
                           site__account_number="7712003361")
    return first, second


def test_status_by_number_address_name_and_account(desk: BotDesk, two_cases: tuple[str, str]) -> None:
    first, second = two_cases
    content, text = desk.ask(f"status {first.lower()}")
    assert isinstance(content, CaseCard)
    assert content.case.number == first
    assert text.splitlines()[0] == f"{first} · Marcus Bell · 4417 N Williams Ave, Portland 97217"
    for query in ("status 2280 ankeny", "status linh nguyen", "status 7712003361", "status nguyen ankeny st"):
        content, _ = desk.ask(query)
        assert isinstance(content, CaseCard), query
        assert content.case.number == second, query


def test_an_ambiguous_search_offers_a_pick_list(desk: BotDesk, two_cases: tuple[str, str]) -> None:
    desk.register(pacific(2026, 11, 4, 9), applicant__name="Marcus Bellamy", site__address="4419 N Williams Ave",
                  site__account_number="1111111111")
    content, text = desk.ask("status williams")
    assert isinstance(content, PickList)
    assert {m.number for m in content.matches} >= {two_cases[0], "IC-2026-00003"}
    assert text.startswith(f"{len(content.matches)} cases match “williams”")


def test_nothing_found_says_so(desk: BotDesk, two_cases: tuple[str, str]) -> None:
    content, text = desk.ask("status zzqx")
    assert isinstance(content, Notice)
    assert not content.ok
    assert text == "! No case matches “zzqx”. Try a case number, an address or the customer's name."


def test_account_and_contact_are_masked_in_channels_and_for_viewers(desk: BotDesk,
                                                                    two_cases: tuple[str, str]) -> None:
    first = two_cases[0]
    _, private = desk.ask(f"status {first}")
    assert "account 1234568827 · meter M99812" in private
    _, channel = desk.ask(f"status {first}", private=False)
    assert "1234568827" not in channel
    assert "account ••••8827 · meter ••••9812" in channel
    _, viewer = desk.ask(f"status {first}", Role.VIEWER)
    assert "1234568827" not in viewer


def test_help_lists_only_what_the_caller_may_run(desk: BotDesk) -> None:
    viewer, _ = desk.ask("help", Role.VIEWER)
    manager, text = desk.ask("help", Role.MANAGER)
    assert isinstance(viewer, Help)
    assert isinstance(manager, Help)
    assert {c.name for c in viewer.commands} == {"status", "mine"}
    assert {"summary", "advance", "assign", "overdue"} <= {c.name for c in manager.commands}
    assert "e.g. `summary month`" in text


def test_unknown_commands_get_a_suggestion(desk: BotDesk) -> None:
    content, text = desk.ask("staus IC-2026-00001")
    assert isinstance(content, Notice)
    assert text == "! I don't know `staus`. Did you mean `status`? Try `help` for what you can ask."


@pytest.mark.parametrize(("command", "role", "allowed"), [
    ("advance IC-2026-00001 withdrawn", Role.VIEWER, "coordinator, manager"),
    ("advance IC-2026-00001 withdrawn", Role.METERING, "coordinator, manager"),
    ("pay IC-2026-00001 10 check 1", Role.PROTECTION, "billing, coordinator"),
    ("summary", Role.BILLING, "coordinator, manager"),
    ("queue", Role.VIEWER, "billing, coordinator, manager, metering, protection"),
])
def test_refusals_say_which_role_is_needed(desk: BotDesk, two_cases: tuple[str, str], command: str, role: Role,
                                           allowed: str) -> None:
    content, _ = desk.ask(command, role)
    assert isinstance(content, Notice)
    assert content.text.endswith(f"is for {allowed}; ask a coordinator to give you that role.")
    with SqlUnitOfWork(desk.engine) as uow:
        assert uow.cases.get("IC-2026-00001").stage == Stage.INCOMPLETE


def test_queue_mine_assign_and_done(desk: BotDesk, two_cases: tuple[str, str]) -> None:
    second = two_cases[1]
    content, _ = desk.ask("queue protection", Role.PROTECTION)
    assert isinstance(content, Listing)
    assert [(r.number, r.what) for r in content.rows] == [(second, "protection · run the interconnection screens")]
    assert desk.ask(f"assign {second} <@U200|sam> screening_review")[1] == \
        f"{second}: task screening_review assigned to <@U200>."
    mine, _ = desk.ask("mine", Role.PROTECTION, user="U200")
    assert isinstance(mine, Listing)
    assert [r.number for r in mine.rows] == [second]
    assert desk.ask(f"done {second} screening_review", Role.PROTECTION, user="U200")[1] == \
        f"{second}: screening_review done."
    with SqlUnitOfWork(desk.engine) as uow:
        task = next(t for t in uow.cases.get(second).tasks if t.kind == "screening_review")
        assert (task.status.value, task.done_by) == ("done", "U200")


def test_a_team_marks_only_its_own_tasks_done(desk: BotDesk, two_cases: tuple[str, str]) -> None:
    second = two_cases[1]  # complete: the protection team's screening is open
    assert desk.ask(f"done {second} screening_review", Role.BILLING, user="U300")[1] == (
        f"! {second}: screening_review is the protection team's task; someone on that team, a coordinator "
        "or a manager marks it done")
    with SqlUnitOfWork(desk.engine) as uow:
        assert "screening_review" in {t.kind for t in uow.cases.get(second).open_tasks()}
    assert desk.ask(f"done {second} screening_review", Role.COORDINATOR)[1] == f"{second}: screening_review done."


def test_a_team_member_takes_a_task_of_their_team_only_for_themselves(desk: BotDesk,
                                                                     two_cases: tuple[str, str]) -> None:
    second = two_cases[1]
    assert desk.ask(f"assign {second} me screening_review", Role.PROTECTION, user="U200")[1] == \
        f"{second}: task screening_review assigned to <@U200>."
    assert desk.ask(f"assign {second} <@U201> screening_review", Role.PROTECTION, user="U200")[1] == (
        "! you may take a task of your team (`assign <case> me <task>`); a coordinator or a manager gives tasks "
        "to others")
    assert desk.ask(f"assign {second} me review_application", Role.METERING, user="U300")[1].startswith(
        f"! {second}: review_application is the coordinator team's task")


def test_overdue_and_due(desk: BotDesk, two_cases: tuple[str, str]) -> None:
    content, text = desk.ask("overdue")
    assert isinstance(content, Listing)
    # Both acknowledgement clocks (due Nov 5 and 6) and the review tasks are late on Nov 30.
    assert {r.number for r in content.rows} == set(two_cases)
    assert "acknowledgement and completeness notice (OAR 860-039-0025(2))" in text
    assert any(r.late_business_days > 10 for r in content.rows)
    desk.at = pacific(2026, 11, 2, 12)
    due, _ = desk.ask("due this week")
    assert isinstance(due, Listing)
    assert due.rows[0].due_on == date(2026, 11, 5)


def test_advance_pay_note_issue_extend_schedule(desk: BotDesk, two_cases: tuple[str, str]) -> None:
    first, second = two_cases
    card, _ = desk.ask(f"advance {second} in_review")
    assert isinstance(card, CaseCard)
    assert card.case.stage == "in_review"
    assert desk.ask(f"advance {second} denied")[1] == \
        "! say why: a decision to denied needs its reasons (OAR 860-082-0065)"
    assert desk.ask(f"pay {first} 10 check 4471", Role.BILLING)[1] == (
        f"! {first}: payment recorded (fee $0.00, paid $10.00) — overpaid by $10.00 (fee $0.00, paid $10.00): "
        "refund due.")
    assert desk.ask(f"note {first} called the installer")[1] == f"{first}: note added."
    assert desk.ask(f"issue {first} asks about batteries")[1] == f"{first}: issue #1 logged."
    assert desk.ask(f"resolve {first} 1 storage does not change the tier")[1] == f"{first}: issue #1 resolved."
    assert desk.ask(f"extend {first} nm_ack_and_completeness 2026-12-15 Marcus Bell by phone")[1] == \
        f"{first}: nm_ack_and_completeness due 2026-11-05 → 2026-12-15."
    assert desk.ask(f"schedule {second} witness test 2026-12-03 10:00")[1] == \
        (f"{second}: witness test on Thursday December 3 at 10:00 PST. An invitation goes to the installer at "
         "dana@sunbridge.example, with a reminder the business day before.")
    with SqlUnitOfWork(desk.engine) as uow:
        case = uow.cases.get(first)
        actors = {e.actor for e in case.events}
        assert "U100" in actors
        assert case.issues[0].resolution == "storage does not change the tier"


@pytest.mark.parametrize(("command", "message"), [
    ("advance", "start with the case number"),
    ("pay IC-2026-00001 lots check", "'lots' is not an amount of dollars"),
    ("extend IC-2026-00001 nm_ack_and_completeness tomorrow Marcus", "'tomorrow' is not a date like 2026-12-15"),
    ("schedule IC-2026-00001 party 2026-12-03", "say what to schedule"),
    ("advance IC-2026-00099 in_review", "no case numbered IC-2026-00099"),
    ("queue plumbing", "Teams are coordinator, protection, metering, billing"),
])
def test_bad_commands_are_explained(desk: BotDesk, two_cases: tuple[str, str], command: str, message: str) -> None:
    content, _ = desk.ask(command, Role.COORDINATOR)
    assert isinstance(content, Notice)
    assert not content.ok
    assert message in content.text


def test_summary_counts_the_period(desk: BotDesk, two_cases: tuple[str, str]) -> None:
    first, second = two_cases
    desk.ask(f"advance {second} in_review")
    desk.ask(f"advance {second} approved screens passed")
    content, text = desk.ask("summary month", Role.MANAGER)
    assert isinstance(content, Summary)
    assert (content.period, content.received, content.completed, content.decided) == ("November 2026", 2, 1, 1)
    assert {c.label: c.value for c in content.by_stage} == {"incomplete": 1, "approved": 1}
    assert content.clocks_met == 1  # the decision met the Tier 1 deemed-approval clock
    assert [r.number for r in content.overdue] == [first, second]  # no completeness notice was recorded
    assert text.startswith("November 2026 · 2 received · 1 complete · 1 decided · 0 closed")
