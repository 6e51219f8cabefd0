"""The Slack bot end to end: the real app behind waitress on loopback, a seeded SQLite desk,
the Web API stand-in as Slack's API, and requests signed the way Slack signs them, sent over
real HTTP. Behaviour is asserted on the database and on the calls the stand-in recorded."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urlencode

import pytest
import sqlalchemy as sa
from servers.slack_api import DEFAULT_TOKEN, ApiCall, SlackApiServer
from servers.slack_api_methods import blocks_problem
from slack_sdk import WebClient
from sqlalchemy.engine import Engine
from support import contract, pacific

from app.bootstrap import Desk, build_desk
from app.bot_wiring import EVENTS_PATH, bound_port, build_bot, http_server, stop_http_server
from bot.listeners.errors import SORRY
from bot.slack_app import SocketModeWatchdog, web_client
from bot.slack_notifier import SlackNotifier
from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.messaging import Channel, OutboxItem
from cases.persistence import tables
from cases.persistence.slack_events import SqlSeenEvents
from cases.ports import DeliveryFailed
from config.settings import load_settings

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
DOCS = ("one_line_diagram", "site_plan", "spec_sheet")
COORDINATOR, PROTECTION, VIEWER = "U_COORD", "U_PROT", "U_NOBODY"
ACCOUNT = "1234568827"


@dataclass
class Served:
    """The bot on `port`, the desk behind it, the stand-in it calls, and one complete case."""

    port: int
    desk: Desk
    api: SlackApiServer
    number: str

    def post(self, body: str, content_type: str, *, timestamp: int | None = None, secret: str = SECRET,
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """POST `body` to /slack/events, signed like Slack: v0=HMAC-SHA256(`v0:{ts}:{body}`)."""
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", EVENTS_PATH, body=body.encode(), headers={
                "Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": f"v0={digest}", **(headers or {})})
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def command(self, text: str, user: str = COORDINATOR, hook: str = "hooks/command") -> tuple[int, bytes]:
        form = {"token": "legacy", "team_id": "T_ICDESK", "channel_id": "C_COORD", "user_id": user,
                "command": "/ic", "text": text, "response_url": self.api.base_url + hook, "trigger_id": "13.1.x"}
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def event(self, event: dict[str, Any], event_id: str, retry: int | None = None) -> tuple[int, bytes]:
        body = {"token": "legacy", "team_id": "T_ICDESK", "api_app_id": "A_ICDESK", "type": "event_callback",
                "event_id": event_id, "event_time": int(time.time()), "event": event}
        headers = {} if retry is None else {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(body), "application/json", headers=headers)

    def interaction(self, payload: dict[str, Any]) -> tuple[int, bytes]:
        base = {"team": {"id": "T_ICDESK"}, "api_app_id": "A_ICDESK", "token": "legacy", "trigger_id": "13.2.x"}
        return self.post("payload=" + quote(json.dumps({**base, **payload})), "application/x-www-form-urlencoded")

    def case(self) -> Any:
        return self.desk.desk_reader().get(self.number)


def _register(desk: Desk) -> str:
    received = pacific(2026, 11, 25, 9)
    docs = tuple(Document(kind, f"{kind}.pdf", kind.ljust(64, "0"), 10, received) for kind in DOCS)
    application = application_from_contract(contract(), "residential")
    return services.register_application(desk.unit_of_work(), desk.book, application, received, "intake",
                                         documents=docs)


@contextmanager
def served_bot(tmp_path: Path, slack_api: SlackApiServer) -> Iterator[Served]:
    """The bot serving HTTP on a free port, in front of a fresh desk with one complete case."""
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'desk.db'}", slack_bot_token=DEFAULT_TOKEN,
                             slack_signing_secret=SECRET, slack_api_url=slack_api.base_url,
                             role_coordinator=COORDINATOR, role_protection=PROTECTION)
    desk = build_desk(settings, now=lambda: pacific(2026, 11, 30, 10))
    desk.ensure_schema()
    number = _register(desk)
    server = http_server(build_bot(desk), "127.0.0.1", 0, threads=4)
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    try:
        yield Served(bound_port(server), desk, slack_api, number)
    finally:
        stop_http_server(server)
        runner.join(timeout=5)
        assert not runner.is_alive()
        desk.close()


@pytest.fixture
def served(tmp_path: Path, slack_api: SlackApiServer) -> Iterator[Served]:
    with served_bot(tmp_path, slack_api) as running:
        yield running


def _blocks(call: ApiCall) -> list[dict[str, Any]]:
    blocks = call.param("blocks")
    assert isinstance(blocks, list)
    assert blocks_problem(blocks, max_blocks=50) is None
    return blocks


def _text(call: ApiCall) -> str:
    return json.dumps(call.param("blocks"), ensure_ascii=False) + str(call.param("text"))


def test_slash_status_is_acked_at_once_and_answered_with_the_card_within_3_s(served: Served) -> None:
    started = time.monotonic()
    status, body = served.command(f"status {served.number}")
    acked = time.monotonic() - started
    (answer,) = served.api.wait_for("hooks/command", timeout=3.0)
    assert (status, body) == (200, b"")
    assert acked < 3.0
    assert time.monotonic() - started < 3.0
    assert answer.param("response_type") == "ephemeral"
    blocks = _blocks(answer)
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"].startswith(f"{served.number} · Marcus Bell")
    # Ephemeral to a coordinator: the account is shown in full.
    assert ACCOUNT in _text(answer)
    assert served.api.calls_to("auth.test"), "bolt checks the token on the first request, not at start"


def test_slash_help_lists_what_the_caller_may_run(served: Served) -> None:
    served.command("help", user=VIEWER)
    (answer,) = served.api.wait_for("hooks/command")
    blocks = _blocks(answer)
    assert blocks[0]["text"]["text"] == "What you can ask icdesk"
    text = _text(answer)
    assert "*status*" in text
    assert "*mine*" in text
    assert "*advance*" not in text


def test_a_viewer_may_not_advance_a_case(served: Served) -> None:
    served.command(f"advance {served.number} in_review looks fine", user=VIEWER)
    (answer,) = served.api.wait_for("hooks/command")
    assert "`advance` is for coordinator, manager" in _text(answer)
    assert served.case().stage == "complete"


def test_a_mention_is_answered_in_its_thread_with_the_account_masked(served: Served) -> None:
    event = {"type": "app_mention", "user": COORDINATOR, "text": f"<@U_ICDESK> status {served.number}",
             "ts": "1767225600.000200", "channel": "C_COORD", "event_ts": "1767225600.000200"}
    status, _ = served.event(event, "Ev_MENTION_1")
    (posted,) = served.api.wait_for("chat.postMessage")
    assert status == 200
    assert posted.param("channel") == "C_COORD"
    assert posted.param("thread_ts") == "1767225600.000200"
    _blocks(posted)
    assert ACCOUNT not in _text(posted)
    assert "••••8827" in _text(posted)


def test_a_direct_message_is_answered_in_the_dm_unmasked(served: Served) -> None:
    event = {"type": "message", "channel_type": "im", "user": COORDINATOR, "text": f"status {served.number}",
             "ts": "1767225600.000300", "channel": "D_COORD", "event_ts": "1767225600.000300"}
    served.event(event, "Ev_DM_1")
    (posted,) = served.api.wait_for("chat.postMessage")
    assert posted.param("channel") == "D_COORD"
    assert ACCOUNT in _text(posted)


def test_a_retried_event_acts_once(served: Served) -> None:
    event = {"type": "app_mention", "user": COORDINATOR, "text": f"<@U_ICDESK> note {served.number} called back",
             "ts": "1767225600.000400", "channel": "C_COORD", "event_ts": "1767225600.000400"}
    first, _ = served.event(event, "Ev_RETRIED")
    again, _ = served.event(event, "Ev_RETRIED", retry=1)
    served.api.wait_for("chat.postMessage")
    time.sleep(0.3)
    assert (first, again) == (200, 200)
    assert len(served.api.calls_to("chat.postMessage")) == 1
    assert len(served.case().notes) == 1
    with served.desk.engine.connect() as connection:
        assert connection.execute(sa.select(tables.slack_events.c.event_id)).scalars().all() == ["Ev_RETRIED"]


def _button(action_id: str, value: str, user: str, hook: str = "hooks/action") -> dict[str, Any]:
    return {"type": "block_actions", "user": {"id": user}, "channel": {"id": "C_PROT"},
            "response_url": f"{{base}}{hook}",
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b1", "value": value,
                         "action_ts": "1767225600.000500"}]}


def _press(served: Served, action_id: str, value: str, user: str) -> tuple[int, bytes]:
    payload = _button(action_id, value, user)
    payload["response_url"] = payload["response_url"].format(base=served.api.base_url)
    return served.interaction(payload)


def test_done_from_a_button_finishes_the_task(served: Served) -> None:
    status, _ = _press(served, "case_task_done", f"{served.number}|screening_review", PROTECTION)
    (answer,) = served.api.wait_for("hooks/action")
    assert status == 200
    assert answer.param("response_type") == "ephemeral"
    assert "screening_review done" in _text(answer)
    task = next(t for t in served.case().tasks if t.kind == "screening_review")
    assert task.status == "done"


def test_assign_me_from_a_button_is_refused_to_a_viewer(served: Served) -> None:
    _press(served, "case_assign_me", served.number, VIEWER)
    (answer,) = served.api.wait_for("hooks/action")
    assert "`assign` is for billing, coordinator, manager, metering, protection" in _text(answer)
    assert all(t.assignee is None for t in served.case().tasks)


def test_advance_opens_a_modal_and_its_submission_moves_the_case(served: Served) -> None:
    _press(served, "case_advance", served.number, COORDINATOR)
    (opened,) = served.api.wait_for("views.open")
    assert opened.response["ok"], opened.response
    modal = opened.param("view")
    options = [o["value"] for o in modal["blocks"][1]["element"]["options"]]
    assert "in_review" in options
    assert "withdrawn" not in options
    submission = {"type": "view_submission", "user": {"id": COORDINATOR},
                  "view": {**modal, "id": opened.response["view"]["id"], "state": {"values": {
                      "stage": {"stage": {"type": "static_select", "selected_option": {"value": "in_review"}}},
                      "reason": {"reason": {"type": "plain_text_input", "value": "screens can start, it's complete"}},
                  }}}}
    status, body = served.interaction(submission)
    (told,) = served.api.wait_for("chat.postEphemeral")
    assert (status, body) == (200, b"")
    assert told.param("user") == COORDINATOR
    assert told.param("channel") == "C_PROT"
    assert served.case().stage == "in_review"
    assert any("it's complete" in (e.note or "") for e in served.case().events)


def test_app_home_shows_the_callers_tasks(served: Served) -> None:
    served.command(f"assign {served.number} me review_application")
    served.api.wait_for("hooks/command")
    served.event({"type": "app_home_opened", "user": COORDINATOR, "channel": "D_COORD", "tab": "home",
                  "event_ts": "1767225600.000600"}, "Ev_HOME_1")
    (published,) = served.api.wait_for("views.publish")
    assert published.response["ok"], published.response
    assert published.param("user_id") == COORDINATOR
    home = json.dumps(published.param("view"))
    assert "Your open tasks (1)" in home
    assert served.number in home
    assert "Next deadlines on your cases" in home


def test_an_internal_failure_gets_one_friendly_line_and_no_traceback(served: Served) -> None:
    with served.desk.engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE case_clocks"))
    served.command(f"status {served.number}")
    (answer,) = served.api.wait_for("hooks/command")
    assert SORRY in _text(answer)
    assert "Traceback" not in _text(answer)
    assert "case_clocks" not in _text(answer)


def test_a_bad_signature_is_refused(served: Served) -> None:
    status, _ = served.post("token=x&command=%2Fic&text=help&user_id=U_COORD", "application/x-www-form-urlencoded",
                            secret="not-the-secret")
    assert status == 401
    assert served.api.calls == []


def test_a_stale_timestamp_is_refused(served: Served) -> None:
    status, _ = served.post("token=x&command=%2Fic&text=help&user_id=U_COORD", "application/x-www-form-urlencoded",
                            timestamp=int(time.time()) - 6 * 60)
    assert status == 401
    assert served.api.calls == []


def test_seen_events_are_shared_between_processes(engine: Engine) -> None:
    one, other = SqlSeenEvents(engine), SqlSeenEvents(engine)
    assert one.first_time("Ev1")
    assert not other.first_time("Ev1")
    assert not one.first_time("Ev1")
    assert other.first_time("Ev2")


def test_the_bots_client_waits_out_a_rate_limit_and_a_slack_failure(slack_api: SlackApiServer) -> None:
    client = web_client(DEFAULT_TOKEN, slack_api.base_url)
    slack_api.rate_limit_next(1, retry_after=1)
    assert client.chat_postMessage(channel="C_COORD", text="first")["ok"]
    slack_api.fail_next(1)
    assert client.chat_postMessage(channel="C_COORD", text="second")["ok"]
    assert [call.status for call in slack_api.calls_to("chat.postMessage")] == [429, 200, 500, 200]


def _item(**payload: Any) -> OutboxItem:
    return OutboxItem("k1", Channel.SLACK, "team:protection", payload, pacific(2026, 11, 30, 10), "IC-2026-00001")


def test_the_notifier_posts_in_a_thread_and_updates_a_post(slack_api: SlackApiServer) -> None:
    notifier = SlackNotifier(WebClient(token=DEFAULT_TOKEN, base_url=slack_api.base_url), {"team:protection": "C_PROT"})
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*IC-2026-00001* screening review"}}]
    notifier.send(_item(text="IC-2026-00001 screening review", blocks=blocks))
    (posted,) = slack_api.calls_to("chat.postMessage")
    notifier.send(_item(channel="C_PROT", text="a reply", thread_ts=posted.response["ts"]))
    notifier.send(_item(text="done", blocks=blocks, update_ts=posted.response["ts"]))
    first, reply = slack_api.calls_to("chat.postMessage")
    (update,) = slack_api.calls_to("chat.update")
    assert first.param("channel") == "C_PROT"
    assert first.param("blocks") == blocks
    assert reply.param("thread_ts") == posted.response["ts"]
    assert update.response["ok"], update.response


def test_the_notifier_leaves_a_rate_limit_or_an_outage_to_the_outbox(slack_api: SlackApiServer) -> None:
    notifier = SlackNotifier(WebClient(token=DEFAULT_TOKEN, base_url=slack_api.base_url))
    slack_api.rate_limit_next(1, retry_after=30)
    with pytest.raises(DeliveryFailed) as limited:
        notifier.send(_item(channel="C_PROT", text="hello"))
    slack_api.fail_next(1)
    with pytest.raises(DeliveryFailed) as outage:
        notifier.send(_item(channel="C_PROT", text="hello"))
    with pytest.raises(DeliveryFailed, match="channel_not_found"):
        notifier.send(_item(channel="C_NOWHERE", text="hello"))
    assert limited.value.retry_after_s == 30
    assert "429" in str(limited.value)
    assert outage.value.retry_after_s is None
    assert "500" in str(outage.value)


class _FakeSocketClient:
    def __init__(self) -> None:
        self.on_message_listeners: list[Any] = []
        self.current_session = SimpleNamespace(last_ping_pong_time=None)
        self.reconnects = 0

    def connect_to_new_endpoint(self, force: bool = False) -> None:
        self.reconnects += 1


def test_the_socket_mode_watchdog_reconnects_only_a_silent_connection() -> None:
    now = [1000.0]
    client = _FakeSocketClient()
    watchdog = SocketModeWatchdog(SimpleNamespace(client=client), stale_after_s=60, clock=lambda: now[0])  # type: ignore[arg-type]
    now[0] += 50
    client.on_message_listeners[0]('{"type": "hello"}')
    now[0] += 50
    assert not watchdog.check()
    client.current_session.last_ping_pong_time = now[0] + 30
    now[0] += 80
    assert not watchdog.check(), "a recent pong counts as life"
    now[0] += 61
    assert watchdog.check()
    assert client.reconnects == 1
    assert not watchdog.check(), "the reconnect restarts the count"
