"""Files in Slack: a report sent to the manager who asked for it, and the manager digest's chart
posted with the digest.

Uploads use files upload v2 (`WebClient.files_upload_v2`: files.getUploadURLExternal, the POST
of the bytes, files.completeUploadExternal). Slack's refusals, its 429s (with Retry-After) and
5xx answers, and a dropped connection become `UploadFailed`, a `DeliveryFailed` with a sentence
a person can act on, so the outbox retries and a manager reads why.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.error import HTTPError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.content import Notice
from bot.core import BotDeps
from bot.reports import make_report
from bot.slack_notifier import retry_after
from cases.errors import DeskError
from cases.messaging import OutboxItem
from cases.ports import DeliveryFailed, NotificationSender
from cases.reports.digest_chart import draw_chart
from cases.reports.documents import ReportRequest

log = logging.getLogger("icdesk.slack")

# Slack's error names and what to do about each, for the person who reads the failure.
_REASONS = {
    "not_in_channel": "the bot is not a member of that channel: invite @icdesk to it",
    "channel_not_found": "that channel does not exist or the bot cannot see it",
    "is_archived": "that channel is archived",
    "file_uploads_disabled": "file uploads are turned off in this Slack workspace",
    "file_upload_size_restricted": "the workspace does not allow files this large",
    "missing_scope": "the Slack app lacks the files:write and files:read scopes: reinstall it from slack/manifest.yaml",
    "invalid_auth": "Slack refused the bot's token",
    "not_authed": "Slack refused the bot's token",
    "ratelimited": "Slack is limiting how fast the desk may call it",
}
# How many recent files of a channel are searched for an earlier upload of the same file.
RECENT_FILES = 100


class UploadFailed(DeliveryFailed):
    """A file did not reach Slack this time; the message says why in plain words."""


def upload_failure(error: Exception) -> UploadFailed:
    """`error` from slack_sdk as an `UploadFailed` whose message a person can act on."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        name = str(error.response.get("error") or "")
        if status == 429:
            wait = retry_after(error)
            return UploadFailed(f"Slack is limiting uploads (429); try again in {wait or 60:.0f} s", wait)
        if status >= 500:
            return UploadFailed(f"Slack had a problem of its own ({status})")
        return UploadFailed(f"Slack refused the upload ({name or status}): {_REASONS.get(name, 'see the log')}")
    # The POST of the bytes to Slack's upload URL: urllib raises on an HTTP error status, slack_sdk
    # on another answer than 200.
    if isinstance(error, HTTPError):
        return UploadFailed(f"Slack did not take the file's bytes (HTTP {error.code})")
    if isinstance(error, SlackRequestError):
        return UploadFailed(f"Slack did not take the file's bytes: {error}")
    return UploadFailed(f"Slack could not be reached: {error}")


class SlackFiles:
    """Uploads through a Web API client (the outbox gives one that does not retry by itself)."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def upload(self, channel: str, filename: str, data: bytes, *, title: str, comment: str) -> str:
        """Share `data` as `filename` in `channel` with `comment` as its message; the file id."""
        try:
            response = self._client.files_upload_v2(channel=channel, content=data, filename=filename, title=title,
                                                    initial_comment=comment)
        except (SlackApiError, SlackRequestError, OSError) as error:
            raise upload_failure(error) from None
        return str(response["file"]["id"])

    def shared_earlier(self, channel: str, filename: str) -> str | None:
        """The id of a file named `filename` among the channel's recent files, if there is one."""
        try:
            response = self._client.files_list(channel=channel, count=RECENT_FILES)
        except (SlackApiError, OSError) as error:
            raise upload_failure(error) from None
        return next((str(f["id"]) for f in response.get("files") or [] if f.get("name") == filename), None)

    def upload_once(self, channel: str, filename: str, data: bytes, *, title: str, comment: str) -> str:
        """`upload`, unless a file of that name is already in the channel. With a name unique to
        the occasion (the digest's day) this is what makes a retried delivery share it once: the
        outbox may try again after an upload whose success it never learnt of (an answer lost,
        a crash before the delivery was recorded)."""
        earlier = self.shared_earlier(channel, filename)
        if earlier is not None:
            log.info("%s is already in %s (%s); not uploaded again", filename, channel, earlier)
            return earlier
        return self.upload(channel, filename, data, title=title, comment=comment)

    def direct_channel(self, user_id: str) -> str:
        """The direct-message channel between the bot and `user_id`."""
        try:
            return str(self._client.conversations_open(users=user_id)["channel"]["id"])
        except (SlackApiError, OSError) as error:
            raise upload_failure(error) from None


class DigestChartSender:
    """The Slack sender of the outbox, for items that carry a chart (the manager digest): the
    chart is drawn from the payload's figures and uploaded to the team's channel with the
    digest's text as its message. Every other item goes to `delegate` unchanged."""

    def __init__(self, delegate: NotificationSender, files: SlackFiles, channels: Mapping[str, str]) -> None:
        self._delegate = delegate
        self._files = files
        self._channels = dict(channels)

    def send(self, item: OutboxItem) -> None:
        chart = item.payload.get("chart")
        if not isinstance(chart, dict):
            self._delegate.send(item)
            return
        try:
            drawn = draw_chart(chart)
        except ValueError as error:
            raise DeliveryFailed(f"outbox item {item.key} carries a chart that cannot be drawn: {error}") from None
        channel = str(item.payload.get("channel") or self._channels.get(item.recipient) or item.recipient)
        self._files.upload_once(channel, drawn.filename, drawn.data, title=drawn.title,
                                comment=str(item.payload.get("text") or drawn.title))


def send_report(files: SlackFiles, deps: BotDeps, request: ReportRequest, user_id: str) -> Notice:
    """Build the report and upload it to the direct messages between the bot and `user_id`; the
    notice says where it went, or why it did not.

    A DM rather than the channel the manager asked in: the workbooks list customers and sites,
    which the rest of a channel need not see, and a file in the DM stays there to be found again
    (an answer only the asker sees cannot carry a file)."""
    try:
        report = make_report(deps, request)
    except DeskError as refusal:
        return Notice(str(refusal), ok=False)
    except Exception:  # ours to fix; the manager gets one line, the log the traceback
        log.exception("building the %s for %s failed", request.title, user_id)
        return Notice(f"Sorry, the {request.title} could not be built; it has been logged for the team.", ok=False)
    try:
        channel = files.direct_channel(user_id)
        files.upload(channel, report.filename, report.data, title=report.filename, comment=report.summary)
    except UploadFailed as failure:
        log.warning("uploading %s for %s failed: %s", report.filename, user_id, failure)
        return Notice(f"The {request.title} is ready but I could not send it: {failure}.", ok=False)
    return Notice(f"Sent {report.filename} to our direct messages. {report.summary}")
