"""`icdesk doctor` against a working installation (a real Dovecot over TLS, an SMTP sink, the
Slack stand-in, documents received through intake) and a broken one: one line per check, what
to do about each problem, and the exit status a script can test."""

from __future__ import annotations

import socket
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from served import desk_env, icdesk
from servers.mail_fixtures import ImapAccount
from servers.slack_api import DEFAULT_TOKEN, Answer, SlackApiServer
from servers.smtp_sink import SmtpSink

SAMPLES = resources.files("app.samples").joinpath("maildrop")


class ChannelsApi(SlackApiServer):
    """The stand-in, answering `conversations.info` as Slack does: `channel_not_found` for a
    channel that does not exist (or that a bot outside a private channel cannot see), else the
    channel with `is_member` telling whether the bot has been invited."""

    def __init__(self, members_of: frozenset[str]) -> None:
        super().__init__(channels=frozenset({"C_COORD", "C_PROT", "C_METER"}))
        self.members_of = members_of

    def _dispatch(self, method: str, params: dict[str, Any], headers: dict[str, str], body: bytes) -> Answer:
        if method != "conversations.info":
            return super()._dispatch(method, params, headers, body)
        if headers.get("authorization", "").removeprefix("Bearer ").strip() != self.token:
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        channel = str(params.get("channel") or "")
        if channel not in self.channels:
            return 200, {}, {"ok": False, "error": "channel_not_found"}
        return 200, {}, {"ok": True, "channel": {"id": channel, "name": channel[2:].lower(), "is_channel": True,
                                                 "is_member": channel in self.members_of}}


@pytest.fixture
def channels_api(monkeypatch: pytest.MonkeyPatch) -> Any:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    with ChannelsApi(members_of=frozenset({"C_COORD", "C_PROT"})) as api:
        yield api


def _received_documents(env: dict[str, str], tmp_path: Path) -> Path:
    """Intake reads a complete application, storing its PDFs; returns the storage folder."""
    sample = SAMPLES.joinpath("2-complete-tier-1.eml")
    (tmp_path / "maildrop" / sample.name).write_bytes(sample.read_bytes())
    assert icdesk(env, tmp_path, "intake", "once").returncode == 0
    return Path(env["ICDESK_STORAGE_DIR"])


def _lines(stdout: str) -> dict[str, str]:
    """Check name → its line (after the mark)."""
    found = {}
    for line in stdout.splitlines():
        mark, name, detail = line[0], line[2:23].strip(), line[23:]
        found[name] = f"{mark} {detail}"
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_doctor_passes_a_working_installation(tmp_path: Path, imap_account: ImapAccount, smtp_sink: SmtpSink,
                                              channels_api: ChannelsApi) -> None:
    env = desk_env(tmp_path, f"sqlite:///{tmp_path / 'desk.db'}")
    _received_documents(env, tmp_path)
    env.update({
        "ICDESK_IMAP_HOST": imap_account.host, "ICDESK_IMAP_PORT": str(imap_account.ssl_port),
        "ICDESK_IMAP_USER": imap_account.address, "ICDESK_IMAP_PASSWORD": imap_account.password,
        "ICDESK_IMAP_CA_FILE": imap_account.ca_file,
        "ICDESK_SMTP_HOST": "127.0.0.1", "ICDESK_SMTP_PORT": str(smtp_sink.port), "ICDESK_SMTP_SECURITY": "none",
        "SLACK_BOT_TOKEN": DEFAULT_TOKEN, "ICDESK_SLACK_API_URL": channels_api.base_url,
        "ICDESK_SLACK_CHANNEL_COORDINATOR": "C_COORD", "ICDESK_SLACK_CHANNEL_PROTECTION": "C_PROT",
    })
    result = icdesk(env, tmp_path, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = _lines(result.stdout)
    assert lines["settings"].startswith("✓ valid; database sqlite:///")
    assert lines["database"].startswith("✓ schema at ")
    assert lines["rules"].startswith("✓ ")
    assert "values marked unverified" in lines["rules"]
    assert lines["mailbox"] == f"✓ logged in to {imap_account.host} as {imap_account.address}"
    assert lines["smtp"] == f"✓ 127.0.0.1:{smtp_sink.port} answers (no TLS)"
    assert lines["slack"] == "✓ workspace icdesk test as U_ICDESK"
    assert lines["slack coordinator"] == "✓ #coord (C_COORD), the bot is a member"
    assert lines["slack protection"] == "✓ #prot (C_PROT), the bot is a member"
    assert lines["tesseract"].startswith("✓ tesseract ")
    assert lines["storage"].startswith("✓ ")
    assert lines["documents"].startswith("✓ ")
    assert lines["documents"].endswith("stored documents match their sha256")
    assert lines["documents"] != "✓ 0 stored documents match their sha256"
    assert result.stderr.strip().endswith("the desk has what it needs")


def test_doctor_names_each_problem_and_what_to_do(tmp_path: Path, imap_account: ImapAccount,
                                                  channels_api: ChannelsApi) -> None:
    env = desk_env(tmp_path, f"sqlite:///{tmp_path / 'desk.db'}")
    storage = _received_documents(env, tmp_path)
    stored = sorted(path for path in storage.rglob("*") if path.is_file())
    stored[0].write_bytes(b"not what was received")
    env.update({
        "ICDESK_IMAP_HOST": imap_account.host, "ICDESK_IMAP_PORT": str(imap_account.ssl_port),
        "ICDESK_IMAP_USER": imap_account.address, "ICDESK_IMAP_PASSWORD": "wrong",
        "ICDESK_IMAP_CA_FILE": imap_account.ca_file,
        "ICDESK_SMTP_HOST": "127.0.0.1", "ICDESK_SMTP_PORT": str(_free_port()), "ICDESK_SMTP_SECURITY": "none",
        "SLACK_BOT_TOKEN": DEFAULT_TOKEN, "ICDESK_SLACK_API_URL": channels_api.base_url,
        "ICDESK_SLACK_CHANNEL_METERING": "C_METER", "ICDESK_SLACK_CHANNEL_BILLING": "C_NOWHERE",
    })
    result = icdesk(env, tmp_path, "doctor")
    assert result.returncode == 1
    lines = _lines(result.stdout)
    assert lines["database"].startswith("✓ ")
    assert lines["mailbox"].startswith("✗ the IMAP server")
    assert "refused the login" in lines["mailbox"]
    assert lines["smtp"].startswith("✗ cannot reach 127.0.0.1: ")
    assert lines["smtp"].endswith("check ICDESK_SMTP_HOST and ICDESK_SMTP_PORT")
    assert lines["slack metering"] == "✗ the bot is not in #meter (C_METER): type `/invite @icdesk` in the channel"
    assert lines["slack billing"] == ("✗ ICDESK_SLACK_CHANNEL_BILLING=C_NOWHERE: Slack answers channel_not_found; "
                                      "give the channel's id (C…) from its details")
    assert lines["documents"].startswith("✗ of ")
    assert ", 0 missing and 1 altered (e.g. " in lines["documents"]
    assert result.stderr.strip() == "5 problem(s) to fix: mailbox, smtp, slack metering, slack billing, documents"
    assert "Traceback" not in result.stdout + result.stderr


def test_doctor_lists_every_settings_problem(tmp_path: Path) -> None:
    env = desk_env(tmp_path, "mysql://desk", ICDESK_MAX_MESSAGE_MB="-1")
    result = icdesk(env, tmp_path, "doctor")
    assert result.returncode == 2
    assert result.stdout.splitlines()[0].startswith("✗ settings")
    assert "    ICDESK_DATABASE_URL: " in result.stdout
    assert "    ICDESK_MAX_MESSAGE_MB: " in result.stdout
