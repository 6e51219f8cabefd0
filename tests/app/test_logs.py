"""Log lines: JSON when stderr is not a terminal, plain text when asked, and no customer's
e-mail address, phone, street address or account number in either."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from served import desk_env, icdesk

from app.cli import _log_internal_error
from app.logs import configure_logging, mask_pii

SAMPLES = resources.files("app.samples").joinpath("maildrop")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """The root logger writing JSON to a buffer; the handlers as they were afterwards."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging("json", "INFO", stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_masks_the_message_and_the_extra_fields(captured: io.StringIO) -> None:
    log = logging.getLogger("icdesk.test")
    log.info("reply to %s about 4417 N Williams Ave, call 503-555-0100, account 1234568827",
             "marcus.bell@example.com",
             extra={"case_number": "IC-2026-00001", "account_number": "1234568827",
                    "customer": {"email": "marcus.bell@example.com", "phone": "5035550100"}, "attempt": 2})
    [line] = lines(captured)
    assert line["level"] == "INFO"
    assert line["logger"] == "icdesk.test"
    assert line["message"] == "reply to ••••.com about •••• Ave, call ••••0100, account ••••8827"
    assert line["case_number"] == "IC-2026-00001"
    assert line["account_number"] == "••••8827"
    assert line["customer"] == {"email": "••••.com", "phone": "••••0100"}
    assert line["attempt"] == 2
    assert not EMAIL.search(json.dumps(line))


def test_a_traceback_is_one_json_line_and_masked(captured: io.StringIO) -> None:
    try:
        raise ValueError("no case for dana@sunbridge.example")
    except ValueError:
        logging.getLogger("icdesk.test").exception("could not process a message")
    [line] = lines(captured)
    assert line["level"] == "ERROR"
    assert "ValueError: no case for ••••mple" in str(line["exception"])
    assert "Traceback" in str(line["exception"])


@pytest.mark.parametrize("text", ["IC-2026-00412", "2026-11-25T16:30:00-08:00", "processed 5 messages: 4 new cases",
                                  "retry in 30 s", "schema at 0006", "127.0.0.1:3000"])
def test_what_is_not_personal_stays_readable(text: str) -> None:
    assert mask_pii(text) == text


def test_intake_logs_json_lines_without_an_address(tmp_path: Path) -> None:
    env = desk_env(tmp_path, f"sqlite:///{tmp_path / 'desk.db'}", ICDESK_LOG_LEVEL="INFO")
    for sample in SAMPLES.iterdir():
        (tmp_path / "maildrop" / sample.name).write_bytes(sample.read_bytes())
    result = icdesk(env, tmp_path, "intake", "once")
    assert result.returncode == 0, result.stderr
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    # One line per message at least (what became of it, from whom), each of them masked.
    from_lines = [line for line in logged if str(line["message"]).startswith("message ")]
    assert len(from_lines) >= 5, result.stderr
    assert all(line["level"] in ("INFO", "WARNING", "ERROR") for line in logged)
    assert not EMAIL.search(result.stderr), result.stderr
    assert "permits@bridgetownsolar.example" not in result.stderr


def test_text_lines_when_asked(tmp_path: Path) -> None:
    env = desk_env(tmp_path, f"sqlite:///{tmp_path / 'desk.db'}", ICDESK_LOG_LEVEL="INFO",
                   ICDESK_LOG_FORMAT="text")
    (tmp_path / "maildrop" / "5-bounce.eml").write_bytes(SAMPLES.joinpath("5-bounce.eml").read_bytes())
    result = icdesk(env, tmp_path, "intake", "once")
    assert result.returncode == 0, result.stderr
    logged = [line for line in result.stderr.splitlines() if " INFO intake." in line]
    assert logged, result.stderr
    assert not any(line.startswith("{") for line in result.stderr.splitlines())
    assert not EMAIL.search(result.stderr), result.stderr


def test_the_internal_error_file_is_masked_too(tmp_path: Path) -> None:
    try:
        raise RuntimeError("could not reach rosa.delgado@example.com at 503-555-0142")
    except RuntimeError:
        written = _log_internal_error(tmp_path)
    assert written is not None
    text = written.read_text(encoding="utf-8")
    assert "RuntimeError" in text
    assert "rosa.delgado@example.com" not in text
    assert "503-555-0142" not in text
