"""A real `icdesk serve` process for the tests: started with its own environment, asked over
HTTP on the port it announces, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

ICDESK = str(Path(sys.executable).with_name("icdesk"))
_ANNOUNCED = re.compile(r"health on (http://\S+)/healthz")
# The proxy variables would send the loopback requests of slack_sdk and urllib elsewhere.
_DROPPED = ("ICDESK_", "SLACK_", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")


def desk_env(tmp_path: Path, database_url: str, **extra: str) -> dict[str, str]:
    """An environment for a desk living in `tmp_path`, with the health server on a free port."""
    drop = tmp_path / "maildrop"
    drop.mkdir(exist_ok=True)
    return {**{k: v for k, v in os.environ.items() if not k.startswith(_DROPPED)},
            "ICDESK_DATABASE_URL": database_url, "ICDESK_MAILDROP": str(drop),
            "ICDESK_OUTGOING_MAIL_DIR": str(tmp_path / "out"), "ICDESK_STORAGE_DIR": str(tmp_path / "storage"),
            "ICDESK_LOG_DIR": str(tmp_path / "log"), "ICDESK_HEALTH_PORT": "0", **extra}


def icdesk(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ICDESK, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180,
                          check=False)


class Served:
    """`icdesk serve ARGS`; `get(path)` → (status, body) once it has announced its health URL."""

    def __init__(self, env: dict[str, str], cwd: Path, *args: str) -> None:
        self._process = subprocess.Popen([ICDESK, "serve", *args], env=env, cwd=cwd, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.PIPE, text=True)
        self._lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.base_url = self._wait_for_url()

    def _read(self) -> None:
        assert self._process.stderr is not None
        for line in self._process.stderr:
            self._lines.append(line)

    @property
    def stderr(self) -> str:
        return "".join(self._lines)

    def _wait_for_url(self, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = _ANNOUNCED.search(self.stderr)
            if found:
                return found.group(1)
            if self._process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"icdesk serve announced no health URL:\n{self.stderr}")

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=30) as answer:  # noqa: S310 - loopback
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def health(self) -> tuple[int, dict[str, Any]]:
        status, body = self.get("/healthz")
        return status, json.loads(body)

    def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """Every sample of /metrics: (name, sorted labels) → value."""
        status, body = self.get("/metrics")
        assert status == 200, body
        return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
                for family in text_string_to_metric_families(body) for sample in family.samples}

    def stop(self) -> int:
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._reader.join(timeout=5)
        if self._process.stderr is not None:
            self._process.stderr.close()
        return self._process.returncode

    def __enter__(self) -> Served:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def wait_until(condition: Any, timeout: float = 60.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
