"""Block Kit as data: what each answer shows, the buttons it carries, masking, escaping, and
Slack's limits, checked on the blocks themselves and by posting them to the Slack stand-in."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from servers.slack_api import DEFAULT_TOKEN, SlackApiServer
from servers.slack_api_methods import blocks_problem
from slack_sdk import WebClient

from bot.blocks import fallback_text, render_blocks
from bot.blocks_kit import clip, escape, pack, person
from bot.content import (
    CaseCard,
    CommandHelp,
    Content,
    Count,
    Help,
    Listing,
    Match,
    Notice,
    PickList,
    Row,
    Summary,
)
from bot.masking import mask, masked_view
from cases.queries import CaseView, ClockView, DocumentView, TaskView

TODAY = date(2026, 11, 10)
NUMBER = "IC-2026-00412"


def clock(title: str, due: date, status: str, left: int | None, *, verified: bool = True) -> ClockView:
    return ClockView(title.replace(" ", "_"), title, "OAR 860-039-0025", date(2026, 11, 3), due, status, verified, left)


def task(kind: str, *, team: str = "coordinator", status: str = "open", assignee: str | None = None,
         due: date | None = date(2026, 11, 16)) -> TaskView:
    return TaskView(team, kind, kind.replace("_", " "), status, assignee, due)


def make_view(**changes: Any) -> CaseView:
    view = CaseView(
        number=NUMBER, program="net_metering", customer_class="residential", tier=1,
        tier_reasons=("Tier 1: inverter-based, 7.6 kW nameplate, UL 1741 SB (OAR 860-039-0030)",
                      "Tier 1: export within the 25 kW residential limit"),
        eligible=True, stage="incomplete", complete=False,
        missing=("a one-line diagram showing the AC disconnect", "a site plan"), flags=(),
        fee_due_usd=Decimal("200"), fee_paid_usd=Decimal("50"),
        received_at=datetime(2026, 11, 3, 16, 30, tzinfo=UTC), rule_version="2026-01",
        applicant={"name": "Marcus Bell", "email": "marcus.bell@example.com", "phone": "5035558827",
                   "mailing_address": None},
        site={"address": "4417 N Williams Ave", "city": "Portland", "state": "OR", "zip": "97217",
              "account_number": "4410028827", "meter_number": "M77123456"},
        installer={"company": "Bridgetown Solar", "contact": "Ana Ruiz", "email": "permits@bridgetown.example",
                   "phone": "5035550100", "license": "CCB 123456"},
        facility={"type": "solar", "nameplate_kw_ac": 7.6, "export_kw": 7.6, "inverter_ul1741": True},
        clocks=(clock("completeness notice", date(2026, 11, 6), "met", None),
                clock("cure period", date(2026, 11, 18), "running", 6),
                clock("tier 1 decision", date(2026, 11, 6), "running", -2, verified=False),
                clock("inspection", date(2026, 11, 10), "running", 0),
                clock("old cure period", date(2026, 10, 1), "lapsed", None),
                clock("agreed cure period", date(2026, 11, 13), "extended", 3)),
        tasks=(task("review_documents", assignee="U0JORDAN1"), task("send_notice", status="done"),
               task("protection_review", team="protection", assignee="sam", due=date(2026, 11, 2))),
        events=(), documents=(DocumentView("application", "app.pdf", "ab" * 32, 1000, date(2026, 11, 3)),),
        message_ids=(), notes=(), issues=(),
    )
    return replace(view, **changes)


def card(masked: bool = False, **changes: Any) -> CaseCard:
    return CaseCard(make_view(**changes), masked=masked, today=TODAY)


def texts(blocks: list[dict[str, Any]], kind: str | None = None) -> list[str]:
    """Every text in the blocks (of one kind: "mrkdwn" or "plain_text"), depth first."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            is_text = node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str)
            if is_text and kind in (None, node["type"]):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return found


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [b["accessory"] for b in blocks if b.get("accessory", {}).get("type") == "button"]
    found += [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return found


def assert_slack_accepts(blocks: list[dict[str, Any]]) -> None:
    assert blocks_problem(blocks, max_blocks=50) is None
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
    for element in buttons(blocks):
        assert len(element["text"]["text"]) <= 75
        assert len(element["action_id"]) <= 255
        assert len(element["value"]) <= 2000


# -- masking -------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "shown"), [
    ("4410028827", "••••8827"), ("12345", "••••2345"), ("1234", "••••"), ("7", "••••"), (None, None),
])
def test_mask_shows_only_the_last_four_characters(value: str | None, shown: str | None) -> None:
    assert mask(value) == shown


def test_masked_view_hides_customer_details_and_keeps_installer_contacts() -> None:
    view = make_view()

    masked = masked_view(view)

    assert masked.site["account_number"] == "••••8827"
    assert masked.site["meter_number"] == "••••3456"
    assert masked.applicant["email"] == "••••.com"
    assert masked.applicant["phone"] == "••••8827"
    assert masked.site["address"] == "4417 N Williams Ave"
    assert masked.installer == view.installer
    assert view.site["account_number"] == "4410028827", "the original view is left as it was"


def test_masked_view_leaves_unstated_values_unstated() -> None:
    view = make_view(site={"address": "1 Main St", "account_number": None}, applicant={"name": "A"})

    masked = masked_view(view)

    assert masked.site == {"address": "1 Main St", "account_number": None}
    assert masked.applicant == {"name": "A"}


# -- the case card -------------------------------------------------------------------------


def test_card_header_names_case_customer_and_site() -> None:
    blocks = render_blocks(card())

    title = "IC-2026-00412 · Marcus Bell · 4417 N Williams Ave, Portland 97217"
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}}


def test_card_shows_program_tier_with_its_reason_stage_fee_and_missing_items() -> None:
    text = "\n".join(texts(render_blocks(card())))

    assert "*Net metering* · *Tier 1* — Tier 1: inverter-based, 7.6 kW nameplate" in text
    assert "7.6 kW AC · export 7.6 kW · solar · UL 1741" in text
    assert "Stage: *incomplete*" in text
    assert "$200.00 due · $50.00 paid · $150.00 outstanding" in text
    assert "*Missing:* a one-line diagram showing the AC disconnect, a site plan" in text
    assert "Bridgetown Solar · Ana Ruiz" in text


@pytest.mark.parametrize(("due", "paid", "shown"), [
    (None, Decimal(0), "not set yet"), (Decimal(0), Decimal(0), "none"),
    (Decimal(200), Decimal(200), "$200.00 due · $200.00 paid · paid in full"),
])
def test_card_fee_says_unset_none_or_paid(due: Decimal | None, paid: Decimal, shown: str) -> None:
    fields = render_blocks(card(fee_due_usd=due, fee_paid_usd=paid))[2]["fields"]

    assert fields[0]["text"] == f"*Fee*\n{shown}"


def test_card_clocks_show_due_dates_business_days_left_and_status() -> None:
    text = "\n".join(texts(render_blocks(card())))

    assert "*completeness notice* · due Nov 6 · ✓ met _(OAR 860-039-0025)_" in text
    assert "*cure period* · due Nov 18 · 6 business days left" in text
    assert "*tier 1 decision* · due Nov 6 · :rotating_light: overdue by 2 business days" in text
    assert "_length not verified_" in text
    assert "*inspection* · due Nov 10 · due today" in text
    assert "*old cure period* · due Oct 1 · ✗ lapsed" in text
    assert "*agreed cure period* · due Nov 13 · extended · 3 business days left" in text


def test_card_lists_open_tasks_each_with_a_done_button() -> None:
    blocks = render_blocks(card())
    done = [b for b in blocks if b.get("accessory", {}).get("action_id") == "case_task_done"]

    assert [b["accessory"]["value"] for b in done] == [f"{NUMBER}|review_documents", f"{NUMBER}|protection_review"]
    assert done[0]["text"]["text"] == "*coordinator* · review documents · due Nov 16 · <@U0JORDAN1>"
    assert done[1]["text"]["text"] == "*protection* · protection review · :warning: due Nov 2 · sam"
    assert "send notice" not in json.dumps(blocks), "done tasks are not shown"


def test_card_actions_assign_request_documents_and_advance_with_confirmation() -> None:
    blocks = render_blocks(card())
    row = next(b for b in blocks if b["type"] == "actions")

    assert [(e["action_id"], e["value"]) for e in row["elements"]] == [
        ("case_assign_me", NUMBER), ("case_request_documents", NUMBER), ("case_advance", NUMBER)]
    confirm = row["elements"][2]["confirm"]
    assert confirm["title"]["text"] == "Advance this case?"
    assert confirm["text"]["text"] == f"Move {NUMBER} on from *incomplete*? Next: complete, denied."
    assert (confirm["confirm"]["text"], confirm["deny"]["text"]) == ("Advance", "Cancel")


def test_card_of_a_complete_case_offers_no_document_request() -> None:
    blocks = render_blocks(card(missing=(), complete=True, stage="complete"))

    assert "case_request_documents" not in [b["action_id"] for b in buttons(blocks)]
    assert not any("Missing" in t for t in texts(blocks))


@pytest.mark.parametrize("stage", ["closed", "withdrawn", "deemed_withdrawn", "no_such_stage"])
def test_card_of_a_finished_case_offers_no_advance(stage: str) -> None:
    blocks = render_blocks(card(stage=stage))

    assert "case_advance" not in [b["action_id"] for b in buttons(blocks)]


def test_card_without_open_tasks_says_so() -> None:
    blocks = render_blocks(card(tasks=()))

    assert {"type": "context", "elements": [{"type": "mrkdwn", "text": "No open tasks."}]} in blocks


def test_masked_card_shows_only_last_four_of_account_meter_email_and_phone() -> None:
    blocks = render_blocks(card(masked=True))
    dumped = json.dumps(blocks, ensure_ascii=False)

    for secret in ("4410028827", "M77123456", "marcus.bell@example.com", "5035558827"):
        assert secret not in dumped
    assert "••••8827 · meter ••••3456" in dumped
    assert "••••.com · ••••8827" in dumped
    assert "5035550100 · permits@bridgetown.example" in dumped, "installer contacts stay visible"
    assert "account and contact details masked" in blocks[-1]["elements"][0]["text"]


def test_unmasked_card_shows_the_account_in_full() -> None:
    dumped = json.dumps(render_blocks(card(masked=False)), ensure_ascii=False)

    assert "4410028827 · meter M77123456" in dumped


def test_user_text_cannot_mention_anyone() -> None:
    hostile = "<!channel> & <@U024BE7LH> <https://evil.example|click>"
    view_card = card(applicant={"name": hostile}, site={"address": hostile, "city": "<!here>"},
                     missing=(hostile,), tier_reasons=(f"Tier 1: {hostile}",),
                     tasks=(task("x", assignee=hostile),))
    contents: list[Content] = [
        view_card, PickList(hostile, (Match(NUMBER, hostile, hostile, "incomplete", 80.0),)),
        Listing(hostile, (Row(NUMBER, hostile, hostile, TODAY, hostile, 1),)), Notice(hostile, ok=False),
        Help((CommandHelp("status", hostile, hostile, hostile),), intro=hostile),
    ]

    for content in contents:
        blocks = render_blocks(content)
        for text in [*texts(blocks, "mrkdwn"), fallback_text(content)]:
            assert "<" not in text, text
        assert any("&lt;!channel&gt; &amp; &lt;@U024BE7LH&gt;" in t for t in texts(blocks, "mrkdwn"))


def test_card_with_300_tasks_and_oversized_values_stays_within_slack_limits() -> None:
    huge = "Ω" * 5000
    blocks = render_blocks(card(
        applicant={"name": huge, "email": huge, "phone": huge}, site={"address": huge, "city": huge},
        installer={"company": huge, "contact": huge}, tier_reasons=(huge,), flags=(huge,),
        missing=tuple(f"document {i} {'x' * 80}" for i in range(200)),
        clocks=tuple(clock(f"clock {i} {'y' * 100}", TODAY, "running", i) for i in range(60)),
        tasks=tuple(task(f"task_{i}", assignee=huge) for i in range(300)),
    ))

    assert_slack_accepts(blocks)
    assert blocks[0]["text"]["text"].endswith("…")
    assert sum(1 for b in buttons(blocks) if b["action_id"] == "case_task_done") == 10
    assert {"type": "context", "elements": [{"type": "mrkdwn", "text": "… and 290 more open tasks"}]} in blocks
    show_all = [b for b in buttons(blocks) if b["action_id"] == "show_all"]
    assert [b["value"] for b in show_all] == [f"clocks|{NUMBER}", f"tasks|{NUMBER}"]
    assert any(t.startswith("*Missing:* document 0") and " more" in t for t in texts(blocks))


def test_card_fallback_names_the_case_and_never_the_account() -> None:
    text = fallback_text(card(masked=True))

    assert text == "IC-2026-00412 · Marcus Bell · 4417 N Williams Ave, Portland 97217 — incomplete, Tier 1"


# -- the other answers ---------------------------------------------------------------------


def test_notice_is_one_section_with_a_warning_when_refused() -> None:
    assert render_blocks(Notice("Done: IC-2026-00412 is assigned to you.")) == [
        {"type": "section", "text": {"type": "mrkdwn", "text": "Done: IC-2026-00412 is assigned to you."}}]
    assert render_blocks(Notice("I don't know `frob`.", ok=False))[0]["text"]["text"] == (
        ":warning: I don't know `frob`.")
    assert fallback_text(Notice("no such case", ok=False)) == ":warning: no such case"


def test_pick_list_offers_a_show_button_per_match() -> None:
    picks = PickList("williams", (Match(NUMBER, "Marcus Bell", "4417 N Williams Ave", "in_review", 88.0),
                                  Match("IC-2026-00377", None, None, "approved", 70.0)))

    blocks = render_blocks(picks)

    assert blocks[0]["text"]["text"] == "2 cases match “williams”. Which one do you mean?"
    assert blocks[1]["text"]["text"] == f"*{NUMBER}* · Marcus Bell · 4417 N Williams Ave · in review"
    assert blocks[2]["text"]["text"] == "*IC-2026-00377* · name not stated · address not stated · approved"
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons(blocks)] == [
        ("case_show", NUMBER, "Show"), ("case_show", "IC-2026-00377", "Show")]
    assert fallback_text(picks) == "2 cases match “williams”"


def test_long_pick_list_is_cut_with_a_show_all_button() -> None:
    picks = PickList("st", tuple(Match(f"IC-2026-{i:05d}", "N", "A", "received", 61.0) for i in range(25)))

    blocks = render_blocks(picks)

    assert_slack_accepts(blocks)
    assert len([b for b in buttons(blocks) if b["action_id"] == "case_show"]) == 10
    assert blocks[-2]["elements"][0]["text"] == "… and 15 more matches"
    assert blocks[-1]["elements"][0]["value"] == "search|st"


def test_listing_rows_say_what_is_due_with_whom_and_how_late() -> None:
    listing = Listing("Overdue", (
        Row("IC-2026-00355", "Rosa Delgado", "Tier 2 decision (OAR 860-082-0060)", date(2026, 11, 3), "U0SAM0001", 1),
        Row("IC-2026-00360", None, "metering · meter exchange", None),
    ))

    blocks = render_blocks(listing)

    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "Overdue (2)", "emoji": True}}
    assert blocks[1]["text"]["text"] == (
        "*IC-2026-00355* · Rosa Delgado · Tier 2 decision (OAR 860-082-0060) · due Nov 3, 2026 · <@U0SAM0001>"
        " · *1 business day late*\n"
        "*IC-2026-00360* · name not stated · metering · meter exchange")
    assert fallback_text(listing) == "Overdue: 2 items"


def test_empty_listing_says_so() -> None:
    listing = Listing("Your open tasks", (), empty="Nothing is assigned to you.")

    assert render_blocks(listing)[1]["text"]["text"] == "Nothing is assigned to you."
    assert fallback_text(listing) == "Your open tasks: Nothing is assigned to you."


def test_listing_of_200_overdue_rows_shows_30_and_a_show_all_button() -> None:
    rows = tuple(Row(f"IC-2026-{i:05d}", "Customer " + "n" * 60, "cure period " + "w" * 80, TODAY, "U0ABCDEF", i)
                 for i in range(200))

    blocks = render_blocks(Listing("Overdue", rows))

    assert_slack_accepts(blocks)
    shown = "\n".join(t for b in blocks if b["type"] == "section" for t in [b["text"]["text"]]).count("*IC-2026-")
    assert shown == 30
    assert blocks[-2] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "… and 170 more rows"}]}
    assert blocks[-1]["elements"][0] | {"text": None} == {
        "type": "button", "text": None, "action_id": "show_all", "value": "Overdue"}


def test_help_lists_each_command_with_usage_summary_and_example() -> None:
    help_ = Help((CommandHelp("status", "status <case number | address>", "a case's card", "status 4417 williams"),
                  CommandHelp("overdue", "overdue", "what is late", "overdue")), intro="Ask me about cases.")

    blocks = render_blocks(help_)

    assert blocks[0]["type"] == "header"
    assert blocks[1]["text"]["text"] == "Ask me about cases."
    assert blocks[2]["text"]["text"] == (
        "*status* — a case's card\n`status &lt;case number | address&gt;` · e.g. `status 4417 williams`\n"
        "*overdue* — what is late\n`overdue` · e.g. `overdue`")
    assert fallback_text(help_) == "What you can ask: status, overdue"


def test_help_with_very_many_commands_stays_within_limits() -> None:
    commands = tuple(CommandHelp(f"cmd{i}", f"cmd{i} " + "u" * 900, "s" * 900, "e" * 900) for i in range(120))

    assert_slack_accepts(render_blocks(Help(commands)))


def summary(overdue: int = 2) -> Summary:
    return Summary(
        period="October 2026", received=184, completed=171, decided=142, closed=97,
        by_stage=(Count("incomplete", 12), Count("in review", 30)), by_tier=(Count("Tier 1", 201), Count("Tier 2", 28)),
        by_program=(Count("net metering", 220),), median_business_days=(Count("complete → decision, Tier 1", 6),),
        clocks_met=412, clocks_lapsed=3, clocks_extended=5,
        overdue=tuple(Row(f"IC-2026-{i:05d}", "Sam Ortiz", "Tier 2 decision", TODAY, None, 1) for i in range(overdue)),
    )


def test_summary_shows_counts_breakdowns_clocks_and_overdue() -> None:
    blocks = render_blocks(summary())

    assert blocks[0]["text"]["text"] == "Interconnection desk · October 2026"
    assert blocks[1]["text"]["text"] == "*184* received · *171* complete · *142* decided · *97* closed"
    assert [f["text"] for f in blocks[2]["fields"]] == [
        "*Open by stage*\nincomplete: 12\nin review: 30", "*Open by tier*\nTier 1: 201\nTier 2: 28",
        "*Open by program*\nnet metering: 220", "*Median business days*\ncomplete → decision, Tier 1: 6",
        "*Clocks*\n412 met · 3 lapsed · 5 extended"]
    assert blocks[3]["text"]["text"] == "*Overdue* (2)"
    assert blocks[4]["text"]["text"].startswith("*IC-2026-00000* · Sam Ortiz · Tier 2 decision · due Nov 10, 2026")
    assert fallback_text(summary()) == (
        "October 2026 · 184 received · 171 complete · 142 decided · 97 closed · 2 overdue")


def test_summary_with_nothing_overdue_or_decided() -> None:
    blocks = render_blocks(replace(summary(0), median_business_days=()))

    assert blocks[-1]["text"]["text"] == "*Overdue:* nothing"
    assert blocks[2]["fields"][3]["text"] == "*Median business days*\nnone"


def test_summary_with_200_overdue_rows_shows_20_and_a_show_all_button() -> None:
    blocks = render_blocks(summary(200))

    assert_slack_accepts(blocks)
    assert blocks[-2]["elements"][0]["text"] == "… and 180 more rows"
    assert blocks[-1]["elements"][0]["value"] == "overdue"


# -- the helpers' edges --------------------------------------------------------------------


def test_clip_never_splits_an_escaped_entity() -> None:
    assert clip("abc", 3) == "abc"
    assert clip("abcdef", 4) == "abc…"
    assert clip(escape("a<b"), 4) == "a…"
    assert clip(escape("ab&"), 8) == "ab&amp;"


def test_pack_fills_sections_and_says_how_many_fit() -> None:
    blocks, shown = pack(["x" * 1000] * 10, 2)

    assert (len(blocks), shown) == (2, 4)
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks)


# -- what Slack says -----------------------------------------------------------------------


def slack_contents() -> list[Content]:
    hostile = "<!channel> & \"quotes\" " + "Ω" * 3000
    return [
        card(masked=True, applicant={"name": hostile}, tasks=tuple(task(f"t{i}") for i in range(300))),
        card(masked=False),
        PickList(hostile, tuple(Match(f"IC-2026-{i:05d}", hostile, hostile, "received", 70.0) for i in range(30))),
        Listing("Overdue", tuple(Row(f"IC-2026-{i:05d}", hostile, hostile, TODAY, "U0ABC", 3) for i in range(200))),
        Help(tuple(CommandHelp(f"c{i}", hostile, hostile, hostile) for i in range(60)), intro=hostile),
        summary(200),
        Notice(hostile, ok=False),
    ]


@pytest.mark.parametrize("content", slack_contents(), ids=lambda c: type(c).__name__)
def test_slack_accepts_every_rendered_answer(slack_api: SlackApiServer, content: Content) -> None:
    client = WebClient(token=DEFAULT_TOKEN, base_url=slack_api.base_url)

    response = client.chat_postMessage(channel="C_COORD", text=fallback_text(content), blocks=render_blocks(content))

    assert response["ok"] is True
    posted = slack_api.calls_to("chat.postMessage")[0]
    assert posted.param("blocks") == render_blocks(content)


def test_an_actor_who_is_a_sender_address_is_not_shown_whole() -> None:
    # What a customer's mail did is logged with their address as the actor; channels and
    # viewers see only the domain.
    assert person("rosa.delgado@example.com") == "e-mail from ••••@example.com"
    assert person("U0123ABC") == "<@U0123ABC>"
    assert person("intake") == "intake"
    assert person("a <b>") == "a &lt;b&gt;"
