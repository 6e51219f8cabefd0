"""The buttons on cards and listings, and the modal that advances a case.

Each button is translated into the sentence a person would type (`assign IC-… me`,
`done IC-… meter_exchange`) and answered by the same grammar, so who may do what is decided
in one place. Answers go only to the person who pressed the button."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.blocks_kit import SHOW_ALL, escape
from bot.blocks_show_all import parse_show_all_key, show_all_page
from bot.blocks_task import ASSIGN_TASK_ACTION
from bot.content import Content, Notice
from bot.core import EVERYONE, BotDeps, Caller
from bot.listeners.callers import Callers, ask, may_run, message, tell_user
from cases.errors import DeskError
from cases.parties import Program
from cases.queries import CaseView
from cases.stages import Stage, allowed_next

ADVANCE_ACTION = "case_advance"
ADVANCE_VIEW = "case_advance"
# The grammar has no command for the completeness notice yet; the button uses it once it does.
REQUEST_DOCUMENTS_COMMAND = "notice"
# Withdrawal is the applicant's request or a lapsed clock's outcome, not a step to advance to.
_NOT_ADVANCES = frozenset({Stage.WITHDRAWN, Stage.DEEMED_WITHDRAWN})
_LISTINGS = {"Your open tasks": "mine", "Overdue": "overdue", "Due today": "due today",
             "Due this week": "due this week"}


def show_all_command(key: str) -> str:
    """The command that lists what a "Show all" button stood for (its value names the list);
    a case card's own lists are paged by `bot.blocks_show_all` instead."""
    kind, _, rest = key.partition("|")
    if kind == "search" and rest:
        return f"status {shlex.quote(rest)}"
    if key in _LISTINGS:
        return _LISTINGS[key]
    if key.startswith("Open tasks · "):
        return f"queue {shlex.quote(key.removeprefix('Open tasks · '))}"
    return key if key in ("overdue", "help") else "help"


def _task_done(value: str) -> str:
    number, _, task = value.partition("|")
    return f"done {shlex.quote(number)} {shlex.quote(task)}"


def _assign_task(value: str) -> str:
    number, _, task = value.partition("|")
    return f"assign {shlex.quote(number)} me {shlex.quote(task)}"


def _request_documents(value: str) -> str | None:
    has_command = may_run(REQUEST_DOCUMENTS_COMMAND, Caller("", EVERYONE, private=True))
    return f"{REQUEST_DOCUMENTS_COMMAND} {shlex.quote(value)}" if has_command else None


# action id → the sentence it stands for (None: not something the grammar can do yet).
TRANSLATIONS: dict[str, Callable[[str], str | None]] = {
    "case_assign_me": lambda value: f"assign {shlex.quote(value)} me",
    "case_task_done": _task_done,
    ASSIGN_TASK_ACTION: _assign_task,
    "case_request_documents": _request_documents,
    "case_show": lambda value: f"status {shlex.quote(value)}",
}


def _answer_privately(body: dict[str, Any], respond: Respond, client: WebClient, content: Content) -> None:
    """Ephemeral under the message that had the button; in the DM when it was on App Home
    (whose buttons bring no `response_url`)."""
    if body.get("response_url"):
        respond(response_type="ephemeral", replace_original=False, **message(content))
    else:
        tell_user(client, body["user"]["id"], content)


def _channel_of(body: dict[str, Any]) -> str | None:
    channel = body.get("channel") or {}
    return channel.get("id") if isinstance(channel, dict) else None


def advance_modal(view: CaseView, channel: str | None) -> dict[str, Any]:
    """The modal to pick the next stage and say why; `private_metadata` carries the case number
    and where to answer."""
    stage = Stage(view.stage)
    options = [{"text": {"type": "plain_text", "text": s.label[:75]}, "value": s.value}
               for s in allowed_next(stage, net_metering=view.program == Program.NET_METERING.value)
               if s not in _NOT_ADVANCES]
    return {
        "type": "modal", "callback_id": ADVANCE_VIEW,
        "title": {"type": "plain_text", "text": "Advance case"},
        "submit": {"type": "plain_text", "text": "Advance"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": json.dumps({"number": view.number, "channel": channel}),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn",
                                         "text": f"Move *{escape(view.number)}* on from *{escape(stage.label)}*."}},
            {"type": "input", "block_id": "stage", "label": {"type": "plain_text", "text": "Next stage"},
             "element": {"type": "static_select", "action_id": "stage", "options": options[:100]}},
            {"type": "input", "block_id": "reason", "optional": True,
             "label": {"type": "plain_text", "text": "Why (required for a decision)"},
             "element": {"type": "plain_text_input", "action_id": "reason", "multiline": True,
                         "max_length": 2000}},
        ],
    }


def advance_command(view_state: dict[str, Any], number: str) -> str:
    """`advance NUMBER STAGE 'why'` from the modal's submitted values."""
    values = view_state["values"]
    stage = values["stage"]["stage"]["selected_option"]["value"]
    reason = (values.get("reason", {}).get("reason", {}).get("value") or "").strip()
    return f"advance {shlex.quote(number)} {shlex.quote(stage)}" + (f" {shlex.quote(reason)}" if reason else "")


def _register_translated(app: App, deps: BotDeps, callers: Callers, action_id: str,
                         translate: Callable[[str], str | None]) -> None:
    @app.action(action_id)
    def pressed(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        caller = callers.caller(body["user"]["id"], private=True)
        text = translate(str(action.get("value") or ""))
        content = (ask(text, caller, deps) if text is not None
                   else Notice("That is not something I can do from Slack yet; ask a coordinator.", ok=False))
        _answer_privately(body, respond, client, content)


@dataclass(frozen=True)
class _Page:
    """A page of a case's list; a page after the first replaces the one whose button was pressed."""

    message: dict[str, Any]
    turns_page: bool


def _show_all(key: str, caller: Caller, deps: BotDeps) -> Content | _Page:
    """A page of one of a case's lists, or the grammar's answer for the other listings."""
    request = parse_show_all_key(key)
    if request is None:
        return ask(show_all_command(key), caller, deps)
    what, number, page = request
    if not may_run("status", caller):
        return ask(f"status {shlex.quote(number)}", caller, deps)
    try:
        view = deps.reader().get(number)
    except DeskError as error:
        return Notice(str(error), ok=False)
    text, blocks = show_all_page(view, what, page, zone=deps.book.calendar.zone,
                                 today=deps.book.calendar.local_date(deps.now()), masked=not caller.sees_unmasked)
    return _Page({"text": text, "blocks": blocks}, turns_page=page > 1)


def register(app: App, deps: BotDeps, callers: Callers) -> None:
    for action_id, translate in TRANSLATIONS.items():
        _register_translated(app, deps, callers, action_id, translate)

    @app.action(SHOW_ALL)
    def show_all_pressed(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
                         client: WebClient) -> None:
        """A case's list in full, a page at a time; "Next page" turns the page in place."""
        ack()
        caller = callers.caller(body["user"]["id"], private=True)
        answer = _show_all(str(action.get("value") or ""), caller, deps)
        if not isinstance(answer, _Page):
            _answer_privately(body, respond, client, answer)
        elif body.get("response_url"):
            respond(response_type="ephemeral", replace_original=answer.turns_page, **answer.message)
        else:  # App Home: no response_url, so the pages go to the person's DM
            opened = client.conversations_open(users=body["user"]["id"])
            client.chat_postMessage(channel=opened["channel"]["id"], **answer.message)

    @app.action(ADVANCE_ACTION)
    def advance_pressed(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
                        client: WebClient) -> None:
        ack()
        caller = callers.caller(body["user"]["id"], private=True)
        if not may_run("advance", caller):
            # The grammar gives the refusal (and its reason) rather than a modal that would fail.
            _answer_privately(body, respond, client, ask(f"advance {action.get('value')}", caller, deps))
            return
        try:
            view = deps.reader().get(str(action.get("value")))
        except DeskError as error:
            _answer_privately(body, respond, client, Notice(str(error), ok=False))
            return
        client.views_open(trigger_id=body["trigger_id"], view=advance_modal(view, _channel_of(body)))

    @app.view(ADVANCE_VIEW)
    def advance_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        ack()
        metadata = json.loads(view.get("private_metadata") or "{}")
        user_id = body["user"]["id"]
        caller = callers.caller(user_id, private=True)
        content = ask(advance_command(view["state"], metadata["number"]), caller, deps)
        tell_user(client, user_id, content, metadata.get("channel"))
