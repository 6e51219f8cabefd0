"""The Web API methods the stand-in plays, and what Slack refuses in them.

Each method takes the request's parameters and returns the fields of Slack's answer beside
`"ok": true`, or raises `SlackError` with Slack's error name. The Block Kit checks follow
Slack's documented limits, so a message the stand-in accepts is one Slack would accept too.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from typing import Any

MAX_TEXT = 40_000
KNOWN_BLOCKS = frozenset({"section", "header", "actions", "context", "divider", "image", "input",
                          "rich_text", "file", "video", "markdown"})


class SlackError(Exception):
    """A refusal with Slack's error name, and the detail Slack puts in `response_metadata`."""

    def __init__(self, error: str, detail: str | None = None) -> None:
        super().__init__(error)
        self.error, self.detail = error, detail


def _text(obj: Any, limit: int, where: str, *, plain_only: bool = False) -> str | None:
    kinds = ("plain_text",) if plain_only else ("plain_text", "mrkdwn")
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        return f"must be a {' or '.join(kinds)} object [json-pointer:{where}]"
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return f"must be more than 0 characters [json-pointer:{where}/text]"
    if len(text) > limit:
        return f"must be less than {limit + 1} characters [json-pointer:{where}/text]"
    return None


def _confirm(confirm: Any, where: str) -> str | None:
    for key, limit, plain_only in (("title", 100, True), ("text", 300, False), ("confirm", 30, True),
                                   ("deny", 30, True)):
        problem = _text(confirm.get(key) if isinstance(confirm, dict) else None, limit,
                        f"{where}/confirm/{key}", plain_only=plain_only)
        if problem:
            return problem
    return None


def _button(button: dict[str, Any], where: str) -> str | None:
    if len(str(button.get("value", ""))) > 2000 or len(str(button.get("url", ""))) > 3000:
        return f"must be less than 2001 characters [json-pointer:{where}/value]"
    if button.get("style") not in (None, "primary", "danger"):
        return f"style must be primary or danger [json-pointer:{where}/style]"
    problem = _text(button.get("text"), 75, f"{where}/text", plain_only=True)
    if problem is None and "confirm" in button:
        problem = _confirm(button["confirm"], where)
    return problem


def _element(element: Any, where: str, action_ids: set[str]) -> str | None:
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return f"element needs a type [json-pointer:{where}]"
    action_id = element.get("action_id")
    if action_id is not None:
        # Slack refuses two elements with one action_id in the same block.
        if not isinstance(action_id, str) or len(action_id) > 255 or action_id in action_ids:
            return f"action_id too long or repeated in its block [json-pointer:{where}/action_id]"
        action_ids.add(action_id)
    return _button(element, where) if element["type"] == "button" else None


def _elements(block: dict[str, Any], where: str) -> str | None:
    most = 25 if block["type"] == "actions" else 10
    elements = block.get("elements")
    if not isinstance(elements, list) or not 0 < len(elements) <= most:
        return f"must have between 1 and {most} elements [json-pointer:{where}/elements]"
    action_ids: set[str] = set()
    for j, element in enumerate(elements):
        at = f"{where}/elements/{j}"
        problem = (_text(element, 3000, at) if block["type"] == "context" and element.get("type") != "image"
                   else _element(element, at, action_ids))
        if problem:
            return problem
    return None


def _header(block: dict[str, Any], where: str) -> str | None:
    return _text(block.get("text"), 150, f"{where}/text", plain_only=True)


def _section(block: dict[str, Any], where: str) -> str | None:
    text, fields = block.get("text"), block.get("fields")
    if text is None and not fields:
        return f"a section needs text or fields [json-pointer:{where}]"
    problem = None if text is None else _text(text, 3000, f"{where}/text")
    if problem is None and fields is not None:
        if not isinstance(fields, list) or len(fields) > 10:
            return f"no more than 10 items allowed [json-pointer:{where}/fields]"
        problem = next((p for j, f in enumerate(fields) if (p := _text(f, 2000, f"{where}/fields/{j}"))), None)
    if problem is None and "accessory" in block:
        problem = _element(block["accessory"], f"{where}/accessory", set())
    return problem


# The blocks whose limits the desk can run into; the others are only checked for their type.
_CHECKS = {"header": _header, "section": _section, "actions": _elements, "context": _elements}


def blocks_problem(blocks: Any, *, max_blocks: int) -> str | None:
    """Why Slack would refuse `blocks` (in Slack's own words where known), or None."""
    if not isinstance(blocks, list):
        return "must be an array [json-pointer:/blocks]"
    if len(blocks) > max_blocks:
        return f"no more than {max_blocks} items allowed [json-pointer:/blocks]"
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        where = f"/blocks/{i}"
        if not isinstance(block, dict) or block.get("type") not in KNOWN_BLOCKS:
            return f"unknown or missing block type [json-pointer:{where}/type]"
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or len(block_id) > 255 or block_id in block_ids:
                return f"block_id too long or repeated [json-pointer:{where}/block_id]"
            block_ids.add(block_id)
        check = _CHECKS.get(block["type"])
        problem = check(block, where) if check else None
        if problem:
            return problem
    return None


def _json(params: dict[str, Any], name: str, error: str) -> Any:
    """A parameter that is JSON: a string in a form body, already decoded in a JSON body."""
    value = params.get(name)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise SlackError(error, f"{name} is not valid JSON") from None
    return value


def _flag(params: dict[str, Any], name: str) -> bool:
    return str(params.get(name, "")).lower() in ("1", "true")


def _metadata(params: dict[str, Any]) -> dict[str, Any] | None:
    """Message metadata as Slack checks it: an `event_type` and an object `event_payload`."""
    metadata = _json(params, "metadata", "invalid_metadata_format")
    if metadata is None:
        return None
    if (not isinstance(metadata, dict) or not isinstance(metadata.get("event_type"), str)
            or not metadata["event_type"] or not isinstance(metadata.get("event_payload"), dict)):
        raise SlackError("invalid_metadata_format", "metadata needs event_type and an event_payload object")
    return metadata


@dataclass
class WebApiState:
    """What the stand-in remembers between calls: posted messages (by channel and ts, replies
    with their `thread_ts`) and uploaded files."""

    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, bytes] = field(default_factory=dict)
    filenames: dict[str, str] = field(default_factory=dict)


class WebApiMethods:
    """The methods, named after Slack's with dots as underscores (`chat_postMessage`)."""

    token: str
    channels: frozenset[str]
    missing_scopes: frozenset[str]
    users: dict[str, str] | None
    team_id: str
    bot_user_id: str
    _lock: threading.Lock
    _web: WebApiState
    _ids: itertools.count[int]

    @property
    def base_url(self) -> str:
        raise NotImplementedError

    def _channel(self, params: dict[str, Any], name: str = "channel") -> str:
        channel = str(params.get(name) or "")
        if channel not in self.channels and not channel.startswith("D"):
            raise SlackError("channel_not_found")
        return channel

    def _check_message(self, params: dict[str, Any]) -> None:
        blocks = _json(params, "blocks", "invalid_blocks_format")
        text = params.get("text")
        if not text and not blocks and not params.get("attachments"):
            raise SlackError("no_text")
        if isinstance(text, str) and len(text) > MAX_TEXT:
            raise SlackError("msg_too_long")
        problem = None if blocks is None else blocks_problem(blocks, max_blocks=50)
        if problem:
            raise SlackError("invalid_blocks", problem)

    def _ts(self) -> str:
        return f"{1_767_225_600 + next(self._ids)}.000100"

    def _parent(self, channel: str, params: dict[str, Any]) -> str | None:
        """The parent a reply goes under; Slack refuses a parent it does not have in that channel."""
        thread_ts = params.get("thread_ts")
        if thread_ts in (None, ""):
            return None
        with self._lock:
            parent = self._web.messages.get((channel, str(thread_ts)))
        if parent is None:
            raise SlackError("thread_not_found")
        # A reply to a reply lands in the parent's thread, as in Slack.
        return str(parent.get("thread_ts") or thread_ts)

    def auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        """Who the token belongs to; bolt calls it when an `App` is built."""
        return {"url": "https://icdesk-test.slack.com/", "team": "icdesk test", "user": "icdesk",
                "team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": "B_ICDESK",
                "is_enterprise_install": False}

    def chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        """Post to a channel that exists, in a thread that exists there when `thread_ts` is
        given; the message is kept so it can be updated and found in the history."""
        channel = self._channel(params)
        self._check_message(params)
        metadata = _metadata(params)
        thread_ts = self._parent(channel, params)
        ts = self._ts()
        message = {**params, "ts": ts, "thread_ts": thread_ts, "metadata": metadata}
        with self._lock:
            self._web.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts,
                "message": {"type": "message", "text": params.get("text", ""), "ts": ts, "bot_id": "B_ICDESK"}}

    def chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        """Replace a message this server accepted earlier (and that nobody deleted); metadata
        not sent again is kept, as Slack keeps it."""
        channel, ts = self._channel(params), str(params.get("ts") or "")
        self._check_message(params)
        metadata = _metadata(params)
        with self._lock:
            before = self._web.messages.get((channel, ts))
            if before is None:
                raise SlackError("message_not_found")
            self._web.messages[(channel, ts)] = {**params, "ts": ts, "thread_ts": before.get("thread_ts"),
                                                 "metadata": metadata or before.get("metadata")}
        return {"channel": channel, "ts": ts, "text": params.get("text", "")}

    def conversations_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """A channel's top-level messages, newest first, after `oldest` (exclusive unless
        `inclusive`), paged by `cursor`; metadata only with `include_all_metadata`."""
        channel = self._channel(params)
        if "channels:history" in self.missing_scopes:
            raise SlackError("missing_scope", "needed: channels:history")
        try:
            oldest = float(params.get("oldest") or 0)
            limit = min(max(int(params.get("limit") or 100), 1), 999)
            start = int(params.get("cursor") or 0)
        except ValueError:
            raise SlackError("invalid_arguments", "oldest, limit and cursor must be numbers") from None
        inclusive, with_metadata = _flag(params, "inclusive"), _flag(params, "include_all_metadata")
        with self._lock:
            found = [dict(m) for (where, ts), m in self._web.messages.items()
                     if where == channel and not m.get("thread_ts")
                     and (float(ts) > oldest or (inclusive and float(ts) == oldest))]
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        page = found[start:start + limit]
        messages = [{"type": "message", "ts": m["ts"], "text": m.get("text", ""), "bot_id": "B_ICDESK",
                     **({"metadata": m["metadata"]} if with_metadata and m.get("metadata") else {})}
                    for m in page]
        more = start + limit < len(found)
        return {"messages": messages, "has_more": more,
                "response_metadata": {"next_cursor": str(start + limit) if more else ""}}

    def chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        """A message only `user` sees; nothing is kept, as Slack keeps nothing."""
        self._channel(params)
        if not params.get("user"):
            raise SlackError("user_not_in_channel")
        self._check_message(params)
        return {"message_ts": self._ts()}

    def _view(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        view = _json(params, "view", "invalid_arguments")
        if not isinstance(view, dict) or view.get("type") != kind:
            raise SlackError("invalid_arguments", f"view must be a {kind} view")
        problem = blocks_problem(view.get("blocks"), max_blocks=100)
        if problem:
            raise SlackError("invalid_arguments", problem)
        return {"view": {"id": f"V{next(self._ids):08d}", **view}}

    def views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """Open a modal; Slack needs the trigger id of the click or command."""
        if not params.get("trigger_id"):
            raise SlackError("invalid_arguments", "trigger_id is required")
        return self._view(params, "modal")

    def views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        """Publish a user's App Home tab."""
        if not params.get("user_id"):
            raise SlackError("invalid_arguments", "user_id is required")
        return self._view(params, "home")

    def conversations_open(self, params: dict[str, Any]) -> dict[str, Any]:
        """The direct-message channel with `users` (always the same id for the same users)."""
        users = str(params.get("users") or "")
        if not users:
            raise SlackError("users_list_not_supplied")
        return {"channel": {"id": "D" + users.replace(",", "_")}}

    def users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        """A user's profile, with the Pacific time zone the desk works in."""
        user = str(params.get("user") or "")
        if (user not in self.users) if self.users is not None else (user[:1] not in ("U", "W")):
            raise SlackError("user_not_found")
        name = self.users[user] if self.users is not None else f"User {user}"
        return {"user": {"id": user, "name": name.lower().replace(" ", "."), "real_name": name,
                         "tz": "America/Los_Angeles", "is_bot": False,
                         "profile": {"real_name": name, "display_name": name}}}

    def files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        """Step one of an upload: a file id and a URL on this server to POST the bytes to."""
        if not params.get("filename") or not str(params.get("length", "")).isdigit():
            raise SlackError("invalid_arguments", "filename and length are required")
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self._web.filenames[file_id] = str(params["filename"])
        return {"upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, body: bytes) -> bool:
        """Keep the bytes POSTed to an upload URL; False for a URL this server never gave out."""
        with self._lock:
            if file_id not in self._web.filenames:
                return False
            self._web.uploads[file_id] = body
        return True

    def files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        """Step three of an upload: share the uploaded files, optionally in a channel."""
        files = _json(params, "files", "invalid_arguments")
        if params.get("channel_id"):
            self._channel(params, "channel_id")
        done = []
        with self._lock:
            for entry in files or []:
                file_id = entry.get("id")
                if file_id not in self._web.uploads:
                    raise SlackError("file_not_found")
                done.append({"id": file_id, "title": entry.get("title"), "name": self._web.filenames[file_id],
                             "size": len(self._web.uploads[file_id])})
        return {"files": done}
