"""The Slack Web API stand-in answers like Slack, refuses what Slack refuses, and fails on
request, as seen through the real slack_sdk client."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from servers.slack_api import DEFAULT_TOKEN, SlackApiServer


def client_for(server: SlackApiServer, token: str = DEFAULT_TOKEN) -> WebClient:
    return WebClient(token=token, base_url=server.base_url)


def error_of(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    return str(raised.value.response["error"])


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(action_id: str, text: str = "Go", value: str = "v") -> dict[str, Any]:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, "value": value}


def test_listens_on_loopback_and_the_url_ends_with_a_slash(slack_api: SlackApiServer) -> None:
    assert slack_api.base_url.startswith("http://127.0.0.1:")
    assert slack_api.base_url.endswith("/")


def test_auth_test_names_the_bot(slack_api: SlackApiServer) -> None:
    response = client_for(slack_api).auth_test()

    assert (response["ok"], response["user_id"], response["bot_id"]) == (True, "U_ICDESK", "B_ICDESK")


def test_a_bolt_app_starts_against_it(slack_api: SlackApiServer) -> None:
    App(client=client_for(slack_api), signing_secret="secret")

    assert [call.method for call in slack_api.calls] == ["auth.test"]


@pytest.mark.parametrize("token", ["xoxb-wrong", ""])
def test_wrong_or_missing_token_is_invalid_auth(slack_api: SlackApiServer, token: str) -> None:
    assert error_of(client_for(slack_api, token).chat_postMessage, channel="C_COORD", text="hi") == "invalid_auth"


def test_a_message_gets_a_ts_and_the_call_is_recorded(slack_api: SlackApiServer) -> None:
    response = client_for(slack_api).chat_postMessage(channel="C_PROT", text="hello", blocks=[section("*hi*")])

    assert response["channel"] == "C_PROT"
    assert response["ts"]
    call = slack_api.calls_to("chat.postMessage")[0]
    assert call.params["text"] == "hello"
    assert call.param("blocks") == [section("*hi*")]
    assert call.headers["authorization"] == f"Bearer {DEFAULT_TOKEN}"
    assert call.headers["content-type"].startswith("application/json")
    assert call.status == 200


def test_form_encoded_calls_work_too(slack_api: SlackApiServer) -> None:
    blocks = json.dumps([{"type": "divider"}])

    response = client_for(slack_api).api_call("chat.postMessage", params={"channel": "C_BILL", "blocks": blocks})

    assert response["ok"] is True
    call = slack_api.calls[-1]
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert call.param("blocks") == [{"type": "divider"}]


def test_a_dm_channel_from_conversations_open_exists(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)

    channel = client.conversations_open(users="U0JORDAN1")["channel"]["id"]

    assert channel.startswith("D")
    assert client.chat_postMessage(channel=channel, text="just you")["ok"] is True


def test_unknown_channel_is_channel_not_found(slack_api: SlackApiServer) -> None:
    assert error_of(client_for(slack_api).chat_postMessage, channel="C_RANDOM", text="x") == "channel_not_found"


def test_channels_are_configurable() -> None:
    with SlackApiServer(channels=frozenset({"C_ONLY"})) as server:
        client = client_for(server)
        assert client.chat_postMessage(channel="C_ONLY", text="x")["ok"] is True
        assert error_of(client.chat_postMessage, channel="C_COORD", text="x") == "channel_not_found"


def test_no_text_and_no_blocks_is_no_text(slack_api: SlackApiServer) -> None:
    assert error_of(client_for(slack_api).api_call, "chat.postMessage", json={"channel": "C_COORD"}) == "no_text"


def test_text_over_40000_characters_is_msg_too_long(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)

    assert client.chat_postMessage(channel="C_COORD", text="x" * 40_000)["ok"] is True
    assert error_of(client.chat_postMessage, channel="C_COORD", text="x" * 40_001) == "msg_too_long"


@pytest.mark.parametrize(("blocks", "detail"), [
    ({"type": "divider"}, "must be an array"),
    ([{"type": "divider"}] * 51, "no more than 50 items"),
    ([{"type": "banner"}], "unknown or missing block type"),
    ([{"text": "no type"}], "unknown or missing block type"),
    ([section("x" * 3001)], "must be less than 3001 characters"),
    ([section("")], "must be more than 0 characters"),
    ([{"type": "section"}], "needs text or fields"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}], "no more than 10 items"),
    ([{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * 2001}]}], "less than 2001"),
    ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "less than 151"),
    ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "must be a plain_text object"),
    ([{"type": "actions", "elements": [button(f"a{i}") for i in range(26)]}], "between 1 and 25"),
    ([{"type": "actions", "elements": [button("same"), button("same")]}], "repeated in its block"),
    ([{"type": "actions", "elements": [button("a", text="t" * 76)]}], "less than 76"),
    ([{"type": "actions", "elements": [button("a" * 256)]}], "action_id too long"),
    ([{"type": "actions", "elements": [button("a", value="v" * 2001)]}], "less than 2001"),
    ([section("x") | {"accessory": button("a") | {"confirm": {"title": {"type": "plain_text", "text": "t"}}}}],
     "confirm/text"),
    ([section("a") | {"block_id": "b"}, section("b") | {"block_id": "b"}], "block_id too long or repeated"),
    ([{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}], "between 1 and 10"),
])
def test_blocks_slack_would_refuse_are_invalid_blocks(slack_api: SlackApiServer, blocks: Any, detail: str) -> None:
    with pytest.raises(SlackApiError) as raised:
        client_for(slack_api).chat_postMessage(channel="C_COORD", text="x", blocks=blocks)

    assert raised.value.response["error"] == "invalid_blocks"
    assert detail in raised.value.response["response_metadata"]["messages"][0]


def test_the_same_action_id_in_different_blocks_is_fine(slack_api: SlackApiServer) -> None:
    blocks = [section("one") | {"accessory": button("done")}, section("two") | {"accessory": button("done")},
              {"type": "actions", "elements": [button(f"a{i}") for i in range(25)]}]

    assert client_for(slack_api).chat_postMessage(channel="C_COORD", text="x", blocks=blocks)["ok"] is True


def test_blocks_that_are_not_json_are_invalid_blocks_format(slack_api: SlackApiServer) -> None:
    params = {"channel": "C_COORD", "blocks": "[{not json"}

    assert error_of(client_for(slack_api).api_call, "chat.postMessage", params=params) == "invalid_blocks_format"


def test_update_needs_a_message_that_was_posted(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    ts = client.chat_postMessage(channel="C_METER", text="v1")["ts"]

    assert client.chat_update(channel="C_METER", ts=ts, text="v2")["ts"] == ts
    assert error_of(client.chat_update, channel="C_METER", ts="1.2", text="v2") == "message_not_found"
    assert error_of(client.chat_update, channel="C_METER", ts=ts, text="v3", blocks=[{"type": "?"}]) == "invalid_blocks"


def test_ephemeral_messages_name_a_user(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)

    assert client.chat_postEphemeral(channel="C_COORD", user="U0JORDAN1", text="only you")["message_ts"]
    assert error_of(client.chat_postEphemeral, channel="C_X", user="U0JORDAN1", text="x") == "channel_not_found"


def test_views_open_needs_a_trigger_and_publish_a_home_view(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Advance"}, "blocks": [section("x")]}

    assert client.views_open(trigger_id="123.456", view=modal)["view"]["id"].startswith("V")
    assert error_of(client.views_open, trigger_id="", view=modal) == "invalid_arguments"
    assert client.views_publish(user_id="U0JORDAN1", view={"type": "home", "blocks": [section("y")]})["ok"]
    assert error_of(client.views_publish, user_id="U0JORDAN1", view=modal) == "invalid_arguments"


def test_users_info_knows_every_user_or_only_the_configured_ones(slack_api: SlackApiServer) -> None:
    assert client_for(slack_api).users_info(user="U0JORDAN1")["user"]["id"] == "U0JORDAN1"
    with SlackApiServer(users={"U1": "Jordan Lee"}) as server:
        client = client_for(server)
        assert client.users_info(user="U1")["user"]["real_name"] == "Jordan Lee"
        assert error_of(client.users_info, user="U2") == "user_not_found"


def test_file_upload_v2_goes_through_all_three_steps(slack_api: SlackApiServer) -> None:
    response = client_for(slack_api).files_upload_v2(channel="C_MGMT", content=b"queue bytes",
                                                     filename="queue.xlsx", title="Queue")

    assert response["file"]["name"] == "queue.xlsx"
    assert [c.method for c in slack_api.calls] == ["files.getUploadURLExternal", "upload",
                                                   "files.completeUploadExternal"]
    assert slack_api.uploaded(response["file"]["id"]) == b"queue bytes"


def test_unknown_methods_are_unknown_method(slack_api: SlackApiServer) -> None:
    assert error_of(client_for(slack_api).api_call, "chat.explode") == "unknown_method"


def test_rate_limit_answers_429_with_retry_after(slack_api: SlackApiServer) -> None:
    slack_api.rate_limit_next(1, retry_after=7)

    with pytest.raises(SlackApiError) as raised:
        client_for(slack_api).auth_test()

    assert raised.value.response.status_code == 429
    assert raised.value.response.headers["Retry-After"] == "7"
    assert client_for(slack_api).auth_test()["ok"] is True, "only the next call was limited"


def test_a_client_with_the_rate_limit_handler_waits_and_retries(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    slack_api.rate_limit_next(1, retry_after=0)

    assert client.chat_postMessage(channel="C_COORD", text="x")["ok"] is True
    assert [c.status for c in slack_api.calls] == [429, 200]


def test_server_errors_for_the_next_calls(slack_api: SlackApiServer) -> None:
    slack_api.fail_next(2)
    client = client_for(slack_api)

    with pytest.raises(SlackApiError) as raised:
        client.auth_test()
    assert raised.value.response.status_code == 500

    client.retry_handlers.append(ServerErrorRetryHandler(max_retry_count=1, interval_calculator=(
        FixedValueRetryIntervalCalculator(0.01))))
    assert client.auth_test()["ok"] is True
    assert [c.status for c in slack_api.calls] == [500, 500, 200]


def test_calls_from_many_threads_are_all_recorded(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    stamps: list[str] = []

    def post(n: int) -> None:
        for i in range(5):
            stamps.append(client.chat_postMessage(channel="C_COORD", text=f"{n}-{i}")["ts"])

    threads = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(slack_api.wait_for("chat.postMessage", 40)) == 40
    assert len(set(stamps)) == 40


def test_wait_for_gives_up_with_what_it_saw(slack_api: SlackApiServer) -> None:
    with pytest.raises(AssertionError, match=r"expected 1 call\(s\) of views.open within 0.05s, got 0"):
        slack_api.wait_for("views.open", timeout=0.05)


def test_a_stopped_server_refuses_connections() -> None:
    server = SlackApiServer()
    server.start()
    url = server.base_url
    server.stop()

    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "auth.test", timeout=2)  # noqa: S310
