"""The bot's answers as Slack Block Kit: pure functions from a content model to blocks and to
the notification text, tested as data.

Every message stays inside Slack's limits (50 blocks, 3000 characters a section, 150 a
header, …): a long list shows its first rows, then "… and N more" and a `show_all` button whose
value says which list it was ("overdue", "tasks|IC-2026-00001", "search|williams", or a
listing's title). User-typed text is escaped so that it can never mention anyone.
"""

from __future__ import annotations

from typing import assert_never

from bot.blocks_card import card_blocks, card_fallback
from bot.blocks_kit import (
    MAX_BLOCKS,
    SECTION_TEXT,
    Block,
    button,
    clip,
    day,
    escape,
    fields_section,
    header,
    more,
    pack,
    person,
    plural,
    section,
)
from bot.content import CaseCard, Content, Help, Listing, Notice, PickList, Row, Summary

# Rows shown before "Show all": a screenful, not the 50-block ceiling.
LIST_ROWS = 30
SUMMARY_ROWS = 20
PICKS_SHOWN = 10
# Blocks kept free for the header, the "… and N more" line and its button.
_SPARE_BLOCKS = 5


def row_line(row: Row) -> str:
    """One listing row: number · name · what · due · who · how late."""
    parts = [f"*{escape(row.number)}*", escape(row.name or "name not stated"), escape(row.what)]
    if row.due_on is not None:
        parts.append(f"due {day(row.due_on)}")
    who = person(row.who)
    if who:
        parts.append(who)
    if row.late_business_days > 0:
        parts.append(f"*{plural(row.late_business_days, 'business day')} late*")
    return " · ".join(parts)


def _rows(rows: tuple[Row, ...], shown_at_most: int, key: str) -> list[Block]:
    blocks, shown = pack([row_line(r) for r in rows[:shown_at_most]], MAX_BLOCKS - _SPARE_BLOCKS)
    hidden = len(rows) - shown
    return blocks + (more(hidden, "rows", key) if hidden > 0 else [])


def _notice(notice: Notice) -> list[Block]:
    prefix = "" if notice.ok else ":warning: "
    return [section(prefix + escape(notice.text))]


def _pick_list(picks: PickList) -> list[Block]:
    count = len(picks.matches)
    blocks = [section(f"{plural(count, 'case')} match “{escape(picks.query)}”. Which one do you mean?")]
    for match in picks.matches[:PICKS_SHOWN]:
        line = " · ".join([f"*{escape(match.number)}*", escape(match.name or "name not stated"),
                           escape(match.address or "address not stated"), escape(match.stage.replace("_", " "))])
        blocks.append(section(line, accessory=button("Show", "case_show", match.number)))
    hidden = count - PICKS_SHOWN
    return blocks + (more(hidden, "matches", f"search|{picks.query}") if hidden > 0 else [])


def _listing(listing: Listing) -> list[Block]:
    blocks = [header(f"{listing.title} ({len(listing.rows)})")]
    if not listing.rows:
        return [*blocks, section(escape(listing.empty))]
    return blocks + _rows(listing.rows, LIST_ROWS, listing.title)


def _help(help_: Help) -> list[Block]:
    blocks = [header("What you can ask icdesk")]
    if help_.intro:
        blocks.append(section(escape(help_.intro)))
    entries = [f"*{escape(c.name)}* — {escape(c.summary)}\n`{escape(c.usage)}` · e.g. `{escape(c.example)}`"
               for c in help_.commands]
    packed, shown = pack(entries, MAX_BLOCKS - _SPARE_BLOCKS, limit=SECTION_TEXT)
    hidden = len(entries) - shown
    return blocks + packed + (more(hidden, "commands", "help") if hidden > 0 else [])


def _counts(title: str, counts: tuple[tuple[str, int], ...]) -> str:
    lines = [f"{escape(label)}: {value}" for label, value in counts] or ["none"]
    return f"*{title}*\n" + "\n".join(lines)


def _summary(summary: Summary) -> list[Block]:
    figures = (f"*{summary.received}* received · *{summary.completed}* complete · "
               f"*{summary.decided}* decided · *{summary.closed}* closed")
    clocks = (f"*Clocks*\n{summary.clocks_met} met · {summary.clocks_lapsed} lapsed · "
              f"{summary.clocks_extended} extended")
    fields = [
        _counts("Open by stage", tuple((c.label, c.value) for c in summary.by_stage)),
        _counts("Open by tier", tuple((c.label, c.value) for c in summary.by_tier)),
        _counts("Open by program", tuple((c.label, c.value) for c in summary.by_program)),
        _counts("Median business days", tuple((c.label, c.value) for c in summary.median_business_days)),
        clocks,
    ]
    blocks = [header(f"Interconnection desk · {summary.period}"), section(figures), fields_section(fields)]
    if not summary.overdue:
        return [*blocks, section("*Overdue:* nothing")]
    blocks.append(section(f"*Overdue* ({len(summary.overdue)})"))
    return blocks + _rows(summary.overdue, SUMMARY_ROWS, "overdue")


def render_blocks(content: Content) -> list[Block]:
    """The Block Kit blocks of `content`, ready for `chat.postMessage(blocks=...)`."""
    match content:
        case Notice():
            return _notice(content)
        case CaseCard():
            return card_blocks(content)
        case PickList():
            return _pick_list(content)
        case Listing():
            return _listing(content)
        case Help():
            return _help(content)
        case Summary():
            return _summary(content)
        case _:
            assert_never(content)


def _summary_text(summary: Summary) -> str:
    return (f"{summary.period} · {summary.received} received · {summary.completed} complete · "
            f"{summary.decided} decided · {summary.closed} closed · {len(summary.overdue)} overdue")


def fallback_text(content: Content) -> str:
    """The message's `text`: what notifications and screen readers show instead of the blocks.

    It is mrkdwn too (Slack expands mentions in it), so user-typed parts are escaped here as well.
    """
    match content:
        case Notice():
            text = ("" if content.ok else ":warning: ") + escape(content.text)
        case CaseCard():
            text = card_fallback(content)
        case PickList():
            text = f"{plural(len(content.matches), 'case')} match “{escape(content.query)}”"
        case Listing():
            count = len(content.rows)
            text = escape(f"{content.title}: {plural(count, 'item') if count else content.empty}")
        case Help():
            text = "What you can ask: " + escape(", ".join(c.name for c in content.commands))
        case Summary():
            text = escape(_summary_text(content))
        case _:
            assert_never(content)
    return clip(text, SECTION_TEXT)
