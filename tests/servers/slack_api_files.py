"""Files in the Web API stand-in: the three steps of an upload (files.getUploadURLExternal, the
POST of the bytes to the URL it gave, files.completeUploadExternal), files.list, and faults
aimed at one method. `SlackFilesApiServer` is the stand-in with them, and what the `slack_api`
fixture starts; its file methods take the place of the plain ones in `slack_api_methods`.

It refuses what Slack refuses: an upload URL asked for without a file name or a length, bytes
POSTed to a URL it never gave out, a completion naming a file it does not know or whose bytes
never came, bytes of another length than announced, a second completion of the same file (Slack:
"this method can only be called once"), and sharing into a channel that does not exist
(`channel_not_found`) or that the bot is not a member of (`not_in_channel`). Where Slack's
documentation names no error for a case, the name used here says what happened.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from servers.slack_api import SlackApiServer
from servers.slack_api_methods import SlackError, _json

Answer = tuple[int, dict[str, str], dict[str, Any]]
MAX_COMMENT = 40_000
MAX_ALT_TEXT = 1000
MAX_CHANNELS = 100


@dataclass
class StoredFile:
    """One file as the stand-in holds it: announced, then its bytes, then shared."""

    id: str
    filename: str
    length: int
    created: float
    data: bytes | None = None
    completed: bool = False
    title: str | None = None
    comment: str | None = None
    channels: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SharedFile:
    """A file as a channel shows it: the message (`comment`) and the file."""

    id: str
    channel: str
    filename: str
    title: str | None
    comment: str | None
    data: bytes


@dataclass
class FileState:
    files: dict[str, StoredFile] = field(default_factory=dict)
    # The bot is a member of every channel that exists except these.
    not_member_of: set[str] = field(default_factory=set)
    # method → answers to give instead of carrying out (or after carrying out, for lost answers)
    faults: dict[str, list[tuple[str, int, int]]] = field(default_factory=dict)


def _length(params: dict[str, Any]) -> int:
    length = str(params.get("length", ""))
    if not params.get("filename") or not length.isdigit() or int(length) == 0:
        raise SlackError("invalid_arguments", "filename and a length above 0 are required")
    return int(length)


class FileMethods:
    """Mixed into `SlackApiServer` (which provides the lock, ids, channels and base URL)."""

    channels: frozenset[str]
    _lock: threading.Lock
    _ids: itertools.count[int]
    _files: FileState
    base_url: str

    # -- what the test sees and controls ----------------------------------------------------

    def leave_channel(self, channel: str) -> None:
        """From now on the bot is not a member of `channel` (it still exists)."""
        with self._lock:
            self._files.not_member_of.add(channel)

    def shared_files(self, channel: str) -> list[SharedFile]:
        """The files shared in `channel`, oldest first."""
        with self._lock:
            found = [f for f in self._files.files.values() if f.completed and channel in f.channels]
        return [SharedFile(f.id, channel, f.filename, f.title, f.comment, f.data or b"")
                for f in sorted(found, key=lambda f: f.created)]

    def uploaded(self, file_id: str) -> bytes:
        """The bytes an upload sent to the URL of `file_id`."""
        with self._lock:
            data = self._files.files[file_id].data
        assert data is not None, f"no bytes were uploaded for {file_id}"
        return data

    def fault_next(self, method: str, status: int, count: int = 1, *, retry_after: int = 1) -> None:
        """Answer the next `count` calls of `method` ("upload" for the POST of the bytes) with
        `status` (429 with `Retry-After: retry_after`, or a 5xx) without carrying them out."""
        with self._lock:
            self._files.faults.setdefault(method, []).extend([("refuse", status, retry_after)] * count)

    def lose_answer_of_next(self, method: str, count: int = 1) -> None:
        """Carry out the next `count` calls of `method` but answer 500, as when Slack did the work
        and its answer never reached the client."""
        with self._lock:
            self._files.faults.setdefault(method, []).extend([("lose", 500, 0)] * count)

    # -- answering --------------------------------------------------------------------------

    def _next_fault(self, method: str, kind: str) -> tuple[int, int] | None:
        with self._lock:
            queue = self._files.faults.get(method)
            if not queue or queue[0][0] != kind:
                return None
            _, status, retry_after = queue.pop(0)
        return status, retry_after

    def refused_by_fault(self, method: str) -> Answer | None:
        """The forced answer that replaces this call, if one is planned."""
        fault = self._next_fault(method, "refuse")
        if fault is None:
            return None
        status, retry_after = fault
        if status == 429:
            return 429, {"Retry-After": str(retry_after)}, {"ok": False, "error": "ratelimited"}
        return status, {}, {"ok": False, "error": "internal_error"}

    def answer_lost(self, method: str) -> bool:
        """Whether this call, carried out, is to be answered 500."""
        return self._next_fault(method, "lose") is not None

    def _share_channel(self, channel: str) -> str:
        if channel not in self.channels and not channel.startswith("D"):
            raise SlackError("channel_not_found")
        with self._lock:
            if channel in self._files.not_member_of:
                raise SlackError("not_in_channel")
        return channel

    def files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        """Step one of an upload: a file id and a URL on this server to POST the bytes to."""
        length = _length(params)
        if len(str(params.get("alt_txt") or "")) > MAX_ALT_TEXT:
            raise SlackError("alt_txt_too_large")
        file_id = f"F{next(self._ids):08d}"
        with self._lock:
            self._files.files[file_id] = StoredFile(file_id, str(params["filename"]), length, time.time())
        return {"upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def receive_upload(self, file_id: str, body: bytes) -> bool:
        """Keep the bytes POSTed to an upload URL; False for a URL this server never gave out or
        one whose file is already shared."""
        with self._lock:
            stored = self._files.files.get(file_id)
            if stored is None or stored.completed:
                return False
            stored.data = body
        return True

    def _completable(self, entry: Any) -> StoredFile:
        file_id = entry.get("id") if isinstance(entry, dict) else None
        stored = self._files.files.get(str(file_id))
        if stored is None or stored.data is None:
            raise SlackError("file_not_found")
        if stored.completed:
            raise SlackError("file_already_completed", "files.completeUploadExternal can only be called once")
        if len(stored.data) != stored.length:
            raise SlackError("file_size_mismatch",
                             f"{len(stored.data)} bytes were uploaded, {stored.length} announced")
        return stored

    def files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        """Step three: share the uploaded files in `channel_id` (or `channels`), with
        `initial_comment` as the message; without a channel the files stay private."""
        files = _json(params, "files", "invalid_arguments")
        if not isinstance(files, list) or not files:
            raise SlackError("invalid_arguments", "files must be a non-empty array of {id, title}")
        wanted = [c for c in str(params.get("channels") or "").split(",") if c]
        if params.get("channel_id"):
            wanted.append(str(params["channel_id"]))
        if len(wanted) > MAX_CHANNELS:
            raise SlackError("invalid_arguments", f"at most {MAX_CHANNELS} channels")
        channels = [self._share_channel(c) for c in wanted]
        comment = params.get("initial_comment")
        if isinstance(comment, str) and len(comment) > MAX_COMMENT:
            raise SlackError("msg_too_long")
        with self._lock:
            stored = [self._completable(entry) for entry in files]
            for entry, item in zip(files, stored, strict=True):
                item.completed, item.title, item.comment = True, entry.get("title"), comment
                item.channels = list(channels)
        return {"files": [{"id": f.id, "name": f.filename, "title": f.title, "size": f.length,
                           "channels": f.channels} for f in stored]}

    def files_list(self, params: dict[str, Any]) -> dict[str, Any]:
        """The shared files, newest first, in `channel` when one is given; `count` per page."""
        channel = str(params.get("channel") or "")
        if channel and channel not in self.channels and not channel.startswith("D"):
            raise SlackError("channel_not_found")
        count = int(str(params.get("count") or 100))
        with self._lock:
            found = [f for f in self._files.files.values() if f.completed and (not channel or channel in f.channels)]
        found.sort(key=lambda f: f.created, reverse=True)
        return {"files": [{"id": f.id, "name": f.filename, "title": f.title, "created": int(f.created),
                           "channels": f.channels, "size": f.length} for f in found[:count]],
                "paging": {"count": count, "total": len(found), "page": 1, "pages": 1}}


class SlackFilesApiServer(FileMethods, SlackApiServer):
    """The Web API stand-in with files as Slack handles them, and faults aimed at one method."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._files = FileState()

    def _dispatch(self, method: str, params: dict[str, Any], headers: dict[str, str], body: bytes) -> Answer:
        refused = self.refused_by_fault(method)
        if refused is not None:
            return refused
        answer = self._files_list(params, headers) if method == "files.list" else super()._dispatch(
            method, params, headers, body)
        if self.answer_lost(method):
            return 500, {}, {"ok": False, "error": "internal_error"}
        return answer

    def _files_list(self, params: dict[str, Any], headers: dict[str, str]) -> Answer:
        bearer = headers.get("authorization", "").removeprefix("Bearer ").strip()
        if (bearer or params.get("token")) != self.token:
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        try:
            return 200, {}, {"ok": True, **self.files_list(params)}
        except SlackError as refusal:
            return 200, {}, {"ok": False, "error": refusal.error}
