"""The Web API stand-in's threads, edits, message metadata and channel history refuse and answer
what Slack does, through slack_sdk's own client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from servers.slack_api import DEFAULT_TOKEN, SlackApiServer

CARD = {"event_type": "icdesk_task_card", "event_payload": {"case": "IC-2026-00001"}}


@pytest.fixture
def client(slack_api: SlackApiServer) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=slack_api.base_url, retry_handlers=[])


def _error(method: Callable[..., object], **arguments: Any) -> str:
    """Slack's name for why it refused the call."""
    with pytest.raises(SlackApiError) as refused:
        method(**arguments)
    return str(refused.value.response["error"])


def test_a_reply_needs_a_parent_in_that_channel(client: WebClient, slack_api: SlackApiServer) -> None:
    parent = client.chat_postMessage(channel="C_PROT", text="card")["ts"]

    assert _error(client.chat_postMessage, channel="C_PROT", text="r", thread_ts="1.000100") == "thread_not_found"
    assert _error(client.chat_postMessage, channel="C_METER", text="r", thread_ts=parent) == "thread_not_found"
    reply = client.chat_postMessage(channel="C_PROT", text="first reply", thread_ts=parent)["ts"]
    client.chat_postMessage(channel="C_PROT", text="reply to the reply", thread_ts=reply)

    assert [m["text"] for m in slack_api.replies("C_PROT", parent)] == ["first reply", "reply to the reply"]
    assert [m["ts"] for m in slack_api.channel_messages("C_PROT")] == [parent]


def test_an_edit_needs_the_message_still_there(client: WebClient, slack_api: SlackApiServer) -> None:
    ts = client.chat_postMessage(channel="C_PROT", text="card", metadata=CARD)["ts"]
    client.chat_update(channel="C_PROT", ts=ts, text="card, edited")
    edited = slack_api.message("C_PROT", ts)

    assert edited is not None
    assert edited["text"] == "card, edited"
    assert edited["metadata"] == CARD
    assert _error(client.chat_update, channel="C_METER", ts=ts, text="x") == "message_not_found"
    slack_api.delete_message("C_PROT", ts)
    assert _error(client.chat_update, channel="C_PROT", ts=ts, text="x") == "message_not_found"
    assert _error(client.chat_postMessage, channel="C_PROT", text="r", thread_ts=ts) == "thread_not_found"


def test_metadata_needs_an_event_type_and_a_payload(client: WebClient) -> None:
    bad = {"event_type": "", "event_payload": {}}
    assert _error(client.chat_postMessage, channel="C_PROT", text="x", metadata=bad) == "invalid_metadata_format"
    assert _error(client.chat_postMessage, channel="C_PROT", text="x",
                  metadata={"event_type": "t"}) == "invalid_metadata_format"


def test_history_pages_top_level_messages_newest_first(client: WebClient, slack_api: SlackApiServer) -> None:
    posted = [client.chat_postMessage(channel="C_PROT", text=f"m{i}", metadata=CARD)["ts"] for i in range(5)]
    client.chat_postMessage(channel="C_PROT", text="a reply", thread_ts=posted[0])
    slack_api.delete_message("C_PROT", posted[4])

    first = client.conversations_history(channel="C_PROT", limit=3, include_all_metadata=True)
    second = client.conversations_history(channel="C_PROT", limit=3, include_all_metadata=True,
                                          cursor=first["response_metadata"]["next_cursor"])
    plain = client.conversations_history(channel="C_PROT")

    assert [m["text"] for m in first["messages"]] == ["m3", "m2", "m1"]
    assert first["has_more"] is True
    assert [m["text"] for m in second["messages"]] == ["m0"]
    assert second["has_more"] is False
    assert all(m["metadata"] == CARD for m in first["messages"])
    assert all("metadata" not in m for m in plain["messages"])
    assert _error(client.conversations_history, channel="C_NOWHERE") == "channel_not_found"


def test_a_lost_answer_is_a_500_for_a_call_that_was_carried_out(client: WebClient,
                                                                 slack_api: SlackApiServer) -> None:
    slack_api.lose_answer_next(1)
    with pytest.raises(SlackApiError) as lost:
        client.chat_postMessage(channel="C_PROT", text="posted all the same")

    assert lost.value.response.status_code == 500
    assert [m["text"] for m in slack_api.channel_messages("C_PROT")] == ["posted all the same"]
    assert client.chat_postMessage(channel="C_PROT", text="next")["ok"]
