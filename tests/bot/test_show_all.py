"""A case card's long lists: cut short on the card with a "Show all" button, and answered in
full a page at a time, every page within Slack's limits; over signed HTTP, the button's answer
is ephemeral and "Next page" turns the page in place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from servers.slack_api import SlackApiServer
from servers.slack_api_methods import blocks_problem
from test_blocks import make_view
from test_slack_http import COORDINATOR, VIEWER, Served, _press, served_bot

from bot.blocks import render_blocks
from bot.blocks_kit import SHOW_ALL
from bot.blocks_show_all import CARD_LISTS, parse_show_all_key, show_all_page
from bot.content import CaseCard
from cases import services
from cases.queries import DocumentView, EventView

PACIFIC = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 11, 10)


def _documents(count: int) -> tuple[DocumentView, ...]:
    return tuple(DocumentView("site_plan", f"plan-{i:03d}.pdf", "ab" * 32, 10, date(2026, 11, 3)) for i in range(count))


def _events(count: int, note: str = "") -> tuple[EventView, ...]:
    start = datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
    return tuple(EventView(start + timedelta(minutes=i), "U0JORDAN1", f"note added {i:03d}", {}, note or None)
                 for i in range(count))


def _issues(count: int) -> tuple[dict[str, Any], ...]:
    return tuple({"text": f"question {i:03d}", "opened_by": "U0JO", "resolution": "answered" if i % 2 else None,
                  "resolved_by": "U0JO" if i % 2 else None} for i in range(count))


def _buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if element.get("type") == "button":
                found.append(element)
    return found


def _all_text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_the_card_cuts_long_documents_and_issues_short_and_offers_the_history() -> None:
    view = make_view(documents=_documents(40), issues=_issues(12), events=_events(300))
    blocks = render_blocks(CaseCard(view, masked=True, today=TODAY))

    assert blocks_problem(blocks, max_blocks=50) is None
    text = _all_text(blocks)
    assert "*Documents* (40)" in text
    assert "plan-004.pdf" in text
    assert "plan-005.pdf" not in text
    assert "… and 35 more documents" in text
    assert "*Customer issues* (12)" in text
    # Open issues first, each with the number `resolve` takes.
    assert text.index("#1 question 000") < text.index("#3 question 002") < text.index("#5 question 004")
    assert "#2 question 001" not in text
    show_all = [b["value"] for b in _buttons(blocks) if b["action_id"] == SHOW_ALL]
    assert show_all == ["issues|IC-2026-00412", "documents|IC-2026-00412", "events|IC-2026-00412"]


def test_a_short_list_has_no_show_all_button() -> None:
    blocks = render_blocks(CaseCard(make_view(documents=_documents(2)), masked=False, today=TODAY))

    assert "*Documents* (2)" in _all_text(blocks)
    assert not [b for b in _buttons(blocks) if b["action_id"] == SHOW_ALL]


def _pages(view: Any, what: str, masked: bool = False) -> list[tuple[str, list[dict[str, Any]]]]:
    pages = [show_all_page(view, what, 1, zone=PACIFIC, today=TODAY, masked=masked)]
    while (following := [b for b in _buttons(pages[-1][1]) if b["action_id"] == SHOW_ALL]):
        parsed = parse_show_all_key(following[0]["value"])
        assert parsed is not None
        pages.append(show_all_page(view, parsed[0], parsed[2], zone=PACIFIC, today=TODAY, masked=masked))
        assert len(pages) < 50, "the pages never end"
    return pages


def test_show_all_pages_through_every_entry_once_within_slacks_limits() -> None:
    long_note = "called the installer about the disconnect " * 40
    view = make_view(events=_events(300, long_note))

    pages = _pages(view, "events")

    assert len(pages) == 5
    for number, (text, blocks) in enumerate(pages, start=1):
        assert blocks_problem(blocks, max_blocks=50) is None
        assert f"page {number} of 5" in text
    shown = "".join(_all_text(blocks) for _, blocks in pages)
    assert [shown.count(f"note added {i:03d}*") for i in range(300)] == [1] * 300
    # Newest first, in the desk's time zone (17:00 UTC is 09:00 in Portland).
    assert shown.index("note added 299") < shown.index("note added 000")
    assert "Nov 3 09:00 · <@U0JORDAN1> · *note added 000*" in shown


@pytest.mark.parametrize("what", CARD_LISTS)
def test_every_card_list_can_be_shown_in_full(what: str) -> None:
    view = make_view(documents=_documents(130), issues=_issues(130), events=_events(130))
    view = replace(view, tasks=view.tasks * 50, clocks=view.clocks * 30)

    pages = _pages(view, what)

    assert all(blocks_problem(blocks, max_blocks=50) is None for _, blocks in pages)
    assert len(pages) >= 2
    assert "IC-2026-00412 · all" in pages[0][1][0]["text"]["text"]


def test_a_page_past_the_end_is_the_last_and_an_empty_list_says_so() -> None:
    view = make_view(documents=_documents(3))
    _, blocks = show_all_page(view, "documents", 9, zone=PACIFIC, today=TODAY, masked=False)
    assert "plan-002.pdf" in _all_text(blocks)
    assert not _buttons(blocks)

    _, blocks = show_all_page(make_view(issues=()), "issues", 1, zone=PACIFIC, today=TODAY, masked=False)
    assert "No customer issues on this case yet." in _all_text(blocks)


def test_history_masks_the_customers_details_unless_unmasked() -> None:
    event = EventView(datetime(2026, 11, 4, 18, tzinfo=UTC), "U0JO", "case corrected",
                      {"site.account_number": [None, "4410028827"], "applicant.phone": ["5035550100", "5035558827"],
                       "facility.export_kw": [7.6, 7.0]}, None)
    view = make_view(events=(event,))

    masked = _all_text(show_all_page(view, "events", 1, zone=PACIFIC, today=TODAY, masked=True)[1])
    unmasked = _all_text(show_all_page(view, "events", 1, zone=PACIFIC, today=TODAY, masked=False)[1])

    assert "4410028827" not in masked
    assert "••••8827" in masked
    assert "5035550100" not in masked
    assert "facility.export_kw: 7.6 → 7.0" in masked
    assert "site.account_number: — → 4410028827" in unmasked


@pytest.mark.parametrize(("key", "parsed"), [
    ("documents|IC-2026-00001", ("documents", "IC-2026-00001", 1)),
    ("events|IC-2026-00001|3", ("events", "IC-2026-00001", 3)),
    ("events|IC-2026-00001|0", None),
    ("events|IC-2026-00001|x", None),
    ("events|", None),
    ("Overdue", None),
    ("search|williams", None),
])
def test_show_all_keys(key: str, parsed: tuple[str, str, int] | None) -> None:
    assert parse_show_all_key(key) == parsed


# -- over signed HTTP ---------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path: Path, slack_api: SlackApiServer) -> Iterator[Served]:
    """The bot over HTTP with one complete case, as in the Slack transport's own tests."""
    with served_bot(tmp_path, slack_api) as running:
        yield running


def _answers(served: Served, count: int) -> list[Any]:
    return served.api.wait_for("hooks/action", count, timeout=5)


def test_show_all_answers_a_page_privately_and_next_page_turns_it(served: Served) -> None:
    for i in range(80):
        services.add_note(served.desk.unit_of_work(), served.number, f"call {i:02d} with the installer",
                          served.desk.now(), COORDINATOR)

    status, _ = _press(served, SHOW_ALL, f"events|{served.number}", COORDINATOR)
    (first,) = _answers(served, 1)
    _press(served, SHOW_ALL, f"events|{served.number}|2", COORDINATOR)
    second = _answers(served, 2)[1]

    assert status == 200
    assert first.param("response_type") == "ephemeral"
    assert first.param("replace_original") is False
    assert second.param("replace_original") is True
    for answer in (first, second):
        assert blocks_problem(answer.param("blocks"), max_blocks=50) is None
    assert "page 1 of 2" in first.param("text")
    assert "call 79 with the installer" in _all_text(first.param("blocks"))
    assert "call 00 with the installer" in _all_text(second.param("blocks"))
    assert not [b for b in _buttons(second.param("blocks")) if b["action_id"] == SHOW_ALL]


def test_show_all_of_an_unknown_case_says_so(served: Served) -> None:
    _press(served, SHOW_ALL, "documents|IC-2026-09999", VIEWER)
    (answer,) = _answers(served, 1)
    assert "IC-2026-09999" in _all_text(answer.param("blocks"))
    assert answer.param("response_type") == "ephemeral"


def test_assign_to_me_on_a_task_card_assigns_that_task(served: Served) -> None:
    _press(served, "task_assign_me", f"{served.number}|screening_review", COORDINATOR)
    _answers(served, 1)
    task = next(t for t in served.case().tasks if t.kind == "screening_review")
    assert task.assignee == COORDINATOR
    assert all(t.assignee is None for t in served.case().tasks if t.kind != "screening_review")
