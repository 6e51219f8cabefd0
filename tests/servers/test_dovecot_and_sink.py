"""The test mail servers themselves: a real Dovecot on loopback and the SMTP sink."""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import time
from email.message import EmailMessage
from pathlib import Path

import pytest
from imapclient import IMAPClient

from servers.dovecot import DovecotServer, DovecotServerError
from servers.mail_fixtures import ImapAccount
from servers.smtp_sink import SmtpSink


def note(number: int) -> bytes:
    return (
        f"From: installer@solar.example\r\nTo: intake@example.test\r\n"
        f"Message-ID: <note-{number}@solar.example>\r\nSubject: note {number}\r\n\r\nbody {number}\r\n"
    ).encode()


def test_a_new_account_has_an_empty_inbox_and_the_two_intake_folders(
    dovecot_server: DovecotServer, imap_account: ImapAccount
) -> None:
    with dovecot_server.connect(imap_account.address) as client:
        folders = sorted(name for _flags, _sep, name in client.list_folders())

    assert folders == ["INBOX", "Processed", "Quarantine"]
    assert dovecot_server.count(imap_account.address) == 0


def test_append_stores_mail_that_the_helpers_then_list(
    dovecot_server: DovecotServer, imap_account: ImapAccount
) -> None:
    first = dovecot_server.append(imap_account.address, note(1))
    second = dovecot_server.append(imap_account.address, note(2), folder="Quarantine")
    third = dovecot_server.append(imap_account.address, note(3))

    assert (first, third) == (1, 2)
    assert second == 1
    assert dovecot_server.message_ids(imap_account.address) == ["<note-1@solar.example>", "<note-3@solar.example>"]
    assert dovecot_server.count(imap_account.address, "Quarantine") == 1
    assert dovecot_server.count(imap_account.address, "Processed") == 0
    assert set(dovecot_server.flags(imap_account.address)) == {1, 2}


def test_the_tls_port_is_verified_with_the_ca_file_and_only_with_it(imap_account: ImapAccount) -> None:
    context = ssl.create_default_context(cafile=imap_account.ca_file)
    with IMAPClient(imap_account.host, port=imap_account.ssl_port, ssl_context=context, timeout=5) as client:
        client.login(imap_account.address, imap_account.password)
        assert client.select_folder("INBOX")[b"EXISTS"] == 0

    with pytest.raises(ssl.SSLCertVerificationError):
        IMAPClient(imap_account.host, port=imap_account.ssl_port, ssl_context=ssl.create_default_context(), timeout=5)


def test_the_plain_port_offers_starttls_and_idle(imap_account: ImapAccount) -> None:
    with IMAPClient(imap_account.host, port=imap_account.port, ssl=False, timeout=5) as client:
        assert client.has_capability("STARTTLS")
        client.starttls(ssl.create_default_context(cafile=imap_account.ca_file))
        client.login(imap_account.address, imap_account.password)
        capabilities = set(client.capabilities())

    assert {b"IDLE", b"MOVE", b"UIDPLUS"} <= capabilities


def test_a_wrong_password_is_refused(dovecot_server: DovecotServer, imap_account: ImapAccount) -> None:
    client = IMAPClient(imap_account.host, port=imap_account.port, ssl=False, timeout=5)
    try:
        with pytest.raises(IMAPClient.Error, match="AUTHENTICATIONFAILED"):
            client.login(imap_account.address, "not-the-password")
    finally:
        client.shutdown()


def test_restart_keeps_ports_users_and_mail_and_stop_leaves_no_process() -> None:
    server = DovecotServer()
    server.add_user("before@example.test", "pw-before")
    try:
        server.start()
        server.add_user("after@example.test", "pw-after")
        server.append("after@example.test", note(1))
        ports, old_master = (server.port, server.ssl_port), _master_pid(server)

        started = time.monotonic()
        server.restart()
        restart_s = time.monotonic() - started

        assert (server.port, server.ssl_port) == ports
        assert _master_pid(server) != old_master
        assert not _alive(old_master)
        assert server.count("after@example.test") == 1
        assert server.count("before@example.test") == 0
        assert restart_s < 5
    finally:
        master = _master_pid(server) if server.running else None
        server.cleanup()
    assert master is not None
    assert not _alive(master)
    assert not server.running


def test_a_start_that_fails_reports_the_dovecot_log() -> None:
    server = DovecotServer()
    try:
        server.start()
        server.stop()
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", server.port))
            squatter.listen()
            reported = r"(?s)dovecot.*last lines of .*dovecot\.log.*Address already in use"
            with pytest.raises(DovecotServerError, match=reported):
                server.start()
        assert not server.running
    finally:
        server.cleanup()


def _master_pid(server: DovecotServer) -> int:
    return int((server.log_path.parent / "run" / "master.pid").read_text().split()[0])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# -- the SMTP sink --------------------------------------------------------------------------


def acknowledgement() -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Interconnection desk <intake@example.test>"
    message["To"] = "installer@solar.example"
    message["Subject"] = "[IC-2026-00001] Application received"
    message.set_content("We received your application.")
    return message


def test_the_sink_records_envelope_bytes_and_parsed_message(smtp_sink: SmtpSink) -> None:
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=5) as client:
        refused = client.send_message(acknowledgement(), to_addrs=["installer@solar.example", "cc@solar.example"])

    [received] = smtp_sink.wait_for(1, timeout_s=5)
    assert refused == {}
    assert received.mail_from == "intake@example.test"
    assert received.rcpt_tos == ("installer@solar.example", "cc@solar.example")
    assert received.message["Subject"] == "[IC-2026-00001] Application received"
    assert received.message.get_content() == "We received your application.\n"
    assert b"Subject: [IC-2026-00001] Application received" in received.raw


def test_waiting_for_more_than_arrived_times_out_and_clear_forgets(smtp_sink: SmtpSink) -> None:
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port, timeout=5) as client:
        client.send_message(acknowledgement())
    smtp_sink.wait_for(1)

    started = time.monotonic()
    with pytest.raises(TimeoutError, match="received 1 message"):
        smtp_sink.wait_for(2, timeout_s=0.3)
    assert 0.3 <= time.monotonic() - started < 2
    smtp_sink.clear()
    assert smtp_sink.messages == []


def test_the_sink_offers_starttls_when_given_a_certificate(dovecot_server: DovecotServer) -> None:
    key = Path(dovecot_server.ca_file).with_name("key.pem")
    with SmtpSink(certificate=(dovecot_server.ca_file, key)) as sink, smtplib.SMTP(sink.host, sink.port) as client:
        client.starttls(context=ssl.create_default_context(cafile=str(dovecot_server.ca_file)))
        client.send_message(acknowledgement())
        [received] = sink.wait_for(1)

    assert received.message["To"] == "installer@solar.example"
