"""App Home: each person's open tasks and the next deadlines of the cases they work on,
published when they open the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks import render_blocks
from bot.blocks_kit import context
from bot.content import Content, Listing, Row
from bot.core import BotDeps, Caller
from bot.listeners.callers import Callers, ask

HOME_BLOCKS = 100  # Slack's limit for a Home tab view


def next_deadlines(deps: BotDeps, caller: Caller) -> Listing:
    """The running clocks of the cases where `caller` has an open task, soonest first."""
    reader = deps.reader()
    numbers = {task.number for task in reader.open_tasks(assignee=caller.user_id)}
    rows = tuple(Row(c.number, c.name, f"{c.title} ({c.citation})", c.due_on)
                 for c in reader.running_clocks() if c.number in numbers)
    return Listing("Next deadlines on your cases", rows, empty="No clock is running on your cases.")


def home_view(tasks: Content, deadlines: Content) -> dict[str, Any]:
    """The Home tab: the two answers one under the other, inside Slack's block limit."""
    blocks = [*render_blocks(tasks), {"type": "divider"}, *render_blocks(deadlines),
              context("Ask with `/ic help`, by mentioning @icdesk, or here in Messages.")]
    return {"type": "home", "blocks": blocks[:HOME_BLOCKS]}


def register(app: App, deps: BotDeps, callers: Callers) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        caller = callers.caller(event["user"], private=True)
        view = home_view(ask("mine", caller, deps), next_deadlines(deps, caller))
        client.views_publish(user_id=event["user"], view=view)
