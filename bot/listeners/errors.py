"""The Slack edge's one error boundary: whatever a listener did not expect is logged with its
traceback, and the person gets one friendly line, never the traceback.

The refusals people cause (unknown case, wrong stage, missing role) never get here: the
grammar answers them as notices. What arrives here is ours to fix."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.content import Notice
from bot.listeners.callers import message, tell_user

log = logging.getLogger("icdesk.slack")

SORRY = ("Sorry, something went wrong on the desk's side and I could not finish that. "
         "It has been logged for the team; please try again in a minute.")


def _what(body: dict[str, Any]) -> str:
    """A short description of the request for the log: its kind and who sent it."""
    event = body.get("event") or {}
    kind = body.get("command") or event.get("type") or body.get("type") or "request"
    user = body.get("user_id") or event.get("user") or (body.get("user") or {}).get("id")
    return f"{kind} from {user}" if user else str(kind)


def _tell(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    notice = Notice(SORRY, ok=False)
    if context.respond is not None and context.response_url:
        context.respond(response_type="ephemeral", replace_original=False, **message(notice))
        return
    event = body.get("event") or {}
    user = event.get("user") or body.get("user_id") or (body.get("user") or {}).get("id")
    if not user or event.get("bot_id"):
        return
    channel = event.get("channel")
    if channel and event.get("channel_type") == "im":
        client.chat_postMessage(channel=channel, **message(notice))
    elif channel:
        client.chat_postEphemeral(channel=channel, user=user, **message(notice))
    else:
        tell_user(client, user, notice)


def register(app: App) -> None:
    @app.error
    def on_error(error: Exception, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        log.error("Slack listener failed on %s", _what(body), exc_info=error)
        try:
            _tell(body, context, client)
        except Exception:  # Slack itself may be what failed; the log already has the cause
            log.warning("could not tell the user about the failure", exc_info=True)
