"""What the team channels receive from the outbox, rendered at delivery time from the case as
it is then: a task card for a new task, a line for reminders, lapses and digests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.blocks_kit import actions, button, context, escape, section
from cases.messaging import OutboxItem
from cases.ports import NotificationSender
from cases.queries import CaseView, DeskReader


def task_card(view: CaseView, task_kind: str) -> dict[str, Any]:
    """A routed task: what to do, for which case and site, by when, with its buttons."""
    task = next((t for t in view.tasks if t.kind == task_kind), None)
    title = task.title if task else task_kind.replace("_", " ")
    site = ", ".join(p for p in (view.site.get("address"), view.site.get("city")) if p) or "site not stated"
    due = f"Due {task.due_on.isoformat()}" if task and task.due_on else "No due date"
    text = f"{title} · {view.number} · {view.applicant.get('name') or 'applicant'}, {site}"
    blocks = [
        section(f"*{escape(title.capitalize())}* · {escape(view.number)}\n{escape(site)}"),
        context(f"{escape(view.program.replace('_', ' '))} · Tier {view.tier or '?'} · "
                f"stage {escape(view.stage.replace('_', ' '))} · {due}"),
        actions([button("Assign to me", "case_assign_me", view.number),
                 button("Done", "case_task_done", f"{view.number}|{task_kind}"),
                 button("Open case", "case_show", view.number)]),
    ]
    return {"text": text, "blocks": blocks}


class ChannelPoster:
    """Renders the core's channel notifications and hands them to the Slack sender."""

    def __init__(self, sender: NotificationSender, reader: Callable[[], DeskReader]) -> None:
        self._sender = sender
        self._reader = reader

    def send(self, item: OutboxItem) -> None:
        """Render (a task card from the current case, or the text) and post."""
        payload = dict(item.payload)
        if payload.get("kind") == "task_card" and item.case_number:
            payload.update(task_card(self._reader().get(item.case_number), str(payload.get("task"))))
        self._sender.send(replace(item, payload=payload))
