"""What the bot answers, as data: each command returns one of these, and each transport
renders it its own way (Block Kit for Slack in `bot.blocks`, plain text for the terminal in
`bot.text`). Keeping the answer apart from its rendering is what lets one grammar serve the
slash command, mentions, DMs and the console."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cases.queries import CaseView


@dataclass(frozen=True)
class Notice:
    """A short answer: a confirmation, a refusal with its reason, a hint."""

    text: str
    ok: bool = True


@dataclass(frozen=True)
class CaseCard:
    """One case in full. `masked` hides account and meter numbers and customer contact
    details (last four characters shown), as channels require."""

    case: CaseView
    masked: bool
    today: date


@dataclass(frozen=True)
class Match:
    number: str
    name: str | None
    address: str | None
    stage: str
    score: float


@dataclass(frozen=True)
class PickList:
    """Several cases matched a search; the person picks one."""

    query: str
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class Row:
    """One line of a listing: a case and what is due on it."""

    number: str
    name: str | None
    what: str
    due_on: date | None
    who: str | None = None
    late_business_days: int = 0


@dataclass(frozen=True)
class Listing:
    title: str
    rows: tuple[Row, ...]
    empty: str = "nothing here"


@dataclass(frozen=True)
class CommandHelp:
    name: str
    usage: str
    summary: str
    example: str


@dataclass(frozen=True)
class Help:
    commands: tuple[CommandHelp, ...]
    intro: str = ""


@dataclass(frozen=True)
class Count:
    label: str
    value: int


@dataclass(frozen=True)
class Summary:
    """The manager's view of a period: counts, medians, clock compliance, what is overdue."""

    period: str
    received: int
    completed: int
    decided: int
    closed: int
    by_stage: tuple[Count, ...]
    by_tier: tuple[Count, ...]
    by_program: tuple[Count, ...]
    median_business_days: tuple[Count, ...]
    clocks_met: int
    clocks_lapsed: int
    clocks_extended: int
    overdue: tuple[Row, ...] = field(default_factory=tuple)


Content = Notice | CaseCard | PickList | Listing | Help | Summary
