"""The intake mailbox on an IMAP server (Dovecot, Exchange Online, Gmail, ...).

Messages are named by UID only, never by sequence number, and read with BODY.PEEK[] so that
\\Seen stays as the staff left it. Handled mail is moved out of the folder, so the folder is
the queue of work still to do, and a message that failed on our side is simply met again on
the next pass. The `MailboxCursors` port keeps (UIDVALIDITY, last UID) per folder, where every
message up to that UID has been processed or quarantined: later searches start after it, which
matters on servers with huge or account-wide UID spaces. When the server reports another
UIDVALIDITY the folder is read again from UID 1 (the message log's Message-ID dedupe makes that
harmless).

Moves are made a batch at a time: what is marked while a pass reads goes in one UID MOVE per
target folder before the pass's next FETCH, since a round trip per message cost more than the
rest of the IMAP work. A message is marked only after its commit, so the worst a crash before
the move can do is leave it in the folder, where the next pass finds it on record already.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from cases.ports import MailboxCursors
from intake.imap_connection import CONNECTION_ERRORS, ClientFactory, ImapConnection, ImapSettings
from intake.mailbox import FetchedMessage, MailboxUnavailable

__all__ = ["ImapMailbox", "ImapSettings"]

log = logging.getLogger(__name__)

_FETCH_ITEMS = ["BODY.PEEK[]", "RFC822.SIZE"]
# A socket that poll() reports readable but that yields nothing within this share of the
# wait is taken for a closed one (imapclient then returns no responses instead of failing).
_SUSPICIOUSLY_QUICK = 0.5


class ImapMailbox:
    """The `Mailbox` port on one IMAP folder, with `Processed` and `Quarantine` beside it."""

    def __init__(
        self,
        settings: ImapSettings,
        cursors: MailboxCursors,
        name: str | None = None,
        client_factory: ClientFactory | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`name` keys the cursors (default `imap:user@host`); `client_factory` and `sleep`
        stand in for IMAPClient and time.sleep in tests."""
        self.name = name or f"imap:{settings.user}@{settings.host}"
        self._settings = settings
        self._cursors = cursors
        self._sleep = sleep
        options: dict[str, Any] = {"sleep": sleep}
        if client_factory is not None:
            options["client_factory"] = client_factory
        self._connection = ImapConnection(settings, **options)
        # Handed out by this pass and not marked yet, with the UIDVALIDITY they were fetched
        # under: a UID of an older validity may name another message now and is not moved.
        self._outstanding: dict[int, int] = {}
        self._read_to: tuple[int, int] | None = None  # (validity, UID) this pass has read up to
        self._cursor: tuple[int, int] | None = None  # as last loaded or saved
        # Marked (so committed) and not yet moved: target folder -> UIDs, in the order marked.
        self._marked: dict[str, list[int]] = {}
        self._reading = False  # a fetch_new pass is under way and will FETCH again

    def fetch_new(self, batch_size: int | None = None) -> Iterator[FetchedMessage]:
        """Every message not yet marked, oldest first, `batch_size` (default: the settings')
        per FETCH; the cursor passes a message once it is moved."""
        size = batch_size or self._settings.batch_size
        self.move_marked()  # what an earlier pass marked and could not move yet
        self._outstanding.clear()
        self._read_to = None
        self._reading = True
        try:
            while True:
                self.move_marked()
                validity, uids, fetched = self._connection.run("fetch", lambda client: self._next_batch(client, size))
                if not uids:
                    return
                for uid in uids:
                    self._read_to = (validity, uid)
                    item = fetched.get(uid)
                    # A UID missing from the answer was expunged meanwhile: nothing to hand over.
                    if item is not None:
                        raw = bytes(item[b"BODY[]"])
                        if int(item.get(b"RFC822.SIZE", len(raw))) != len(raw):
                            log.warning("IMAP UID %d: the server announced %s bytes and sent %d",
                                        uid, item.get(b"RFC822.SIZE"), len(raw))
                        self._outstanding[uid] = validity
                        yield FetchedMessage(key=str(uid), raw=raw)
                    self._advance_cursor()
        finally:
            self._reading = False

    def mark_processed(self, message: FetchedMessage) -> None:
        """Move the message to the processed folder (created if missing): with the others
        marked meanwhile before the pass's next FETCH, or at once when the pass has ended."""
        self._mark(message, self._settings.processed_folder)

    def quarantine(self, message: FetchedMessage) -> None:
        """Move the message to the quarantine folder (created if missing), as mark_processed does."""
        self._mark(message, self._settings.quarantine_folder)

    def move_marked(self) -> None:
        """Move every message marked and not yet moved: one command per target folder.

        The cursor passes them only once they are moved. When the server cannot be reached
        they stay marked, and the next pass, wait or close tries again.
        """
        for target in list(self._marked):
            uids = self._marked[target]
            self._connection.run(f"move to {target}", functools.partial(self._move, uids=uids, target=target))
            del self._marked[target]
            for uid in uids:
                self._outstanding.pop(uid, None)
            self._advance_cursor()

    def wait_for_new(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` seconds for mail: IDLE when offered, else a sleep and a look.

        True when mail may be waiting: the server announced some, or some that the last pass
        did not read was already there. Mail that the last pass left unmarked does not count,
        so a message that keeps failing is retried once per wait, not in a tight loop. After a
        reconnect it looks again before waiting, so mail that came meanwhile is not missed.
        """
        self.move_marked()
        deadline = time.monotonic() + timeout_s
        if not self._connection.run("capability check", lambda client: client.has_capability("IDLE")):
            self._sleep(timeout_s)
            return self._connection.run("search", lambda client: bool(self._pending(client, self._unread_after())))
        return self._connection.run("idle", lambda client: self._idle(client, deadline))

    def close(self) -> None:
        """Move what is still marked, then log out; safe to call twice and after the
        connection broke (marked mail that cannot be moved is found on record next time)."""
        try:
            self.move_marked()
        except MailboxUnavailable as error:
            log.warning("%s: %d processed message(s) left in %s: %s", self.name,
                        sum(map(len, self._marked.values())), self._settings.folder, error)
            self._marked.clear()
        self._connection.close()

    # -- one IMAP exchange each, run (and re-run after a reconnect) by the connection ---------

    def _next_batch(self, client: Any, size: int) -> tuple[int, list[int], dict[int, Any]]:
        validity = self._connection.uidvalidity
        uids = self._pending(client, self._unread_after())[:size]
        fetched = client.fetch(uids, _FETCH_ITEMS) if uids else {}
        return validity, uids, fetched

    def _unread_after(self) -> int:
        # Past what this pass handed out already, marked or not: once a pass is enough.
        after = self._position()
        if self._read_to is not None and self._read_to[0] == self._connection.uidvalidity:
            after = max(after, self._read_to[1])
        return after

    def _pending(self, client: Any, after: int) -> list[int]:
        # A session sees mail delivered since its last command only once the server has
        # announced it; NOOP is the cheapest command that makes the server do so.
        client.noop()
        found = client.search(["UID", f"{after + 1}:*", "NOT", "DELETED"])
        # "UID n:*" always matches the highest UID, even one below n (RFC 3501), so filter.
        return sorted(uid for uid in (int(found_uid) for found_uid in found) if uid > after)

    def _position(self) -> int:
        folder, validity = self._settings.folder, self._connection.uidvalidity
        stored = self._cursors.load(self.name, folder)
        if stored is not None and stored[0] != validity:
            log.warning(
                "IMAP folder %s of %s changed UIDVALIDITY from %d to %d: reading it again from UID 1",
                folder, self.name, stored[0], validity,
            )
            stored = (validity, 0)
            self._cursors.save(self.name, folder, *stored)
        self._cursor = stored
        return 0 if stored is None else stored[1]

    def _advance_cursor(self) -> None:
        if self._read_to is None:
            return
        validity, last = self._read_to
        waiting = [uid for uid, fetched_under in self._outstanding.items() if fetched_under == validity]
        if waiting:
            last = min(min(waiting) - 1, last)
        if self._cursor is None or self._cursor[0] != validity or last > self._cursor[1]:
            self._cursor = (validity, last)
            self._cursors.save(self.name, self._settings.folder, validity, last)

    def _mark(self, message: FetchedMessage, target: str) -> None:
        self._marked.setdefault(target, []).append(int(message.key))
        if not self._reading:
            self.move_marked()  # no FETCH is coming that would take it along

    def _move(self, client: Any, uids: list[int], target: str) -> None:
        validity = self._connection.uidvalidity
        current = [uid for uid in uids if self._outstanding.get(uid, validity) == validity]
        for uid in sorted(set(uids) - set(current)):
            log.warning("IMAP UID %d of %s was fetched under another UIDVALIDITY: left in place", uid, self.name)
        if not current:
            return
        self._ensure_folder(client, target)
        if client.has_capability("MOVE"):
            client.move(current, target)
            return
        client.copy(current, target)
        client.delete_messages(current)
        # Without UIDPLUS the only EXPUNGE there is would also remove what other clients
        # flagged \Deleted; the flag alone already keeps the message out of fetch_new.
        if client.has_capability("UIDPLUS"):
            client.uid_expunge(current)

    def _ensure_folder(self, client: Any, folder: str) -> None:
        if folder in self._connection.known_folders:
            return
        if not client.folder_exists(folder):
            log.info("creating IMAP folder %s in %s", folder, self.name)
            client.create_folder(folder)
        self._connection.known_folders.add(folder)

    def _idle(self, client: Any, deadline: float) -> bool:
        # Mail that came before IDLE started is not announced by it: look first.
        if self._pending(client, self._unread_after()):
            return True
        client.idle()
        try:
            return self._idle_until(client, deadline)
        except CONNECTION_ERRORS:
            # Leave the broken connection to the retry in run(), without a DONE it cannot take.
            self._connection.drop()
            raise
        finally:
            if self._connection_alive():
                client.idle_done()

    def _idle_until(self, client: Any, deadline: float) -> bool:
        renew_at = time.monotonic() + self._settings.idle_renew_s
        while (now := time.monotonic()) < deadline:
            wait = min(deadline, renew_at) - now
            responses = client.idle_check(timeout=wait)
            if any(_announces_mail(response) for response in responses):
                return True
            if any(response[:1] == (b"BYE",) for response in responses):
                raise ConnectionAbortedError("the IMAP server said BYE during IDLE")
            quick = not responses and time.monotonic() - now < wait * _SUSPICIOUSLY_QUICK
            if quick or time.monotonic() >= renew_at:
                # DONE fails at once on a closed socket; on a live one it renews the IDLE,
                # which servers that end a silent IDLE after ~10 minutes need.
                client.idle_done()
                client.idle()
                renew_at = time.monotonic() + self._settings.idle_renew_s
        return False

    def _connection_alive(self) -> bool:
        # run() drops the connection on errors; a connection still held is still in IDLE.
        return self._connection.holds_client()


def _announces_mail(response: tuple[Any, ...]) -> bool:
    # "* n EXISTS" whenever the folder grows; "* 0 RECENT" may follow an expunge, so not that.
    if len(response) < 2 or not isinstance(response[0], int):
        return False
    return response[1] == b"EXISTS" or (response[1] == b"RECENT" and response[0] > 0)
