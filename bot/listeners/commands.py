"""`/ic …`: acknowledged at once (Slack gives up after 3 s), then answered ephemerally through
the command's `response_url`, so the answer may take longer than the acknowledgement."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond

from bot.core import BotDeps
from bot.listeners.callers import Callers, ask, message

SLASH_COMMAND = "/ic"


def register(app: App, deps: BotDeps, callers: Callers) -> None:
    @app.command(SLASH_COMMAND)
    def slash_command(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        # Ephemeral: only the person who asked sees it, so a coordinator sees the card unmasked.
        caller = callers.caller(command["user_id"], private=True)
        respond(response_type="ephemeral", **message(ask(command.get("text") or "", caller, deps)))
