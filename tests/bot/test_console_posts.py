"""The team channels as the terminal plays them: a task card is drawn from the case as it is
when it is delivered, so a task already finished says so instead of showing a due date."""

from __future__ import annotations

from pathlib import Path

import pytest
from bot_support import BotDesk
from support import pacific

from bot import console
from bot.console import ConsolePoster
from bot.core import Caller, Role
from cases.messaging import Channel, OutboxItem


def card(number: str, task: str) -> OutboxItem:
    return OutboxItem(key=f"task:{number}:{task}", channel=Channel.SLACK, recipient="team:protection",
                      payload={"kind": "task_card", "case": number, "task": task, "team": "protection"},
                      created_at=pacific(2026, 11, 3, 9), case_number=number)


def test_a_card_shows_its_task_open_with_its_due_date_or_done(desk: BotDesk) -> None:
    # Eight business days from Monday the 2nd, Veterans Day (the 11th) not counted: the 13th.
    number = desk.register(pacific(2026, 11, 2, 9), "residential", ("one_line_diagram", "site_plan", "spec_sheet"))
    lines: list[str] = []
    poster = ConsolePoster(desk.deps.reader, lines.append)

    poster.send(card(number, "screening_review"))
    desk.ask(f"done {number} screening_review", Role.PROTECTION, user="U200")
    poster.send(card(number, "screening_review"))

    heading = f"#ic-protection   run the interconnection screens · {number} · Marcus Bell, 4417 N Williams Ave"
    assert lines == [f"{heading} · due 2026-11-13\n", f"{heading} · done\n"]


def test_a_report_that_fails_to_build_is_one_line_and_the_chat_goes_on(
        desk: BotDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("the workbook library fell over")

    monkeypatch.setattr(console, "make_report", broken)
    manager = Caller(user_id="U9", roles=frozenset({Role.MANAGER}), private=True)
    reply = console.answer("report queue", manager, desk.deps, tmp_path)
    assert reply.splitlines()[-1] == "! Sorry, the queue report could not be built; the error is in the log."
    assert "the workbook library fell over" in caplog.text
    assert console.answer("help", manager, desk.deps, tmp_path).strip()
