"""What a case tells the team channels when its tasks and stage change: the outbox items the
aggregate queues, keyed by the occasion so that the same news is never queued twice. The
Slack side draws cards and thread lines from them at delivery (`bot/posts.py`)."""

from __future__ import annotations

from datetime import datetime

from cases.entities import Task
from cases.messaging import Channel, OutboxItem
from cases.stages import Stage


def _item(key: str, team: str, number: str, at: datetime, payload: dict[str, object]) -> OutboxItem:
    return OutboxItem(key=key, channel=Channel.SLACK, recipient=f"team:{team}", case_number=number, created_at=at,
                      payload={"case": number, **payload})


def task_card_key(number: str, task: Task) -> str:
    return f"task:{number}:{task.kind}:{task.opened_at.isoformat()}"


def task_card(number: str, task: Task) -> OutboxItem:
    """A new task: its team's card for the case."""
    return _item(task_card_key(number, task), task.team.value, number, task.opened_at,
                 {"kind": "task_card", "task": task.kind, "team": task.team.value})


def task_assigned(number: str, task: Task, assignee: str, at: datetime, actor: str) -> OutboxItem:
    return _item(f"task-assigned:{number}:{task.kind}:{at.isoformat()}:{assignee}", task.team.value, number, at,
                 {"kind": "task_assigned", "task": task.kind, "team": task.team.value, "assignee": assignee,
                  "actor": actor, "text": f"{number}: {task.title} assigned to {assignee}"})


def task_done(number: str, task: Task, at: datetime, actor: str) -> OutboxItem:
    return _item(f"task-done:{number}:{task.kind}:{at.isoformat()}", task.team.value, number, at,
                 {"kind": "task_done", "task": task.kind, "team": task.team.value, "actor": actor,
                  "text": f"{number}: {task.title} done by {actor}"})


def stage_moved(number: str, team: str, before: Stage, target: Stage, at: datetime, note: str | None) -> OutboxItem:
    return _item(f"stage:{number}:{target.value}:{at.isoformat()}:{team}", team, number, at,
                 {"kind": "stage", "from": before.value, "to": target.value, "note": note,
                  "text": f"{number} moved from {before.label} to {target.label}"})
