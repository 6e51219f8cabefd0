"""The whole desk for the end-to-end stories, built by the shipped composition root from its
settings: PostgreSQL, the desk's mailbox on Dovecot (IMAPS), replies through the SMTP sink,
the Slack bot served over HTTP by waitress with the Web API stand-in as Slack, and the
application documents drawn by the parser tests' factories."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from servers.dovecot import DovecotServer
from servers.mail_fixtures import ImapAccount
from servers.slack_api import DEFAULT_TOKEN, SlackApiServer
from servers.smtp_sink import SmtpSink
from support import pacific

from app.bootstrap import Desk, build_desk
from app.bot_wiring import bound_port, build_bot, http_server, stop_http_server
from config.settings import load_settings

# The PDF factories live with the parser tests; the installers mail the same documents.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "parsers"))

import pdf_documents
import samples
from desk_story import Channels, DeskProcesses, SlackUser, SlackWorkspace, StoryClock
from pdf_factory import render

SIGNING_SECRET = "e2e-signing-secret-5f0c2b7d9a"
# Who is who in the workspace, as the settings list them.
COORDINATOR, MANAGER, PROTECTION, METERING, BILLING = "U_COORD_ROSA", "U_MGR_ALEX", "U_PROT_KAI", "U_METER_SAM", \
    "U_BILL_LEE"
CHANNELS = {"coordinator": "C_COORD", "protection": "C_PROT", "metering": "C_METER", "billing": "C_BILL",
            "manager": "C_MGMT"}


@dataclass(frozen=True)
class Documents:
    application: bytes
    one_line_diagram: bytes
    site_plan: bytes
    spec_sheet: bytes
    certificate_of_completion: bytes


@pytest.fixture(scope="session")
def documents() -> Documents:
    return Documents(application=render(samples.net_metering_form(), fillable=True),
                     one_line_diagram=pdf_documents.one_line_diagram(), site_plan=pdf_documents.site_plan(),
                     spec_sheet=pdf_documents.spec_sheet(1),
                     certificate_of_completion=pdf_documents.certificate_of_completion())


@dataclass
class DeskWorld:
    """The desk and everything around it that a story touches."""

    desk: Desk
    clock: StoryClock
    processes: DeskProcesses
    channels: Channels
    slack: SlackWorkspace
    dovecot: DovecotServer
    mailbox: ImapAccount
    sink: SmtpSink

    def user(self, user_id: str, team: str) -> SlackUser:
        return SlackUser(self.slack, user_id, CHANNELS[team])


@pytest.fixture
def world(tmp_path: Path, postgres_database_url: str, dovecot_server: DovecotServer, imap_account: ImapAccount,
          smtp_sink: SmtpSink, slack_api: SlackApiServer) -> Iterator[DeskWorld]:
    settings = load_settings(
        database_url=postgres_database_url, storage_dir=tmp_path / "storage", log_dir=tmp_path / "log",
        imap_host=imap_account.host, imap_port=imap_account.ssl_port, imap_security="ssl",
        imap_ca_file=imap_account.ca_file, imap_user=imap_account.address, imap_password=imap_account.password,
        smtp_host="127.0.0.1", smtp_port=smtp_sink.port, smtp_security="none", mail_from=imap_account.address,
        slack_bot_token=DEFAULT_TOKEN, slack_signing_secret=SIGNING_SECRET, slack_api_url=slack_api.base_url,
        role_coordinator=COORDINATOR, role_manager=MANAGER, role_protection=PROTECTION, role_metering=METERING,
        role_billing=BILLING, **{f"slack_channel_{team}": channel for team, channel in CHANNELS.items()},
    )
    clock = StoryClock(pacific(2026, 11, 2, 8))
    desk = build_desk(settings, now=clock)
    desk.ensure_schema()
    server = http_server(build_bot(desk), "127.0.0.1", 0, threads=4)
    runner = threading.Thread(target=server.run, name="bot-http", daemon=True)
    runner.start()
    try:
        yield DeskWorld(desk, clock, DeskProcesses(desk, clock), Channels(slack_api),
                        SlackWorkspace(bound_port(server), SIGNING_SECRET, slack_api), dovecot_server,
                        imap_account, smtp_sink)
    finally:
        stop_http_server(server)
        runner.join(timeout=5)
        desk.close()
