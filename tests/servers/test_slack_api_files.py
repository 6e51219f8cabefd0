"""The stand-in's files: it takes an upload the way Slack does and refuses what Slack refuses."""

from __future__ import annotations

import urllib.error
import urllib.request
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from servers.slack_api import DEFAULT_TOKEN, SlackApiServer


def client_for(server: SlackApiServer) -> WebClient:
    return WebClient(token=DEFAULT_TOKEN, base_url=server.base_url, retry_handlers=[])


def error_of(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as raised:
        call(*args, **kwargs)
    return str(raised.value.response["error"])


def post_bytes(url: str, data: bytes) -> int:
    request = urllib.request.Request(url, data=data, method="POST")  # noqa: S310 - the stand-in on loopback
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def test_an_upload_is_shared_with_its_comment_in_the_channel(slack_api: SlackApiServer) -> None:
    response = client_for(slack_api).files_upload_v2(channel="C_MGMT", content=b"png bytes", filename="chart.png",
                                                     title="Chart", initial_comment="the digest")
    (shared,) = slack_api.shared_files("C_MGMT")
    assert (shared.id, shared.filename, shared.title, shared.comment, shared.data) == (
        response["file"]["id"], "chart.png", "Chart", "the digest", b"png bytes")
    assert slack_api.shared_files("C_COORD") == []
    listed = client_for(slack_api).files_list(channel="C_MGMT")["files"]
    assert [f["name"] for f in listed] == ["chart.png"]
    assert client_for(slack_api).files_list(channel="C_COORD")["files"] == []


def test_an_upload_url_needs_a_filename_and_a_length(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    assert error_of(client.files_getUploadURLExternal, filename="", length=3) == "invalid_arguments"
    assert error_of(client.api_call, "files.getUploadURLExternal", params={"filename": "a.png"}) == "invalid_arguments"
    assert error_of(client.files_getUploadURLExternal, filename="a.png", length=0) == "invalid_arguments"


def test_bytes_to_an_unknown_upload_url_are_refused(slack_api: SlackApiServer) -> None:
    assert post_bytes(f"{slack_api.base_url}upload/F99999999", b"x") == 404


def test_completion_refuses_unknown_files_and_a_wrong_length(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    assert error_of(client.files_completeUploadExternal, files=[{"id": "F_NOPE"}], channel_id="C_MGMT") == (
        "file_not_found")
    started = client.files_getUploadURLExternal(filename="a.png", length=5)
    assert error_of(client.files_completeUploadExternal, files=[{"id": started["file_id"]}],
                    channel_id="C_MGMT") == "file_not_found", "no bytes came yet"
    assert post_bytes(started["upload_url"], b"abc") == 200
    assert error_of(client.files_completeUploadExternal, files=[{"id": started["file_id"]}],
                    channel_id="C_MGMT") == "file_size_mismatch"
    assert slack_api.shared_files("C_MGMT") == []


def test_a_file_is_completed_once(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    file_id = client.files_upload_v2(channel="C_MGMT", content=b"x", filename="a.png")["file"]["id"]
    assert error_of(client.files_completeUploadExternal, files=[{"id": file_id}], channel_id="C_MGMT") == (
        "file_already_completed")
    assert len(slack_api.shared_files("C_MGMT")) == 1


def test_sharing_needs_a_channel_that_exists_and_the_bot_in_it(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    assert error_of(client.files_upload_v2, channel="C_NOWHERE", content=b"x", filename="a.png") == (
        "channel_not_found")
    slack_api.leave_channel("C_MGMT")
    assert error_of(client.files_upload_v2, channel="C_MGMT", content=b"x", filename="a.png") == "not_in_channel"
    assert client.files_upload_v2(channel="D_U1", content=b"x", filename="a.png")["ok"], "a DM with the bot"


def test_faults_aimed_at_one_method(slack_api: SlackApiServer) -> None:
    client = client_for(slack_api)
    slack_api.fault_next("upload", 500)
    with pytest.raises(urllib.error.HTTPError, match="500"):
        client.files_upload_v2(channel="C_MGMT", content=b"x", filename="a.png")
    slack_api.fault_next("files.completeUploadExternal", 429, retry_after=3)
    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(channel="C_MGMT", content=b"x", filename="a.png")
    assert (raised.value.response.status_code, raised.value.response.headers["Retry-After"]) == (429, "3")
    assert slack_api.shared_files("C_MGMT") == []
    slack_api.lose_answer_of_next("files.completeUploadExternal")
    assert error_of(client.files_upload_v2, channel="C_MGMT", content=b"x", filename="b.png") == "internal_error"
    assert [f.filename for f in slack_api.shared_files("C_MGMT")] == ["b.png"], "done, though the answer was lost"
