"""Delivers the outbox's Slack items: a new post (`chat.postMessage`, in a thread when the
payload names one) or an edit of an earlier post (`chat.update`).

A rate limit (429, with Slack's Retry-After), Slack's own failures (5xx) and a dropped
connection raise `DeliveryFailed`, so the outbox keeps the item and tries again later; the
outbox, not this sender, decides when."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from cases.messaging import OutboxItem
from cases.ports import DeliveryFailed


def _retry_after(error: SlackApiError) -> float | None:
    headers = error.response.headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


class SlackNotifier:
    """A `cases.ports.NotificationSender` for `Channel.SLACK`. Payload:
    `{"channel", "text", "blocks", "thread_ts"?, "update_ts"?}`; without `channel` the item's
    recipient is looked up in `channels` (e.g. "team:protection" → "C0PROT")."""

    def __init__(self, client: WebClient, channels: Mapping[str, str] | None = None) -> None:
        self._client = client
        self._channels = dict(channels or {})

    def _channel(self, item: OutboxItem) -> str:
        channel = item.payload.get("channel") or self._channels.get(item.recipient) or item.recipient
        return str(channel)

    def _arguments(self, item: OutboxItem) -> dict[str, Any]:
        payload = item.payload
        if not payload.get("text") and not payload.get("blocks"):
            raise DeliveryFailed(f"outbox item {item.key} has neither text nor blocks to post")
        arguments: dict[str, Any] = {"channel": self._channel(item), "text": payload.get("text") or ""}
        if payload.get("blocks"):
            arguments["blocks"] = payload["blocks"]
        return arguments

    def send(self, item: OutboxItem) -> None:
        """Post or update; raise `DeliveryFailed` (with Slack's Retry-After on a 429)."""
        arguments = self._arguments(item)
        payload = item.payload
        try:
            if payload.get("update_ts"):
                self._client.chat_update(ts=str(payload["update_ts"]), **arguments)
            elif payload.get("thread_ts"):
                self._client.chat_postMessage(thread_ts=str(payload["thread_ts"]), **arguments)
            else:
                self._client.chat_postMessage(**arguments)
        except SlackApiError as error:
            status = error.response.status_code
            reason = f"Slack answered {status}: {error.response.get('error') or 'no error name'}"
            raise DeliveryFailed(reason, _retry_after(error) if status == 429 else None) from None
        except OSError as error:  # a dropped connection or a timeout (URLError is an OSError)
            raise DeliveryFailed(f"Slack could not be reached: {error}") from None
