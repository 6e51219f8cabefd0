"""One scheduler process of the multi-process tests, run as a script.

It builds the desk from the environment exactly as `icdesk scheduler run` does (settings,
composition root, `scheduler_deps`, the PostgreSQL advisory-lock leader) but reads the time
from a file the test advances, so that the test decides which instants the desk lives through
instead of racing the wall clock. The leader runs `run_due` once per instant and writes
`<index> <pid>` to the acknowledgement file; the others only try to take the lead.

SIGUSR1 asks it to die by SIGKILL at a point of interest: just before it hands the third
notification from then on to Slack (so it dies having sent two of a morning's digests and
holding the others claimed and unsent), or, when fewer are sent, right after the run.

Usage: leader_worker.py CLOCK_FILE ACK_FILE
(CLOCK_FILE holds `<index> <ISO instant>`, or `stop`.)
"""

from __future__ import annotations

import dataclasses
import os
import signal
import sys
import time
from datetime import datetime
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.bootstrap import build_desk  # noqa: E402 - needs the path above
from app.cli_scheduler import scheduler_deps  # noqa: E402
from cases.messaging import OutboxItem  # noqa: E402
from cases.persistence.lease import AdvisoryLockLeader  # noqa: E402
from cases.ports import NotificationSender  # noqa: E402
from config.settings import Settings  # noqa: E402
from scheduler.jobs import run_due  # noqa: E402


class Death:
    """Whether this process was asked to die, and how many sends it has left before it does."""

    SENDS_BEFORE = 2

    def __init__(self) -> None:
        self.sends_left: int | None = None  # None: not asked

    def ask(self, signum: int, frame: FrameType | None) -> None:
        self.sends_left = self.SENDS_BEFORE

    def now_if_asked(self) -> None:
        if self.sends_left is not None:
            os.kill(os.getpid(), signal.SIGKILL)

    def before_send(self) -> None:
        if self.sends_left == 0:
            self.now_if_asked()
        if self.sends_left is not None:
            self.sends_left -= 1


class DyingSender:
    """Hands items on; once asked to die, only a few more, then it dies before the next."""

    def __init__(self, inner: NotificationSender, death: Death) -> None:
        self._inner = inner
        self._death = death

    def send(self, item: OutboxItem) -> None:
        self._death.before_send()
        self._inner.send(item)


def _read_clock(path: Path) -> tuple[int, datetime | None] | None:
    text = path.read_text().strip() if path.exists() else ""
    if text == "stop":
        return None
    if not text:
        return -1, None
    index, instant = text.split(" ", 1)
    return int(index), datetime.fromisoformat(instant)


def main() -> None:
    clock_file, ack_file = Path(sys.argv[1]), Path(sys.argv[2])
    death = Death()
    signal.signal(signal.SIGUSR1, death.ask)
    current: list[datetime | None] = [None]

    def now() -> datetime:
        if current[0] is None:
            raise RuntimeError("the desk's clock was read before the test set it")
        return current[0]

    desk = build_desk(Settings(), now=now)
    deps = scheduler_deps(desk)
    deps = dataclasses.replace(deps, senders={channel: DyingSender(sender, death)
                                              for channel, sender in deps.senders.items()})
    leader = AdvisoryLockLeader(desk.engine)
    done = -1
    while (clock := _read_clock(clock_file)) is not None:
        index, instant = clock
        if instant is not None and index > done and leader.is_leader():
            current[0] = instant
            run_due(deps, instant)
            death.now_if_asked()
            done = index
            temporary = ack_file.with_suffix(f".{os.getpid()}")
            temporary.write_text(f"{index} {os.getpid()}")
            temporary.replace(ack_file)
        else:
            time.sleep(0.01)
    leader.release()
    desk.close()


if __name__ == "__main__":
    main()
