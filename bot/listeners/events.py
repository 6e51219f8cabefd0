"""Mentions in channels and direct messages: the same grammar as `/ic`.

A mention is answered in the thread, where the whole channel reads it, so the card is masked
(`private=False`); a DM is answered in the DM, which only the asker reads."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App, BoltContext, Say

from bot.core import BotDeps
from bot.listeners.callers import Callers, ask, message

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


def register(app: App, deps: BotDeps, callers: Callers) -> None:
    @app.event("app_mention")
    def mentioned(event: dict[str, Any], say: Say, context: BoltContext) -> None:
        if not _from_a_person(event):
            return
        caller = callers.caller(event["user"], private=False)
        content = ask(without_mention(event.get("text") or "", context.bot_user_id), caller, deps)
        say(thread_ts=event.get("thread_ts") or event["ts"], **message(content))

    @app.event("message")
    def direct_message(event: dict[str, Any], say: Say) -> None:
        if event.get("channel_type") != "im" or not _from_a_person(event):
            return
        caller = callers.caller(event["user"], private=True)
        say(**message(ask(event.get("text") or "", caller, deps)))
