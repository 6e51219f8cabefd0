"""Delivers the outbox's Slack items: a new post (`chat.postMessage`, in a thread when the
payload names one) or an edit of an earlier post (`chat.update`), and hands back where the
message is (channel and ts) so the bot can edit it or reply under it later.

A rate limit (429, with Slack's Retry-After), Slack's own failures (5xx) and a dropped
connection raise `DeliveryFailed`, so the outbox keeps the item and tries again later; the
outbox, not this sender, decides when. A message that is no longer there to edit or to reply
under raises `MessageGone`, so the caller can post it anew."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from cases.messaging import OutboxItem
from cases.ports import DeliveryFailed

# Slack's names for "that message is not there (any more) for you": deleted by someone, or
# not the bot's to edit.
GONE_ERRORS = frozenset({"message_not_found", "cant_update_message", "thread_not_found"})
# How far back a retry looks for a post an earlier attempt may have made: three pages of the
# channel's newest messages, enough for the hours an outbox retry can lag in a team channel.
HISTORY_PAGES = 3
HISTORY_PAGE_SIZE = 200
DELIVERY_TIMEOUT_S = 15


@dataclass(frozen=True)
class Posted:
    """Where a message is: its channel id and Slack's ts."""

    channel: str
    ts: str


class Refused(DeliveryFailed):
    """Slack answered and said no (a missing scope, a channel the bot is not in, …): trying the
    same call again soon will not help, unlike a rate limit, an outage or a dropped connection."""

    refused = True


class MessageGone(Refused):
    """The message to edit, or to reply under, is no longer in Slack (or not ours to edit)."""


def delivery_client(token: str, api_url: str) -> WebClient:
    """A Web API client for the outbox that never repeats a call by itself.

    The interactive client retries Slack's 5xx answers, but a post whose answer was lost would
    then appear twice; here the outbox retries instead, after looking for the earlier post.
    """
    return WebClient(token=token, base_url=api_url, timeout=DELIVERY_TIMEOUT_S, retry_handlers=[])


def retry_after(error: SlackApiError) -> float | None:
    """The seconds Slack's Retry-After asks to wait, if it says."""
    headers = error.response.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _matches(message: Mapping[str, Any], event_type: str, fields: Mapping[str, str]) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return bool(metadata.get("event_type") == event_type
                and all(payload.get(name) == value for name, value in fields.items()))


class SlackNotifier:
    """A `cases.ports.NotificationSender` for `Channel.SLACK`. Payload:
    `{"channel", "text", "blocks", "thread_ts"?, "update_ts"?, "metadata"?}`; without `channel`
    the item's recipient is looked up in `channels` (e.g. "team:protection" → "C0PROT")."""

    def __init__(self, client: WebClient, channels: Mapping[str, str] | None = None) -> None:
        self._client = client
        self._channels = dict(channels or {})

    def channel_for(self, item: OutboxItem) -> str:
        """The Slack channel id the item goes to."""
        channel = item.payload.get("channel") or self._channels.get(item.recipient) or item.recipient
        return str(channel)

    def _call(self, method: Callable[..., SlackResponse], **arguments: Any) -> SlackResponse:
        try:
            return method(**arguments)
        except SlackApiError as error:
            status = error.response.status_code
            name = error.response.get("error") or "no error name"
            reason = f"Slack answered {status}: {name}"
            if name in GONE_ERRORS:
                raise MessageGone(reason) from None
            if status == 200:  # Slack's refusals come as 200 with ok: false
                raise Refused(reason) from None
            raise DeliveryFailed(reason, retry_after(error) if status == 429 else None) from None
        except OSError as error:  # a dropped connection or a timeout (URLError is an OSError)
            raise DeliveryFailed(f"Slack could not be reached: {error}") from None

    @staticmethod
    def _message(text: str, blocks: list[dict[str, Any]] | None,
                 metadata: Mapping[str, Any] | None) -> dict[str, Any]:
        arguments: dict[str, Any] = {"text": text}
        if blocks:
            arguments["blocks"] = blocks
        if metadata:
            arguments["metadata"] = dict(metadata)
        return arguments

    def post(self, channel: str, text: str, blocks: list[dict[str, Any]] | None = None, *,
             thread_ts: str | None = None, metadata: Mapping[str, Any] | None = None) -> Posted:
        """Post a message (a reply when `thread_ts` is given); where Slack put it."""
        arguments = self._message(text, blocks, metadata)
        if thread_ts:
            arguments["thread_ts"] = thread_ts
        response = self._call(self._client.chat_postMessage, channel=channel, **arguments)
        return Posted(str(response.get("channel") or channel), str(response["ts"]))

    def update(self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None, *,
               metadata: Mapping[str, Any] | None = None) -> Posted:
        """Replace the message at `ts` (`MessageGone` when Slack no longer has it)."""
        response = self._call(self._client.chat_update, channel=channel, ts=ts,
                              **self._message(text, blocks, metadata))
        return Posted(str(response.get("channel") or channel), str(response.get("ts") or ts))

    def find_posted(self, channel: str, event_type: str, fields: Mapping[str, str],
                    exclude: Collection[str] = ()) -> str | None:
        """The ts of the newest top-level message in `channel` whose metadata has `event_type`
        and `fields` in its payload (skipping `exclude`), among the channel's recent messages.

        Needs the `channels:history` (or `groups:history`) scope."""
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            page = self._call(self._client.conversations_history, channel=channel, limit=HISTORY_PAGE_SIZE,
                              include_all_metadata=True, cursor=cursor)
            for message in page.get("messages") or []:
                if _matches(message, event_type, fields) and message.get("ts") not in exclude:
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                break
        return None

    def deliver(self, item: OutboxItem) -> Posted:
        """Post or update as the payload says; raise `DeliveryFailed` (with Slack's
        Retry-After on a 429), or `MessageGone` when the message to edit is gone."""
        payload = item.payload
        if not payload.get("text") and not payload.get("blocks"):
            raise DeliveryFailed(f"outbox item {item.key} has neither text nor blocks to post")
        channel, text = self.channel_for(item), str(payload.get("text") or "")
        blocks, metadata = payload.get("blocks"), payload.get("metadata")
        if payload.get("update_ts"):
            return self.update(channel, str(payload["update_ts"]), text, blocks, metadata=metadata)
        thread_ts = str(payload["thread_ts"]) if payload.get("thread_ts") else None
        return self.post(channel, text, blocks, thread_ts=thread_ts, metadata=metadata)

    def send(self, item: OutboxItem) -> None:
        """`deliver`, as the outbox calls it."""
        self.deliver(item)
