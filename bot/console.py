"""The terminal chat: the same commands as Slack, typed at a prompt, answered as text.

With a terminal it prompts; with piped input (or none) it answers each line and stops at
the end, so a script can drive it. Files (a manager's report, the digest's chart) are written
to a folder and their paths printed, where Slack would upload them."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.core import BotDeps, Caller
from bot.grammar import REGISTRY
from bot.reports import ReportOrder, make_report
from bot.text import render_text
from cases.errors import DeskError
from cases.messaging import OutboxItem
from cases.ports import DeliveryFailed
from cases.queries import DeskReader
from cases.reports.digest_chart import draw_chart

log = logging.getLogger(__name__)


def write_file(folder: Path, name: str, data: bytes) -> Path:
    """Write `data` to `folder/name` whole or not at all (a temporary file, then a rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    partial = folder / f".{name}.partial"
    partial.write_bytes(data)
    os.replace(partial, path)
    return path


def _save_report(order: ReportOrder, deps: BotDeps, files_dir: Path | None) -> str:
    if files_dir is None:
        return "! This terminal has no folder to write reports to."
    try:
        report = make_report(deps, order.request)
        path = write_file(files_dir, report.filename, report.data)
    except DeskError as refusal:
        return f"! {refusal}"
    except OSError as error:
        return f"! could not write the {order.request.title} to {files_dir}: {error.strerror}"
    except Exception:
        # As in Slack: one line for the person, the traceback for the log, and the chat goes on.
        log.exception("the %s could not be built", order.request.title)
        return f"! Sorry, the {order.request.title} could not be built; the error is in the log."
    return f"{report.summary}\nwrote {path}"


def answer(line: str, caller: Caller, deps: BotDeps, files_dir: Path | None = None) -> str:
    """One command line in, the reply as text out; a report is written under `files_dir`."""
    content = REGISTRY.dispatch(line, caller, deps)
    if isinstance(content, ReportOrder):
        return render_text(content) + "\n" + _save_report(content, deps, files_dir)
    return render_text(content)


def run_console(deps: BotDeps, caller: Caller, lines: Iterable[str], write: Callable[[str], None],
                prompt: str | None, after_each: Callable[[], object] | None = None,
                files_dir: Path | None = None) -> int:
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
            write(answer(line, caller, deps, files_dir) + "\n")
            count += 1
            if after_each is not None:
                after_each()
        if prompt:
            write(prompt)
    return count


class ConsolePoster:
    """Plays the team channels on the terminal: each Slack notification from the outbox is
    printed as the line its channel would show; a chart is written under `files_dir` and its
    path printed."""

    def __init__(self, reader: Callable[[], DeskReader], write: Callable[[str], None],
                 files_dir: Path | None = None) -> None:
        self._reader = reader
        self._write = write
        self._files_dir = files_dir

    def send(self, item: OutboxItem) -> None:
        """Print the post; a notice about a case names the case, its customer and what to do."""
        payload = item.payload
        channel = "#ic-" + item.recipient.removeprefix("team:")
        if payload.get("kind") != "task_card" or not item.case_number:
            chart = self._chart(item)
            self._write(f"{channel:<16} {payload.get('text', '')}\n")
            if chart is not None:
                self._write(f"{channel:<16} chart: {chart}\n")
            return
        view = self._reader().get(item.case_number)
        task = next((t for t in view.tasks if t.kind == payload.get("task")), None)
        what = task.title if task else str(payload.get("task"))
        # Drawn as the case is now, as the Slack card is: a task already finished says so.
        state = f" · {task.status}" if task and task.status != "open" else ""
        due = f" · due {task.due_on.isoformat()}" if task and task.due_on and not state else ""
        who = f"{view.applicant.get('name') or '?'}, {view.site.get('address') or '?'}"
        self._write(f"{channel:<16} {what} · {view.number} · {who}{due}{state}\n")

    def _chart(self, item: OutboxItem) -> Path | None:
        """Write the item's chart, if it has one, before anything is printed: when it cannot be
        written the delivery fails whole and is tried again, rather than printing the text twice."""
        chart = item.payload.get("chart")
        if not isinstance(chart, dict) or self._files_dir is None:
            return None
        try:
            drawn = draw_chart(chart)
            return write_file(self._files_dir, drawn.filename, drawn.data)
        except ValueError as error:
            raise DeliveryFailed(f"outbox item {item.key} carries a chart that cannot be drawn: {error}") from None
        except OSError as error:
            raise DeliveryFailed(f"the chart could not be written to {self._files_dir}: {error.strerror}") from None
