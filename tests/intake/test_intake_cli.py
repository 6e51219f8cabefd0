"""`icdesk intake once` as an operator runs it: a real Dovecot over TLS, a real SMTP sink,
the real console script; and the embedded mail drop."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from intake_support import email
from servers.dovecot import DovecotServer
from servers.mail_fixtures import ImapAccount
from servers.smtp_sink import SmtpSink
from support import PACIFIC

ICDESK = str(Path(sys.executable).with_name("icdesk"))
# Case numbers carry the year the desk receives the mail in, which is today's.
YEAR = datetime.now(PACIFIC).year


def icdesk(env: dict[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ICDESK, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)


def mail_env(tmp_path: Path, account: ImapAccount, sink: SmtpSink) -> dict[str, str]:
    return {
        **os.environ,
        "ICDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'icdesk.db'}",
        "ICDESK_STORAGE_DIR": str(tmp_path / "storage"),
        "ICDESK_IMAP_HOST": account.host, "ICDESK_IMAP_PORT": str(account.ssl_port),
        "ICDESK_IMAP_USER": account.address, "ICDESK_IMAP_PASSWORD": account.password,
        "ICDESK_IMAP_CA_FILE": account.ca_file,
        "ICDESK_SMTP_HOST": "127.0.0.1", "ICDESK_SMTP_PORT": str(sink.port), "ICDESK_SMTP_SECURITY": "none",
        "ICDESK_MAIL_FROM": "interconnection@utility.example",
    }


def test_intake_once_over_imap_and_smtp(tmp_path: Path, dovecot_server: DovecotServer, imap_account: ImapAccount,
                                        smtp_sink: SmtpSink, application_pdf: bytes) -> None:
    user = imap_account.address
    dovecot_server.append(user, email("Net metering application", attachments={"app.pdf": application_pdf}))
    dovecot_server.append(user, email("Out of office", message_id="<ooo@example.net>", sender="dana@example.net",
                                      headers={"Auto-Submitted": "auto-replied"}))
    dovecot_server.append(user, email("Application", message_id="<bad@example.net>", sender="x@example.net",
                                      attachments={"app.pdf": b"%PDF-1.7 broken"}))
    env = mail_env(tmp_path, imap_account, smtp_sink)
    first = icdesk(env, tmp_path, "intake", "once")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == ("processed 3 messages: 1 new case, 0 supplements, 0 questions, "
                                    "1 ignored or unmatched, 1 quarantined; sent 2 e-mails")
    assert dovecot_server.count(user, "INBOX") == 0
    assert dovecot_server.count(user, "Processed") == 2
    assert dovecot_server.count(user, "Quarantine") == 1
    subjects = sorted(str(m.message["Subject"]) for m in smtp_sink.messages)
    assert subjects == ["Could not process: Application",
                        f"[IC-{YEAR}-00001] Received: net metering application, 4417 N Williams Ave"]
    again = icdesk(env, tmp_path, "intake", "once")
    assert again.stdout.strip().startswith("processed 0 messages")
    assert len(smtp_sink.messages) == 2
    listed = icdesk(env, tmp_path, "intake", "quarantine", "list")
    assert "quarantined from x@example.net: Application — app.pdf:" in listed.stdout


def test_a_refused_login_is_one_clear_line(tmp_path: Path, imap_account: ImapAccount, smtp_sink: SmtpSink) -> None:
    env = {**mail_env(tmp_path, imap_account, smtp_sink), "ICDESK_IMAP_PASSWORD": "wrong"}
    result = icdesk(env, tmp_path, "intake", "once")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: the IMAP server")
    assert "refused the login" in result.stderr
    assert "Traceback" not in result.stderr


def test_intake_once_on_the_embedded_mail_drop(tmp_path: Path, application_pdf: bytes) -> None:
    drop = tmp_path / "maildrop"
    drop.mkdir()
    (drop / "1.eml").write_bytes(email("Application", attachments={"app.pdf": application_pdf}))
    env = {**os.environ, "ICDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'icdesk.db'}",
           "ICDESK_MAILDROP": str(drop), "ICDESK_OUTGOING_MAIL_DIR": str(tmp_path / "outgoing"),
           "ICDESK_STORAGE_DIR": str(tmp_path / "storage")}
    env.pop("ICDESK_IMAP_HOST", None)
    result = icdesk(env, tmp_path, "intake", "once")
    assert result.returncode == 0, result.stderr
    assert "1 new case" in result.stdout
    assert (drop / "processed" / "1.eml").exists()
    [written] = (tmp_path / "outgoing").glob("*.eml")
    sent = message_from_bytes(written.read_bytes(), policy=default)
    assert sent["Subject"] == f"[IC-{YEAR}-00001] Received: net metering application, 4417 N Williams Ave"
    assert sent["Auto-Submitted"] == "auto-replied"
