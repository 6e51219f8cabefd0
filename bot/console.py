"""The terminal chat: the same commands as Slack, typed at a prompt, answered as text.

With a terminal it prompts; with piped input (or none) it answers each line and stops at
the end, so a script can drive it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.core import BotDeps, Caller
from bot.grammar import REGISTRY
from bot.text import render_text
from cases.messaging import OutboxItem
from cases.queries import DeskReader


def answer(line: str, caller: Caller, deps: BotDeps) -> str:
    """One command line in, the reply as text out."""
    return render_text(REGISTRY.dispatch(line, caller, deps))


def run_console(deps: BotDeps, caller: Caller, lines: Iterable[str], write: Callable[[str], None],
                prompt: str | None, after_each: Callable[[], object] | None = None) -> int:
    """Answer each line until the input ends or `quit`; `after_each` runs after every
    command (the embedded desk delivers the channel posts it caused). Returns how many
    commands ran."""
    count = 0
    if prompt:
        write(prompt)
    for raw in lines:
        line = raw.strip()
        if line.lower() in ("quit", "exit"):
            break
        if line:
            write(answer(line, caller, deps) + "\n")
            count += 1
            if after_each is not None:
                after_each()
        if prompt:
            write(prompt)
    return count


class ConsolePoster:
    """Plays the team channels on the terminal: each Slack notification from the outbox is
    printed as the line its channel would show."""

    def __init__(self, reader: Callable[[], DeskReader], write: Callable[[str], None]) -> None:
        self._reader = reader
        self._write = write

    def send(self, item: OutboxItem) -> None:
        """Print the post; a notice about a case names the case, its customer and what to do."""
        payload = item.payload
        channel = "#ic-" + item.recipient.removeprefix("team:")
        if payload.get("kind") != "task_card" or not item.case_number:
            self._write(f"{channel:<16} {payload.get('text', '')}\n")
            return
        view = self._reader().get(item.case_number)
        task = next((t for t in view.tasks if t.kind == payload.get("task")), None)
        what = task.title if task else str(payload.get("task"))
        due = f" · due {task.due_on.isoformat()}" if task and task.due_on else ""
        where = view.site.get("address") or "?"
        self._write(f"{channel:<16} {what} · {view.number} · {view.applicant.get('name') or '?'}, {where}{due}\n")
