"""What the team channels receive from the outbox, rendered at delivery time from the case as
it is then.

A case has one task card per team channel. The first task for a team posts the card and its
place (channel, ts) is recorded; everything later about the case in that channel (another
task, a task done or assigned, the stage moving, a reminder or a lapse) edits the card to show
the case as it is now and is told in the card's thread. A card deleted in Slack is posted
anew. Digests, and news about a case that has no card in that channel, are plain posts.

Exactly once: the card's place is committed as soon as Slack answers, before the outbox
records the item delivered, so after a crash in between the retry finds a card drawn after
its news and leaves it be. When Slack's answer itself was lost, the retry finds the card by
its message metadata in the channel's recent history before posting. (A thread reply whose answer was
lost can still appear twice: a bot token cannot read a channel's threads to check.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from typing import Protocol

from bot.blocks_kit import SECTION_TEXT, clip, escape
from bot.blocks_task import CARD_EVENT, card_metadata, task_card, thread_line
from bot.slack_notifier import MessageGone, Refused, SlackNotifier
from cases.messaging import OutboxItem
from cases.ports import DeliveryFailed
from cases.queries import CaseView, DeskReader

log = logging.getLogger(__name__)

# Notifications about one case that belong on its card and in the card's thread.
CARD_NEWS = frozenset({"task_card", "task_done", "task_assigned", "stage", "reminder", "lapse"})
# The news a card shows by itself once drawn (its tasks, their assignees, the stage).
CARD_SHOWS = frozenset({"task_card", "task_done", "task_assigned", "stage"})


class CardPlaces(Protocol):
    """Where each case's card is, per channel (`cases.persistence.slack_cards.SqlCardPlaces`)."""

    def find(self, case_number: str, channel: str) -> tuple[str, datetime] | None:
        """(ts, when it was posted), or None."""

    def remember(self, case_number: str, channel: str, ts: str, posted_by: str, at: datetime) -> None:
        """Record the card's place, committed at once."""


class ChannelPoster:
    """Renders the core's channel notifications and delivers them through the Slack notifier."""

    def __init__(self, notifier: SlackNotifier, reader: Callable[[], DeskReader], places: CardPlaces,
                 now: Callable[[], datetime], today: Callable[[], date]) -> None:
        self._notifier = notifier
        self._reader = reader
        self._places = places
        self._now = now
        self._today = today

    def send(self, item: OutboxItem) -> None:
        """Post, edit the case's card and reply in its thread, or post a card, as the item needs."""
        kind = item.payload.get("kind")
        if not item.case_number or kind not in CARD_NEWS:
            self._post_line(item)
            return
        channel = self._notifier.channel_for(item)
        view = self._reader().get(item.case_number)
        team = item.recipient.removeprefix("team:")
        place = self._places.find(item.case_number, channel)
        if place is None:
            if kind == "task_card":
                self._post_card(item, channel, view, team)
            else:
                self._post_line(item)
            return
        ts, posted_at = place
        if posted_at >= item.created_at and kind in CARD_SHOWS:
            # The card was drawn after this happened (in the same change, or by this very item
            # on an attempt whose delivery was not recorded): it shows it already. A reminder
            # or a lapse is not on the card, so it is told in the thread however late.
            return
        try:
            self._edit_card(channel, ts, view, team)
        except MessageGone as gone:
            log.info("the card of %s in %s (ts %s) is gone (%s); posting it anew", view.number, channel, ts, gone)
            ts = self._post_card(item, channel, view, team, gone=ts)
        self._notifier.post(channel, thread_line(item.payload, view, self._today()), thread_ts=ts)

    def _post_line(self, item: OutboxItem) -> None:
        """A top-level post of the item's text, made inert (it quotes names people typed)."""
        text = clip(escape(str(item.payload.get("text") or "")), SECTION_TEXT)
        if not text:
            raise DeliveryFailed(f"outbox item {item.key} has no text to post")
        self._notifier.post(self._notifier.channel_for(item), text)

    def _edit_card(self, channel: str, ts: str, view: CaseView, team: str) -> None:
        text, blocks = task_card(view, team, self._today())
        self._notifier.update(channel, ts, text, blocks, metadata=card_metadata(view, team))

    def _earlier_card(self, item: OutboxItem, channel: str, view: CaseView, team: str,
                      gone: str | None) -> str | None:
        """A card an earlier attempt of this item posted although its answer never came back,
        brought up to date; None when there is none (or it cannot be edited)."""
        if item.attempts == 0:
            return None
        try:
            ts = self._notifier.find_posted(channel, CARD_EVENT, {"case": view.number},
                                            exclude={gone} if gone else ())
        except Refused as refused:
            # An app installed without the history scopes (or posting to a channel it has not
            # joined) cannot check; the card is posted rather than held back for good.
            log.warning("cannot look for an earlier card of %s in %s (%s); posting without checking",
                        view.number, channel, refused)
            return None
        if ts is None:
            return None
        try:
            self._edit_card(channel, ts, view, team)
        except MessageGone:
            return None
        log.info("found the card of %s in %s (ts %s) that an earlier attempt posted", view.number, channel, ts)
        return ts

    def _post_card(self, item: OutboxItem, channel: str, view: CaseView, team: str, gone: str | None = None) -> str:
        """Post the case's card in `channel` (unless an earlier attempt did) and record where."""
        ts = self._earlier_card(item, channel, view, team, gone)
        if ts is None:
            text, blocks = task_card(view, team, self._today())
            ts = self._notifier.post(channel, text, blocks, metadata=card_metadata(view, team)).ts
        self._places.remember(view.number, channel, ts, item.key, self._now())
        return ts
