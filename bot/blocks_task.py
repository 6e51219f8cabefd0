"""A team's task card in its channel, and the lines its thread receives.

One card per case and channel: it lists the team's tasks on the case as they stand now
(open ones with a Done button, finished ones struck through), the stage, and the buttons
that still make sense; the bot edits it in place as the case moves, and says what happened
in the card's thread."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.blocks_kit import (
    SECTION_TEXT,
    Block,
    actions,
    button,
    clip,
    context,
    day,
    escape,
    more,
    person,
    section,
)
from cases.queries import CaseView, TaskView

# Slack metadata that marks a message as a case's task card, so a retry can find one an
# earlier attempt posted before its answer was lost.
CARD_EVENT = "icdesk_task_card"
TASKS_ON_CARD = 10
ASSIGN_TASK_ACTION = "task_assign_me"
_STATE = {"done": "✓ done", "cancelled": "cancelled"}


def _site(view: CaseView) -> str:
    return ", ".join(str(p) for p in (view.site.get("address"), view.site.get("city")) if p) or "site not stated"


def _task_line(task: TaskView, today: date) -> str:
    if task.status != "open":
        return f"~{escape(task.title)}~ · {_STATE.get(task.status, escape(task.status))}"
    due = None
    if task.due_on is not None:
        due = (":warning: " if task.due_on < today else "") + f"due {day(task.due_on, today)}"
    parts = [f"*{escape(task.title)}*", due, person(task.assignee) or "_unassigned_"]
    return " · ".join(p for p in parts if p)


def _task_block(view: CaseView, task: TaskView, today: date) -> Block:
    if task.status != "open":
        return section(_task_line(task, today))
    return section(_task_line(task, today),
                   accessory=button("Done", "case_task_done", f"{view.number}|{task.kind}", style="primary"))


def team_tasks(view: CaseView, team: str) -> list[TaskView]:
    """The team's tasks on the case, open ones first, each group in the order they were opened."""
    mine = [t for t in view.tasks if t.team == team]
    return [t for t in mine if t.status == "open"] + [t for t in mine if t.status != "open"]


def card_metadata(view: CaseView, team: str) -> dict[str, Any]:
    """The Slack message metadata that names the card's case and team."""
    return {"event_type": CARD_EVENT, "event_payload": {"case": view.number, "team": team}}


def task_card(view: CaseView, team: str, today: date) -> tuple[str, list[Block]]:
    """The card's notification text and blocks, from the case as it is now."""
    tasks = team_tasks(view, team)
    open_tasks = [t for t in tasks if t.status == "open"]
    name = str(view.applicant.get("name") or "applicant")
    lead = open_tasks[0].title if open_tasks else f"{team} tasks done"
    text = clip(escape(f"{lead} · {view.number} · {name}, {_site(view)}"), SECTION_TEXT)
    blocks: list[Block] = [
        section(f"*{escape(view.number)}* · {escape(name)}\n{escape(_site(view))}"),
        context(f"{escape(view.program.replace('_', ' '))} · Tier {view.tier or '?'} · "
                f"stage *{escape(view.stage.replace('_', ' '))}* · {escape(team)}"),
    ]
    blocks += [_task_block(view, task, today) for task in tasks[:TASKS_ON_CARD]]
    if len(tasks) > TASKS_ON_CARD:
        blocks += more(len(tasks) - TASKS_ON_CARD, "tasks", f"tasks|{view.number}")
    if not open_tasks:
        blocks.append(context(f"Nothing left for {escape(team)} on this case."))
    buttons = [button("Open case", "case_show", view.number)]
    if open_tasks:
        first = open_tasks[0]
        buttons.insert(0, button("Assign to me", ASSIGN_TASK_ACTION, f"{view.number}|{first.kind}"))
    blocks.append(actions(buttons))
    return text, blocks


def _title(view: CaseView, kind: str) -> str:
    task = next((t for t in view.tasks if t.kind == kind), None)
    return task.title if task else kind.replace("_", " ")


def _stage(value: Any) -> str:
    return escape(str(value or "?").replace("_", " "))


def thread_line(payload: Mapping[str, Any], view: CaseView, today: date) -> str:
    """What the card's thread is told about one notification (mrkdwn, user text escaped)."""
    kind, task = payload.get("kind"), str(payload.get("task") or "")
    if kind == "task_card":
        opened = next((t for t in view.tasks if t.kind == task), None)
        due = f" · due {day(opened.due_on, today)}" if opened and opened.due_on else ""
        line = f"New task: *{escape(_title(view, task))}*{due}"
    elif kind == "task_done":
        line = f"✓ *{escape(_title(view, task))}* done by {person(str(payload.get('actor') or '?'))}"
    elif kind == "task_assigned":
        line = (f"*{escape(_title(view, task))}* assigned to {person(str(payload.get('assignee') or '?'))}"
                f" by {person(str(payload.get('actor') or '?'))}")
    elif kind == "stage":
        note = f" — {escape(str(payload['note']))}" if payload.get("note") else ""
        line = f"Stage: {_stage(payload.get('from'))} → *{_stage(payload.get('to'))}*{note}"
    else:
        line = escape(str(payload.get("text") or ""))
    return clip(line, SECTION_TEXT)
