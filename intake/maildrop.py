"""A local mail drop for the embedded desk: a Maildir, or a plain folder of `.eml` files.

Processed mail moves to a `Processed` sub-folder and quarantined mail to `Quarantine`
(`.Processed/cur` and `.Quarantine/cur` in a Maildir, as Maildir++ names them), so the
drop shows at a glance what is still to do, like the IMAP mailbox does.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from intake.mailbox import FetchedMessage


class MaildropMailbox:
    def __init__(self, root: Path, poll_interval_s: float = 2.0) -> None:
        self.root = root
        self.name = f"maildrop:{root}"
        self._poll_interval_s = poll_interval_s
        self._maildir = (root / "new").is_dir() or (root / "cur").is_dir()

    def _folder(self, name: str) -> Path:
        folder = self.root / f".{name}" / "cur" if self._maildir else self.root / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _waiting(self) -> list[Path]:
        if self._maildir:
            candidates = [*(self.root / "new").glob("*"), *(self.root / "cur").glob("*")]
        else:
            candidates = list(self.root.glob("*.eml"))
        files = [path for path in candidates if path.is_file() and not path.name.startswith(".")]
        return sorted(files, key=lambda path: (path.stat().st_mtime, path.name))

    def fetch_new(self, batch_size: int = 50) -> Iterator[FetchedMessage]:
        """Every message still waiting, oldest first (`batch_size` has no meaning here)."""
        if not self.root.is_dir():
            return
        for path in self._waiting():
            try:
                raw = path.read_bytes()
            except FileNotFoundError:  # taken by another reader meanwhile
                continue
            yield FetchedMessage(key=str(path.relative_to(self.root)), raw=raw)

    def _move(self, message: FetchedMessage, folder: str) -> None:
        source = self.root / message.key
        if source.exists():
            source.replace(self._folder(folder) / source.name)

    def mark_processed(self, message: FetchedMessage) -> None:
        """Move the message to Processed (after the database commit)."""
        self._move(message, "Processed")

    def quarantine(self, message: FetchedMessage) -> None:
        """Move the message to Quarantine."""
        self._move(message, "Quarantine")

    def wait_for_new(self, timeout_s: float) -> bool:
        """Poll the folder until a message waits or the time is up."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._waiting():
                return True
            time.sleep(min(self._poll_interval_s, max(0.0, deadline - time.monotonic())))
        return bool(self._waiting())

    def close(self) -> None:
        """Nothing to release for a folder."""
