"""Block Kit's building blocks, each kept inside the limits Slack enforces.

Slack refuses a whole message (`invalid_blocks`) when one text is a character too long, so
every builder here clips what it is given rather than trusting its caller. Text that people
typed (names, addresses, search words) goes through `escape` before it reaches mrkdwn: Slack
reads `<!channel>` or `<@U123>` in mrkdwn as a mention, and a customer's name must never ping
a channel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.masking import MASK

Block = dict[str, Any]

# Slack's documented limits (Block Kit reference; chat.postMessage).
MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
CONTEXT_TEXT = 3000
BUTTON_TEXT = 75
ACTION_ID = 255
VALUE = 2000
ACTIONS_ELEMENTS = 25
SECTION_FIELDS = 10
FIELD_TEXT = 2000
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30

SHOW_ALL = "show_all"
ELLIPSIS = "…"

# A Slack user id, which `<@…>` turns into a name; anything else is shown as typed.
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
# The longest entity `escape` writes ("&amp;"), so a cut never leaves half of one.
_LONGEST_ENTITY = 5


def escape(text: str) -> str:
    """`text` made inert for mrkdwn: the three characters Slack gives meaning to, as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in "…" when cut.

    Escaped text is cut before an entity it would split, so Slack never shows "&am".
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - _LONGEST_ENTITY))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + ELLIPSIS


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object; Slack shows it as typed (no mentions, no links), so it is not escaped."""
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    """A mrkdwn object; `text` must already have its user-typed parts escaped."""
    return {"type": "mrkdwn", "text": clip(text, limit)}


def header(text: str) -> Block:
    """A header block: one line of large plain text."""
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def section(text: str, *, accessory: dict[str, Any] | None = None) -> Block:
    """A section of mrkdwn, optionally with one element (a button) on its right."""
    block: Block = {"type": "section", "text": mrkdwn(text, SECTION_TEXT)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def fields_section(fields: Sequence[str]) -> Block:
    """A section of two-column mrkdwn fields (at most ten, each clipped)."""
    return {"type": "section", "fields": [mrkdwn(f, FIELD_TEXT) for f in fields[:SECTION_FIELDS]]}


def context(text: str) -> Block:
    """A context block: one line of small grey mrkdwn."""
    return {"type": "context", "elements": [mrkdwn(text, CONTEXT_TEXT)]}


def confirm(title: str, text: str, ok: str, deny: str) -> dict[str, Any]:
    """A confirmation dialog Slack shows before it sends the button's action."""
    return {"title": plain(title, CONFIRM_TITLE), "text": mrkdwn(text, CONFIRM_TEXT),
            "confirm": plain(ok, CONFIRM_BUTTON), "deny": plain(deny, CONFIRM_BUTTON)}


def button(text: str, action_id: str, value: str, *, style: str | None = None,
           confirmation: dict[str, Any] | None = None) -> dict[str, Any]:
    """A button; `style` is "primary" or "danger"."""
    element: dict[str, Any] = {"type": "button", "text": plain(text, BUTTON_TEXT),
                               "action_id": action_id[:ACTION_ID], "value": value[:VALUE]}
    if style is not None:
        element["style"] = style
    if confirmation is not None:
        element["confirm"] = confirmation
    return element


def actions(elements: Sequence[dict[str, Any]]) -> Block:
    """A row of buttons (at most 25)."""
    return {"type": "actions", "elements": list(elements[:ACTIONS_ELEMENTS])}


def more(hidden: int, what: str, key: str) -> list[Block]:
    """The tail of a truncated list: how many were left out, and a button to see them all.

    `key` says which list (e.g. "overdue", "tasks|IC-2026-00001") so the `show_all` handler
    can answer with the whole list, as a file or in pages.
    """
    return [context(f"{ELLIPSIS} and {hidden} more {what}"),
            actions([button("Show all", SHOW_ALL, key)])]


def pack(entries: Sequence[str], max_sections: int, *, limit: int = SECTION_TEXT) -> tuple[list[Block], int]:
    """Sections holding as many `entries` (one line or paragraph each) as fit, and how many did.

    Lines are packed several to a section rather than one block each, since a message holds
    only 50 blocks; an entry longer than a section is clipped to one section of its own.
    """
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for shown, raw in enumerate(entries):
        entry = clip(raw, limit)
        if current and size + 1 + len(entry) > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        if len(blocks) == max_sections:
            return blocks, shown
        size += len(entry) + (1 if current else 0)
        current.append(entry)
    if current:
        blocks.append(section("\n".join(current)))
    return blocks, len(entries)


def person(who: str | None) -> str | None:
    """A Slack user id as a mention (people expect to see a name); a sender's e-mail address
    (the actor of what their mail did) as "e-mail from ••••@their.domain", since a customer's
    address is not shown in channels or to viewers; anything else escaped."""
    if who is None:
        return None
    if _USER_ID.match(who):
        return f"<@{who}>"
    local, at, domain = who.partition("@")
    if at and local and "." in domain and " " not in who:
        return f"e-mail from {MASK}@{escape(domain)}"
    return escape(who)


def day(when: date, today: date | None = None) -> str:
    """A short date, "Nov 18"; the year is shown unless it is `today`'s year."""
    if today is not None and when.year == today.year:
        return f"{when:%b} {when.day}"
    return f"{when:%b} {when.day}, {when.year}"


def plural(count: int, noun: str) -> str:
    """"1 business day", "3 business days"."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
