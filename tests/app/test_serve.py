"""`icdesk serve` on the embedded desk: one process reads the mail drop and runs the
scheduler, and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

ICDESK = str(Path(sys.executable).with_name("icdesk"))


def question() -> bytes:
    message = EmailMessage()
    message["From"] = "a@example.net"
    message["To"] = "interconnection@icdesk.localhost"
    message["Subject"] = "Question without an application"
    message["Message-ID"] = "<q1@example.net>"
    message.set_content("Hello")
    return bytes(message)


def test_serve_reads_mail_and_stops_cleanly(tmp_path: Path) -> None:
    drop = tmp_path / "maildrop"
    drop.mkdir()
    (drop / "1.eml").write_bytes(question())
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("ICDESK_", "SLACK_"))},
           "ICDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'desk.db'}", "ICDESK_MAILDROP": str(drop),
           "ICDESK_OUTGOING_MAIL_DIR": str(tmp_path / "out"), "ICDESK_STORAGE_DIR": str(tmp_path / "storage"),
           "ICDESK_HEALTH_PORT": "0"}
    process = subprocess.Popen([ICDESK, "serve"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (drop / "processed" / "1.eml").exists():
            time.sleep(0.2)
        assert (drop / "processed" / "1.eml").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "processed 1 message: 0 new cases" in out
    listed = subprocess.run([ICDESK, "intake", "quarantine", "list"], cwd=tmp_path, env=env, capture_output=True,
                            text=True, check=True)
    assert "0 quarantined" in listed.stderr
    assert json.loads(subprocess.run([ICDESK, "case", "list", "--json"], cwd=tmp_path, env=env, capture_output=True,
                                     text=True, check=True).stdout) == []
