"""Mentions in channels and direct messages: the same grammar as `/ic`.

A mention is answered in the thread, where the whole channel reads it, so the card is masked
(`private=False`); a DM is answered in the DM, which only the asker reads."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltContext, Say
from slack_sdk import WebClient

from bot.content import Content
from bot.core import BotDeps, Caller
from bot.listeners.callers import Callers, ask, message
from bot.reports import ReportOrder
from bot.slack_files import SlackFiles, send_report

_ANY_MENTION = re.compile(r"^\s*<@[A-Z0-9]+(?:\|[^>]*)?>[\s:,]*")


def without_mention(text: str, bot_user_id: str | None) -> str:
    """The command in `@icdesk status 4417 williams`: the bot's own mention removed (other
    mentions, as in `assign IC-… @dana`, stay)."""
    if bot_user_id:
        own = re.compile(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>[\s:,]*")
        return own.sub("", text, count=1).strip()
    return _ANY_MENTION.sub("", text, count=1).strip()


def _from_a_person(event: dict[str, Any]) -> bool:
    # Edits, joins and the bot's own posts come as message events too; only new human text is a command.
    return not event.get("subtype") and not event.get("bot_id") and bool(event.get("user"))


def _then_send_report(content: Content, caller: Caller, deps: BotDeps, client: WebClient) -> Content | None:
    """After "Building the … report…" has been said: the report, uploaded to the asker's DM with
    the bot (never into a channel, see `send_report`), and the line saying where it went."""
    if not isinstance(content, ReportOrder):
        return None
    return send_report(SlackFiles(client), deps, content.request, caller.user_id)


def register(app: App, deps: BotDeps, callers: Callers) -> None:
    @app.event("app_mention")
    def mentioned(event: dict[str, Any], say: Say, context: BoltContext, client: WebClient) -> None:
        if not _from_a_person(event):
            return
        caller = callers.caller(event["user"], private=False)
        content = ask(without_mention(event.get("text") or "", context.bot_user_id), caller, deps)
        thread = event.get("thread_ts") or event["ts"]
        say(thread_ts=thread, **message(content))
        if (done := _then_send_report(content, caller, deps, client)) is not None:
            say(thread_ts=thread, **message(done))

    @app.event("message")
    def direct_message(event: dict[str, Any], say: Say, client: WebClient) -> None:
        if event.get("channel_type") != "im" or not _from_a_person(event):
            return
        caller = callers.caller(event["user"], private=True)
        content = ask(event.get("text") or "", caller, deps)
        say(**message(content))
        if (done := _then_send_report(content, caller, deps, client)) is not None:
            say(**message(done))
