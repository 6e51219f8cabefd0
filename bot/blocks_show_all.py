"""The answer to a case card's "Show all": one of the case's lists in full, a page at a time.

Each page keeps inside Slack's limits (at most 50 blocks, 3000 characters a section) by
packing several entries to a section, and ends with a button for the next page whose value
carries the page number (`documents|IC-2026-00412|2`), so paging needs no state of ours."""

from __future__ import annotations

from datetime import date, tzinfo

from bot.blocks_card import clock_line
from bot.blocks_kit import MAX_BLOCKS, SHOW_ALL, Block, actions, button, context, escape, header, pack, section
from bot.blocks_lists import document_line, event_line, issue_line, show_all_key, task_entry
from bot.masking import masked_view
from cases.queries import CaseView

CARD_LISTS = ("tasks", "clocks", "documents", "events", "issues")
_TITLES = {"tasks": "tasks", "clocks": "clocks", "documents": "documents", "events": "history",
           "issues": "customer issues"}
# A page is a screenful: at most this many entries, in at most this many sections (the other
# blocks of Slack's 50 are the title, the page line and the next-page button).
PAGE_ENTRIES = 60
PAGE_SECTIONS = MAX_BLOCKS - 5


def parse_show_all_key(key: str) -> tuple[str, str, int] | None:
    """(list, case number, page) of a card list's button value; None for any other value."""
    parts = key.split("|")
    if len(parts) not in (2, 3) or parts[0] not in CARD_LISTS or not parts[1]:
        return None
    page = parts[2] if len(parts) == 3 else "1"
    if not page.isdigit() or int(page) < 1:
        return None
    return parts[0], parts[1], int(page)


def list_entries(view: CaseView, what: str, zone: tzinfo, today: date, masked: bool) -> list[str]:
    """Every entry of one of the card's lists: the history newest first, the others in case order."""
    if what == "tasks":
        return [task_entry(t, today) for t in view.tasks]
    if what == "clocks":
        return [clock_line(c, today) for c in view.clocks]
    if what == "documents":
        return [document_line(d, today) for d in view.documents]
    if what == "events":
        return [event_line(e, zone, today, masked) for e in reversed(view.events)]
    if what == "issues":
        return [issue_line(i, issue) for i, issue in enumerate(view.issues, start=1)]
    raise ValueError(f"a case card has no list {what!r}")


def _pages(entries: list[str]) -> list[list[Block]]:
    pages: list[list[Block]] = []
    start = 0
    while start < len(entries):
        blocks, shown = pack(entries[start:start + PAGE_ENTRIES], PAGE_SECTIONS)
        pages.append(blocks)
        start += max(shown, 1)
    return pages


def show_all_page(view: CaseView, what: str, page: int, *, zone: tzinfo, today: date,
                  masked: bool) -> tuple[str, list[Block]]:
    """Page `page` (the last one if there are fewer) of one of the case's lists in full: the
    answer's notification text and blocks. `masked` hides the customer's account, meter and
    contact details, as everywhere outside a coordinator's private answers."""
    shown = masked_view(view) if masked else view
    entries = list_entries(shown, what, zone, today, masked)
    title = f"{view.number} · all {_TITLES[what]} ({len(entries)})"
    if not entries:
        return escape(title), [header(title), section(f"No {_TITLES[what]} on this case yet.")]
    pages = _pages(entries)
    page = min(page, len(pages))
    blocks = [header(title)]
    if len(pages) > 1:
        blocks.append(context(f"Page {page} of {len(pages)}"))
    blocks += pages[page - 1]
    if page < len(pages):
        blocks.append(actions([button(f"Next page ({page + 1} of {len(pages)})", SHOW_ALL,
                                      show_all_key(what, view.number, page + 1))]))
    return escape(title + (f", page {page} of {len(pages)}" if len(pages) > 1 else "")), blocks
