"""The people and processes of the end-to-end stories, one small class each: the desk's clock,
the installer who mails the desk (APPEND to the desk's Dovecot mailbox), the installer's own
inbox (the SMTP sink), the desk's processes as an operator runs them (`icdesk intake once`, the
scheduler's run), the team channels as the Slack Web API stand-in saw them, and a Slack user
typing `/ic …` or pressing a button, over signed HTTP to the bot."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import time as wall_clock
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any
from urllib.parse import quote, urlencode

from servers.dovecot import DovecotServer
from servers.slack_api import ApiCall, SlackApiServer
from servers.smtp_sink import SmtpSink

from app.bootstrap import Desk
from app.bot_wiring import EVENTS_PATH
from app.cli_scheduler import scheduler_deps
from app.mail import build_intake, email_sender, open_mailbox, outbox_delivery
from cases.messaging import Channel
from intake.poller import PassSummary, run_once
from scheduler.jobs import RunReport, SchedulerDeps, run_due


class StoryClock:
    """The desk's `now`: stands still until the story moves it, and never backwards."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def to(self, moment: datetime) -> datetime:
        assert moment >= self.at, f"the story cannot go back from {self.at} to {moment}"
        self.at = moment
        return moment


class Installer:
    """Someone who writes to the desk: each mail lands in the desk's real IMAP inbox."""

    def __init__(self, dovecot: DovecotServer, desk_address: str, name: str, address: str) -> None:
        self._dovecot, self._desk = dovecot, desk_address
        self.name, self.address = name, address

    def sends(self, subject: str, body: str, attachments: dict[str, bytes] | None = None,
              replying_to: EmailMessage | None = None) -> str:
        """Mail the desk (as a reply to `replying_to` when given); returns the Message-ID."""
        message = EmailMessage()
        message["From"] = f"{self.name} <{self.address}>"
        message["To"] = self._desk
        message["Subject"] = subject
        message_id = make_msgid(domain=self.address.rpartition("@")[2])
        message["Message-ID"] = message_id
        if replying_to is not None:
            message["In-Reply-To"] = replying_to["Message-ID"]
            message["References"] = " ".join(filter(None, (replying_to["References"], replying_to["Message-ID"])))
        message.set_content(body)
        for filename, data in (attachments or {}).items():
            message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)
        self._dovecot.append(self._desk, bytes(message))
        return message_id


class InstallerInbox:
    """What the desk's SMTP server handed over, for one recipient, in order of arrival."""

    def __init__(self, sink: SmtpSink, address: str) -> None:
        self._sink, self.address = sink, address

    def mails(self) -> list[EmailMessage]:
        return [m.message for m in self._sink.messages if self.address in m.rcpt_tos]

    def latest(self) -> EmailMessage:
        mails = self.mails()
        assert mails, f"no mail reached {self.address}"
        return mails[-1]


class DeskProcesses:
    """The desk's long-running parts, called one pass at a time with the story's clock: the
    mailbox pass exactly as `icdesk intake once` wires it, and the scheduler's run (the sweep,
    reminders, digests and delivery to Slack and mail) as `icdesk scheduler run-due` does."""

    def __init__(self, desk: Desk, clock: StoryClock) -> None:
        self._desk, self._clock = desk, clock
        self.scheduler: SchedulerDeps = scheduler_deps(desk)

    def read_mail(self) -> PassSummary:
        mailbox = open_mailbox(self._desk)
        try:
            deliver = outbox_delivery(self._desk, {Channel.EMAIL: email_sender(self._desk.settings)})
            return run_once(build_intake(self._desk, mailbox.name), mailbox, deliver)
        finally:
            mailbox.close()

    def run_scheduler(self) -> RunReport:
        """One run of the scheduler's `run-due` job at the clock's present."""
        return run_due(self.scheduler, self._clock())

    def run_until(self, moment: datetime, every_morning_at: time = time(8, 0)) -> list[RunReport]:
        """The scheduler as it runs while the days go by: every morning after the clock's present
        and before `moment` (Pacific), then once at `moment`, where the clock stays."""
        zone = self._desk.book.calendar.zone
        reports = []
        day = self._clock().astimezone(zone).date()
        while (morning := datetime.combine(day, every_morning_at, zone)) < moment:
            if morning > self._clock():
                self._clock.to(morning)
                reports.append(self.run_scheduler())
            day += timedelta(days=1)
        self._clock.to(moment)
        reports.append(self.run_scheduler())
        return reports


@dataclass(frozen=True)
class Posted:
    """A message as it now stands in a channel (its latest edit)."""

    channel: str
    ts: str
    text: str
    blocks: tuple[dict[str, Any], ...]
    thread_ts: str | None

    @property
    def words(self) -> str:
        """Everything a reader sees: the fallback text and the blocks' text."""
        return self.text + " " + json.dumps(self.blocks, ensure_ascii=False)

    def button(self, label: str) -> dict[str, Any]:
        for block in self.blocks:
            for element in [*block.get("elements", ()), block.get("accessory") or {}]:
                if element.get("type") == "button" and element["text"]["text"] == label:
                    return dict(element)
        raise AssertionError(f"no {label!r} button on {self.text!r}")


class Channels:
    """The team channels as the Slack Web API stand-in holds them: posts and their edits."""

    def __init__(self, api: SlackApiServer) -> None:
        self._api = api

    def messages(self, channel: str) -> list[Posted]:
        """Posts (as last edited) and shared files (with the comment they were shared with)."""
        latest: dict[str, Posted] = {}
        for call in self._api.calls:
            if not call.response.get("ok"):
                continue
            if call.method in ("chat.postMessage", "chat.update") and call.param("channel") == channel:
                ts = str(call.response["ts"])
                thread = latest[ts].thread_ts if ts in latest else call.param("thread_ts")
                latest[ts] = Posted(channel, ts, str(call.param("text") or ""), tuple(call.param("blocks") or ()),
                                    thread)
            elif call.method == "files.completeUploadExternal" and channel in _shared_in(call):
                key = "file:" + ",".join(str(f["id"]) for f in call.param("files"))
                latest[key] = Posted(channel, key, str(call.param("initial_comment") or ""), (), None)
        return list(latest.values())

    def card(self, channel: str, *words: str) -> Posted:
        """The one task card in `channel` that says all of `words`."""
        found = [m for m in self.messages(channel) if all(w in m.words for w in words)
                 and any(b.get("type") == "actions" for b in m.blocks)]
        assert len(found) == 1, f"expected one card in {channel} saying {words}, found {[m.text for m in found]}"
        return found[0]

    def lines(self, channel: str, *words: str) -> list[Posted]:
        return [m for m in self.messages(channel) if all(w in m.words for w in words)]


def _shared_in(call: ApiCall) -> list[str]:
    return [c for c in [*str(call.param("channels") or "").split(","), str(call.param("channel_id") or "")] if c]


class SlackWorkspace:
    """Requests to the bot's `POST /slack/events`, signed as Slack signs them; the bot answers
    through `response_url`, which points at the stand-in so the answer can be read."""

    def __init__(self, port: int, signing_secret: str, api: SlackApiServer) -> None:
        self.port, self._secret, self.api = port, signing_secret, api
        self._hooks = itertools.count(1)

    def next_hook(self) -> str:
        return f"hooks/answer-{next(self._hooks)}"

    def post(self, body: str, content_type: str) -> int:
        stamp = str(int(wall_clock.time()))
        digest = hmac.new(self._secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("POST", EVENTS_PATH, body=body.encode(), headers={
                "Content-Type": content_type, "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": f"v0={digest}"})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def answer(self, hook: str) -> str:
        """What the bot answered on `hook` (bolt answers from its own threads)."""
        (call,) = self.api.wait_for(hook, timeout=5.0)
        return _said(call)


def _said(call: ApiCall) -> str:
    return str(call.param("text") or "") + " " + json.dumps(call.param("blocks") or [], ensure_ascii=False)


class SlackUser:
    """A person in the workspace, known to the bot by their Slack user id."""

    def __init__(self, workspace: SlackWorkspace, user_id: str, channel: str) -> None:
        self._slack, self.user_id, self.channel = workspace, user_id, channel

    def types(self, text: str) -> str:
        """`/ic <text>` in their channel; returns the bot's (ephemeral) answer."""
        hook = self._slack.next_hook()
        form = {"token": "legacy", "team_id": "T_ICDESK", "channel_id": self.channel, "user_id": self.user_id,
                "command": "/ic", "text": text, "response_url": self._slack.api.base_url + hook,
                "trigger_id": "13.1.e2e"}
        assert self._slack.post(urlencode(form), "application/x-www-form-urlencoded") == 200
        return self._slack.answer(hook)

    def presses(self, label: str, on: Posted) -> str:
        """Press a button on a message in a channel; returns the bot's answer to them."""
        button = on.button(label)
        hook = self._slack.next_hook()
        payload = {
            "type": "block_actions", "team": {"id": "T_ICDESK"}, "api_app_id": "A_ICDESK", "token": "legacy",
            "trigger_id": "13.2.e2e", "user": {"id": self.user_id}, "channel": {"id": on.channel},
            "container": {"type": "message", "message_ts": on.ts, "channel_id": on.channel},
            "message": {"ts": on.ts, "text": on.text, "blocks": list(on.blocks)},
            "response_url": self._slack.api.base_url + hook,
            "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "card",
                         "value": button.get("value", ""), "text": button["text"],
                         "action_ts": f"{wall_clock.time():.6f}"}],
        }
        status = self._slack.post("payload=" + quote(json.dumps(payload)), "application/x-www-form-urlencoded")
        assert status == 200
        return self._slack.answer(hook)
