"""What every listener shares: who is asking (their roles), asking the one command grammar,
and turning its answer into a Slack message."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import fallback_text, render_blocks
from bot.content import Content
from bot.core import BotDeps, Caller
from bot.grammar import REGISTRY
from bot.roles import RoleMap

log = logging.getLogger("icdesk.slack")

GroupsOf = Callable[[str], Iterable[str]]


def no_groups(user_id: str) -> Iterable[str]:
    return ()


class Callers:
    """The `Caller` behind a Slack user id: roles from the role map, directly or through a
    user group when group ids are configured."""

    def __init__(self, roles: RoleMap, groups_of: GroupsOf = no_groups) -> None:
        self._roles = roles
        self._groups_of = groups_of

    def caller(self, user_id: str, *, private: bool) -> Caller:
        return Caller(user_id, self._roles.roles_of(user_id, self._groups_of(user_id)), private)


class SlackUserGroups:
    """Which user groups (S…) each user is in, from `usergroups.list`, cached for `ttl_s`
    seconds so a busy channel does not cost one call per message. On a failure the user is
    treated as in no group (a viewer at worst), never as in all of them."""

    def __init__(self, client: WebClient, ttl_s: float = 300.0) -> None:
        self._client = client
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._members: dict[str, frozenset[str]] = {}
        self._loaded_at = float("-inf")

    def __call__(self, user_id: str) -> Iterable[str]:
        with self._lock:
            if time.monotonic() - self._loaded_at > self._ttl_s:
                self._reload()
            return self._members.get(user_id, frozenset())

    def _reload(self) -> None:
        try:
            response = self._client.usergroups_list(include_users=True)
        except SlackApiError as error:
            log.warning("usergroups.list failed (%s); roles by group are not applied", error.response.get("error"))
            return
        members: dict[str, set[str]] = {}
        for group in response.get("usergroups") or []:
            for user in group.get("users") or []:
                members.setdefault(user, set()).add(group["id"])
        self._members = {user: frozenset(groups) for user, groups in members.items()}
        self._loaded_at = time.monotonic()


def ask(text: str, caller: Caller, deps: BotDeps) -> Content:
    """The grammar's answer: every transport goes through here, so roles are checked in one place."""
    return REGISTRY.dispatch(text, caller, deps)


def message(content: Content) -> dict[str, Any]:
    """`blocks` and the notification `text` of an answer, as `chat.postMessage` and `respond` take them."""
    return {"blocks": render_blocks(content), "text": fallback_text(content)}


def may_run(command: str, caller: Caller) -> bool:
    """Whether the grammar has `command` and lets `caller` run it (to offer a modal only to those
    whose submission would not be refused)."""
    return any(c.name == command for c in REGISTRY.help_for(caller).commands)


def tell_user(client: WebClient, user_id: str, content: Content, channel: str | None = None) -> None:
    """An answer only `user_id` sees: ephemeral in `channel` when there is one, else in their DM
    with the bot (App Home and modals have no channel to answer in)."""
    if channel:
        client.chat_postEphemeral(channel=channel, user=user_id, **message(content))
        return
    opened = client.conversations_open(users=user_id)
    client.chat_postMessage(channel=opened["channel"]["id"], **message(content))
