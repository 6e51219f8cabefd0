"""`/ic …`: acknowledged at once (Slack gives up after 3 s), then answered ephemerally through
the command's `response_url`, so the answer may take longer than the acknowledgement.

`/ic report …` is answered in the acknowledgement itself ("Building the queue report…", or why
not: checking the request reads nothing from the desk), then the file is built and uploaded."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core import BotDeps
from bot.listeners.callers import Callers, ask, message
from bot.reports import ReportOrder
from bot.slack_files import SlackFiles, send_report

SLASH_COMMAND = "/ic"


def _is_report(text: str) -> bool:
    return text.strip().lower().split(" ", 1)[0] == "report"


def register(app: App, deps: BotDeps, callers: Callers) -> None:
    @app.command(SLASH_COMMAND)
    def slash_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        text = command.get("text") or ""
        # Ephemeral: only the person who asked sees it, so a coordinator sees the card unmasked.
        caller = callers.caller(command["user_id"], private=True)
        if not _is_report(text):
            ack()
            respond(response_type="ephemeral", **message(ask(text, caller, deps)))
            return
        answer = ask(text, caller, deps)
        ack(**message(answer))
        if isinstance(answer, ReportOrder):
            done = send_report(SlackFiles(client), deps, answer.request, caller.user_id)
            respond(response_type="ephemeral", replace_original=False, **message(done))
