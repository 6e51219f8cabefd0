"""Task cards in the team channels, through the outbox, the real database and the Slack Web API
stand-in: one card per case and channel, edited in place, the news in its thread, a deleted
card posted anew, and exactly one card however Slack fails in between."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
import yaml
from servers.slack_api import DEFAULT_TOKEN, SlackApiServer
from sqlalchemy.engine import Engine
from support import contract, pacific

from bot.blocks_task import CARD_EVENT
from bot.posts import ChannelPoster
from bot.slack_notifier import SlackNotifier, delivery_client
from cases import services
from cases.applications import application_from_contract
from cases.entities import Document
from cases.messaging import Channel, OutboxItem
from cases.persistence import tables
from cases.persistence.desk_read_model import SqlDeskReader
from cases.persistence.repository import SqlUnitOfWork
from cases.persistence.slack_cards import SqlCardPlaces
from cases.rulebook import RuleBook
from cases.services.outbox import DeliveryReport, deliver_outbox
from cases.stages import Stage

CHANNELS = {"team:coordinator": "C_COORD", "team:protection": "C_PROT", "team:metering": "C_METER",
            "team:billing": "C_BILL", "team:manager": "C_MGMT"}
DOCS = ("one_line_diagram", "site_plan", "spec_sheet")


@dataclass
class Desk:
    """The case core, the outbox and the channel poster over one database and one stand-in."""

    engine: Engine
    book: RuleBook
    slack: SlackApiServer
    at: datetime = field(default_factory=lambda: pacific(2026, 11, 30, 10))

    def now(self) -> datetime:
        return self.at

    def poster(self) -> ChannelPoster:
        notifier = SlackNotifier(delivery_client(DEFAULT_TOKEN, self.slack.base_url), CHANNELS)
        today = self.book.calendar.local_date(self.at)
        return ChannelPoster(notifier, lambda: SqlDeskReader(self.engine, self.book.calendar, today),
                             SqlCardPlaces(self.engine), self.now, lambda: today)

    def deliver(self) -> DeliveryReport:
        return deliver_outbox(SqlUnitOfWork(self.engine), {Channel.SLACK: self.poster()}, self.now)

    def later(self, minutes: float = 1) -> None:
        self.at += timedelta(minutes=minutes)

    def register(self, *documents: str) -> str:
        application = application_from_contract(contract(), "residential")
        docs = tuple(Document(k, f"{k}.pdf", k.ljust(64, "0"), 10, self.at) for k in documents)
        return services.register_application(SqlUnitOfWork(self.engine), self.book, application, self.at, "intake",
                                             documents=docs)

    def done(self, number: str, task: str, who: str = "U0SAM") -> None:
        services.complete_task(SqlUnitOfWork(self.engine), self.book, number, task, self.at, who)

    def cards(self) -> list[tuple[str, str, str]]:
        table = tables.slack_case_cards
        with self.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(
                sa.select(table.c.case_number, table.c.channel, table.c.ts).order_by(table.c.channel))]

    def undelivered(self) -> int:
        with SqlUnitOfWork(self.engine) as uow:
            return uow.outbox.backlog()


@pytest.fixture
def desk(engine: Engine, book: RuleBook, slack_api: SlackApiServer) -> Desk:
    return Desk(engine, book, slack_api)


def _texts(blocks: list[dict[str, Any]]) -> str:
    """Every text on a card, joined, to read what it says."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(blocks)
    return "\n".join(found)


def _action_ids(blocks: list[dict[str, Any]]) -> set[str]:
    ids: set[str] = set()
    for block in blocks:
        for element in [*block.get("elements", []), block.get("accessory") or {}]:
            if isinstance(element, dict) and element.get("action_id"):
                ids.add(element["action_id"])
    return ids


def test_a_new_task_posts_one_card_and_remembers_where(desk: Desk) -> None:
    number = desk.register()
    report = desk.deliver()

    assert not report.failed
    (card,) = desk.slack.channel_messages("C_COORD")
    assert card["metadata"] == {"event_type": CARD_EVENT, "event_payload": {"case": number, "team": "coordinator"}}
    assert "review the application" in _texts(card["blocks"])
    assert {"case_task_done", "task_assign_me", "case_show"} <= _action_ids(card["blocks"])
    assert desk.cards() == [(number, "C_COORD", card["ts"])]


def _queued(desk: Desk) -> list[tuple[str, str]]:
    outbox = tables.outbox
    with desk.engine.connect() as connection:
        rows = connection.execute(sa.select(outbox.c.recipient, outbox.c.payload).where(
            outbox.c.channel == Channel.SLACK, outbox.c.delivered_at.is_(None)).order_by(outbox.c.id))
        return [(recipient, payload["kind"]) for recipient, payload in rows]


def test_a_new_case_queues_its_cards_and_no_news_the_cards_already_show(desk: Desk) -> None:
    number = desk.register(*DOCS)
    assert _queued(desk) == [("team:coordinator", "task_card"), ("team:protection", "task_card")]

    desk.deliver()
    desk.later()
    desk.done(number, "screening_review")
    assert _queued(desk) == [("team:protection", "task_done")]


def test_a_finished_task_edits_the_card_and_says_so_in_its_thread(desk: Desk) -> None:
    number = desk.register()
    desk.deliver()
    (card,) = desk.slack.channel_messages("C_COORD")

    desk.later()
    desk.done(number, "review_application")
    report = desk.deliver()

    assert not report.failed
    assert desk.slack.channel_messages("C_COORD") == [desk.slack.message("C_COORD", card["ts"])]
    now = desk.slack.message("C_COORD", card["ts"])
    assert now is not None
    assert "~review the application" in _texts(now["blocks"])
    assert "Nothing left for coordinator" in _texts(now["blocks"])
    assert "case_task_done" not in _action_ids(now["blocks"])
    assert "task_assign_me" not in _action_ids(now["blocks"])
    assert [call.param("ts") for call in desk.slack.calls_to("chat.update")] == [card["ts"]]
    (reply,) = desk.slack.replies("C_COORD", card["ts"])
    assert "done by <@U0SAM>" in reply["text"]


def test_the_stage_moving_and_a_second_task_go_to_the_same_card(desk: Desk) -> None:
    number = desk.register(*DOCS)
    desk.deliver()
    (protection,) = desk.slack.channel_messages("C_PROT")
    (coordination,) = desk.slack.channel_messages("C_COORD")

    desk.later()
    services.advance_stage(SqlUnitOfWork(desk.engine), desk.book, number, Stage.IN_REVIEW, desk.at, "U0JO")
    desk.later()
    services.advance_stage(SqlUnitOfWork(desk.engine), desk.book, number, Stage.APPROVED, desk.at, "U0JO",
                           "screens passed")
    report = desk.deliver()

    assert not report.failed
    assert desk.slack.channel_messages("C_PROT") == [desk.slack.message("C_PROT", protection["ts"])]
    assert desk.slack.channel_messages("C_COORD") == [desk.slack.message("C_COORD", coordination["ts"])]
    replies = [r["text"] for r in desk.slack.replies("C_PROT", protection["ts"])]
    assert replies[:2] == ["Stage: complete → *in review*", "Stage: in review → *approved* — screens passed"]
    now = desk.slack.message("C_PROT", protection["ts"])
    assert now is not None
    assert "stage *approved*" in _texts(now["blocks"])
    coordinator_news = [r["text"] for r in desk.slack.replies("C_COORD", coordination["ts"])]
    assert "New task: *send the interconnection agreement* · due Dec 3" in coordinator_news
    card = desk.slack.message("C_COORD", coordination["ts"])
    assert card is not None
    assert "send the interconnection agreement" in _texts(card["blocks"])


def test_a_deleted_card_is_posted_anew_and_the_news_goes_under_it(desk: Desk) -> None:
    number = desk.register()
    desk.deliver()
    (card,) = desk.slack.channel_messages("C_COORD")
    desk.slack.delete_message("C_COORD", card["ts"])

    desk.later()
    desk.done(number, "review_application")
    report = desk.deliver()

    assert not report.failed
    (fresh,) = desk.slack.channel_messages("C_COORD")
    assert fresh["ts"] != card["ts"]
    assert desk.cards() == [(number, "C_COORD", fresh["ts"])]
    assert "done by" in desk.slack.replies("C_COORD", fresh["ts"])[0]["text"]
    (refused,) = desk.slack.calls_to("chat.update")
    assert refused.response["error"] == "message_not_found"


def test_slack_failing_in_between_still_leaves_one_card_and_the_news_in_order(desk: Desk) -> None:
    number = desk.register()
    desk.slack.rate_limit_next(1, retry_after=1)
    first = desk.deliver()
    assert first.failed
    assert not desk.slack.channel_messages("C_COORD")

    desk.later(5)
    desk.deliver()
    (card,) = desk.slack.channel_messages("C_COORD")

    desk.later()
    desk.done(number, "review_application", who="U0SAM")
    desk.later()
    services.add_note(SqlUnitOfWork(desk.engine), number, "called", desk.at, "U0SAM")
    desk.slack.fail_next(1)
    failed = desk.deliver()
    assert failed.failed
    desk.later(5)
    desk.deliver()

    assert desk.undelivered() == 0
    assert [m["ts"] for m in desk.slack.channel_messages("C_COORD")] == [card["ts"]]
    assert ["done by" in r["text"] for r in desk.slack.replies("C_COORD", card["ts"])] == [True]


def test_a_card_whose_answer_was_lost_is_found_not_posted_twice(desk: Desk) -> None:
    number = desk.register()
    # Slack posts the card but the answer never arrives: the outbox sees a failure.
    desk.slack.lose_answer_next(1)
    first = desk.deliver()
    assert first.failed
    (card,) = desk.slack.channel_messages("C_COORD")
    assert desk.cards() == []

    desk.later(5)
    again = desk.deliver()

    assert not again.failed
    assert [m["ts"] for m in desk.slack.channel_messages("C_COORD")] == [card["ts"]]
    assert desk.cards() == [(number, "C_COORD", card["ts"])]
    assert len(desk.slack.calls_to("chat.postMessage")) == 1
    assert desk.slack.calls_to("conversations.history")


def test_without_the_history_scope_a_lost_card_is_posted_again_rather_than_never(
        engine: Engine, book: RuleBook, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    with SlackApiServer(missing_scopes=frozenset({"channels:history"})) as slack:
        desk = Desk(engine, book, slack)
        number = desk.register()
        slack.lose_answer_next(1)
        desk.deliver()
        desk.later(5)
        again = desk.deliver()

        assert not again.failed
        assert len(slack.channel_messages("C_COORD")) == 2
        assert [c.response["error"] for c in slack.calls_to("conversations.history")] == ["missing_scope"]
        assert desk.cards()[0][:2] == (number, "C_COORD")
        assert "cannot look for an earlier card" in caplog.text


def test_a_retry_after_the_card_was_recorded_leaves_the_card_be(desk: Desk) -> None:
    # As after a crash between recording the card's place and recording the delivery: the
    # place is known, the item is still undelivered and comes round again.
    number = desk.register()
    desk.deliver()
    (card,) = desk.slack.channel_messages("C_COORD")
    outbox = tables.outbox
    with desk.engine.begin() as connection:
        connection.execute(sa.update(outbox).values(delivered_at=None, available_at=desk.at))

    desk.later()
    desk.deliver()

    assert desk.undelivered() == 0
    assert [m["ts"] for m in desk.slack.channel_messages("C_COORD")] == [card["ts"]]
    assert desk.slack.replies("C_COORD", card["ts"]) == []
    assert len(desk.slack.calls_to("chat.postMessage")) == 1
    assert desk.cards() == [(number, "C_COORD", card["ts"])]


def test_a_reminder_goes_into_the_cards_thread_and_a_digest_stays_a_post(desk: Desk) -> None:
    number = desk.register()
    desk.deliver()
    (card,) = desk.slack.channel_messages("C_COORD")
    desk.later()
    with SqlUnitOfWork(desk.engine) as uow:
        uow.outbox.add(_slack_item(f"reminder:{number}", number, {"kind": "reminder", "case": number,
                                                                  "text": f"{number} · <!channel> due today"},
                                   desk.at))
        uow.outbox.add(_slack_item("digest:x", None, {"kind": "digest", "text": "Due today: 1"}, desk.at))
        uow.commit()

    desk.deliver()

    (reply,) = desk.slack.replies("C_COORD", card["ts"])
    assert "&lt;!channel&gt; due today" in reply["text"]
    assert [m.get("text") for m in desk.slack.channel_messages("C_COORD")][1:] == ["Due today: 1"]


def test_a_reminder_from_before_a_late_card_is_still_told_in_its_thread(desk: Desk) -> None:
    # Slack was down: the card goes out only after the reminder was queued. The card shows the
    # tasks, not the clocks, so the reminder must not be taken as already shown.
    number = desk.register()
    with SqlUnitOfWork(desk.engine) as uow:
        uow.outbox.add(_slack_item(f"reminder:{number}", number, {"kind": "reminder", "case": number,
                                                                  "text": f"{number} · due today"}, desk.at))
        uow.commit()
    desk.later()
    desk.deliver()

    (card,) = desk.slack.channel_messages("C_COORD")
    assert [reply["text"] for reply in desk.slack.replies("C_COORD", card["ts"])] == [f"{number} · due today"]


def _slack_item(key: str, number: str | None, payload: dict[str, Any], at: datetime) -> OutboxItem:
    return OutboxItem(key=key, channel=Channel.SLACK, recipient="team:coordinator", payload=payload, created_at=at,
                      case_number=number)


def test_the_app_manifest_grants_the_history_a_retry_reads() -> None:
    manifest = yaml.safe_load((Path(__file__).parents[2] / "slack" / "manifest.yaml").read_text(encoding="utf-8"))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {"chat:write", "channels:history", "groups:history"} <= scopes
