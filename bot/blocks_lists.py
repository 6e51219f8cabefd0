"""The entries of the lists a case card cuts short (tasks, documents, activity, customer
issues), one line each, and the short form a card shows: the first few, then "… and N more"
with a `show_all` button whose value names the list and the case (`documents|IC-2026-00412`)."""

from __future__ import annotations

from datetime import date, tzinfo
from typing import Any

from bot.blocks_kit import Block, clip, day, escape, more, pack, person
from bot.masking import mask
from cases.queries import DocumentView, EventView, TaskView

# One entry is a line or two, never a wall: an event with a long note is cut here.
ENTRY_TEXT = 600
# Change values worth hiding in an event (the customer's account, meter and contact details).
_PRIVATE_FIELDS = ("account", "meter", "email", "phone")


def document_line(document: DocumentView, today: date) -> str:
    """"one line diagram · diagram.pdf · Nov 3"."""
    kind = document.kind.replace("_", " ")
    return f"{escape(kind)} · {escape(document.filename)} · {day(document.received_on, today)}"


def _value(field: str, value: Any, masked: bool) -> str:
    text = "—" if value in (None, "") else str(value)
    private = masked and value not in (None, "") and any(word in field.lower() for word in _PRIVATE_FIELDS)
    return escape((mask(text) or "") if private else text)


def event_line(event: EventView, zone: tzinfo, today: date, masked: bool) -> str:
    """When (in the desk's `zone`), who, what, the fields it changed (private ones masked when
    `masked`) and its note."""
    changes = []
    for field, change in event.changes.items():
        before, after = change if isinstance(change, list | tuple) and len(change) == 2 else (None, change)
        changes.append(f"{escape(field)}: {_value(field, before, masked)} → {_value(field, after, masked)}")
    note = f" — _{escape(clip(event.note, 300))}_" if event.note else ""
    detail = f" ({'; '.join(changes)})" if changes else ""
    at = event.at.astimezone(zone)
    when = f"{day(at.date(), today)} {at:%H:%M}"
    return clip(f"{when} · {person(event.actor) or '?'} · *{escape(event.action)}*{detail}{note}", ENTRY_TEXT)


def issue_line(index: int, issue: dict[str, Any]) -> str:
    """"#2 asks about batteries · *open*", or "… · resolved by <@U0JO>: explained"."""
    text = escape(clip(str(issue.get("text") or ""), 400))
    if not issue.get("resolution"):
        return f"#{index} {text} · *open*"
    resolution = escape(clip(str(issue["resolution"]), 300))
    return f"#{index} {text} · resolved by {person(str(issue.get('resolved_by') or '?'))}: {resolution}"


def task_entry(task: TaskView, today: date) -> str:
    """A task with its team, state, due date and assignee (every state, for the full list)."""
    due = f"due {day(task.due_on, today)}" if task.due_on else None
    parts = [f"*{escape(task.team)}*", escape(task.title), escape(task.status), due, person(task.assignee)]
    return " · ".join(p for p in parts if p)


def short_list(title: str, entries: list[str], at_most: int, what: str, number: str) -> list[Block]:
    """A card's list in one section: the title with the count and the first `at_most` entries
    (fewer if they do not fit), then "… and N more" with a "Show all" button."""
    if not entries:
        return []
    blocks, shown = pack([f"*{title}* ({len(entries)})\n" + entries[0], *entries[1:at_most]], 1)
    hidden = len(entries) - shown
    return blocks + (more(hidden, what, show_all_key(what, number)) if hidden > 0 else [])


def show_all_key(what: str, number: str, page: int = 1) -> str:
    """The value of a "Show all" (or next-page) button for one of a case's lists."""
    return f"{what}|{number}" + (f"|{page}" if page > 1 else "")
