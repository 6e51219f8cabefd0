"""The desk as deployed, for the load run (benchmarks/load_run.py): `icdesk serve --only bot`,
`--only intake` and `--only scheduler` as three separate processes sharing one PostgreSQL
database, each in a session of its own (the intake process forks the PDF parser's workers),
each restarted about a second after it was killed, as systemd's `Restart=always` with
`RestartSec=1` would, and killed as a whole process group, as systemd's control group would be.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

PARTS = ("bot", "intake", "scheduler")
RESTART_AFTER_S = 1.0
RESTART_ATTEMPTS = 5
BOT_READY_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def icdesk_command() -> list[str]:
    """The console script beside this interpreter (the virtualenv's `icdesk`)."""
    return [str(Path(sys.executable).with_name("icdesk"))]


@dataclass
class Kill:
    at_s: float  # since the start of the load
    part: str
    pid: int
    down_s: float = 0.0  # until the restarted process answered (the bot) or was started


@dataclass
class Part:
    name: str
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0


@dataclass
class DeskProcesses:
    """The three processes; `environment` is the whole environment each is started with."""

    environment: dict[str, str]
    folder: Path
    source: Path  # the tree whose code runs (PYTHONPATH), so an export runs its own code
    bot_port: int = field(default_factory=free_port)
    parts: dict[str, Part] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.parts = {name: Part(name) for name in PARTS}
        self.lock = threading.Lock()  # one kill or restart at a time
        self.crashes: list[str] = []
        self.health_ports = {"intake": free_port(), "scheduler": free_port()}

    def _env(self, name: str) -> dict[str, str]:
        env = dict(self.environment)
        env["PYTHONPATH"] = str(self.source)
        env["ICDESK_BOT_PORT"] = str(self.bot_port)
        if name in self.health_ports:
            env["ICDESK_HEALTH_PORT"] = str(self.health_ports[name])
        return env

    def run(self, arguments: list[str], timeout_s: float = 120) -> str:
        """One `icdesk …` command to its end (e.g. `db upgrade`), with the bot's environment."""
        done = subprocess.run([*icdesk_command(), *arguments], env=self._env("bot"), cwd=self.folder,
                              capture_output=True, text=True, timeout=timeout_s, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"icdesk {' '.join(arguments)} failed ({done.returncode}):\n{done.stderr}")
        return done.stdout

    def start(self, name: str) -> None:
        part = self.parts[name]
        part.starts += 1
        with (self.folder / f"{name}.log").open("ab") as log:
            log.write(f"\n=== start {part.starts} at {time.strftime('%H:%M:%S')} ===\n".encode())
            log.flush()
            part.process = subprocess.Popen([*icdesk_command(), "serve", "--only", name], env=self._env(name),
                                            cwd=self.folder, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                            start_new_session=True)

    def start_all(self) -> None:
        for name in PARTS:
            self.start(name)
        self.wait_for_bot()

    def wait_for_bot(self, timeout_s: float = BOT_READY_TIMEOUT_S) -> float:
        """Seconds until the bot answers `GET /healthz` (any status: it serves)."""
        start = time.monotonic()
        while time.monotonic() - start < timeout_s:
            process = self.parts["bot"].process
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the bot exited with {process.returncode}; see {self.folder / 'bot.log'}")
            connection = http.client.HTTPConnection("127.0.0.1", self.bot_port, timeout=2)
            try:
                connection.request("GET", "/healthz")
                connection.getresponse().read()
                return time.monotonic() - start
            except OSError:
                time.sleep(0.05)
            finally:
                connection.close()
        raise RuntimeError(f"the bot did not answer on port {self.bot_port} within {timeout_s} s")

    def supervise(self, stop: threading.Event) -> None:
        """As systemd's `Restart=always` would: a part that exited by itself (not killed here) is
        recorded as a crash and started again a second later, until `stop` is set."""
        while not stop.wait(0.5):
            with self.lock:
                for name, part in self.parts.items():
                    if part.process is not None and part.process.poll() is not None:
                        self.crashes.append(f"{name} exited with {part.process.returncode} "
                                            f"at {time.strftime('%H:%M:%S')}")
                        time.sleep(RESTART_AFTER_S)
                        self.start(name)

    def kill(self, name: str) -> int:
        """SIGKILL the part and everything it forked; its pid."""
        process = self.parts[name].process
        assert process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        return process.pid

    def kill_and_restart(self, name: str) -> tuple[int, float]:
        """(pid killed, seconds until it was back: the bot answering, the others started)."""
        with self.lock:
            return self._kill_and_restart(name)

    def _kill_and_restart(self, name: str) -> tuple[int, float]:
        start = time.monotonic()
        pid = self.kill(name)
        for attempt in range(1, RESTART_ATTEMPTS + 1):
            time.sleep(RESTART_AFTER_S)
            self.start(name)
            if name != "bot":
                break
            try:
                self.wait_for_bot()
                break
            except RuntimeError:  # as systemd would: start it again a second later
                if attempt == RESTART_ATTEMPTS:
                    raise
        return pid, time.monotonic() - start

    def exited(self) -> list[str]:
        """Parts whose process ended by itself (not killed by us): a crash."""
        return [f"{name} ({part.process.returncode})" for name, part in self.parts.items()
                if part.process is not None and part.process.poll() is not None]

    def stop_all(self) -> None:
        """SIGTERM each part (they stop cleanly on it), then SIGKILL what is left."""
        for part in self.parts.values():
            if part.process is not None and part.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(part.process.pid, signal.SIGTERM)
        for part in self.parts.values():
            if part.process is None:
                continue
            with contextlib.suppress(subprocess.TimeoutExpired):
                part.process.wait(timeout=20)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(part.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                part.process.wait(timeout=10)

    def log_errors(self) -> dict[str, int]:
        """Lines at ERROR or above (tracebacks) in each part's log."""
        found: dict[str, int] = {}
        for name in PARTS:
            path = self.folder / f"{name}.log"
            text = path.read_text(errors="replace") if path.exists() else ""
            found[name] = sum(('"level": "ERROR"' in line or '"level":"ERROR"' in line
                               or '"level": "CRITICAL"' in line or line.startswith("Traceback"))
                              for line in text.splitlines())
        return found
