"""Wiring of the mail side: the mailbox (IMAP or the local drop), the e-mail sender (SMTP or a
folder), and the intake that joins them to the case core."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import click

from app.bootstrap import Desk
from app.metrics import timed_parse
from bot.console import ConsolePoster
from bot.posts import ChannelPoster
from bot.slack_files import DigestChartSender, SlackFiles
from bot.slack_notifier import SlackNotifier, delivery_client
from cases.messaging import Channel
from cases.persistence.messaging import SqlMailboxCursors
from cases.persistence.slack_cards import SqlCardPlaces
from cases.ports import NotificationSender
from cases.services.outbox import DeliveryReport, deliver_outbox
from config.settings import Settings
from intake.context import Intake, IntakeSettings
from intake.imap import ImapMailbox
from intake.imap_connection import ImapSettings
from intake.mailbox import Mailbox
from intake.maildrop import MaildropMailbox
from intake.oauth import microsoft_token_provider
from intake.outgoing import FolderSender, SmtpSender, SmtpSettings
from intake.replies import Replies, Templates
from intake.storage import FileStore
from parsers.pdf import parse_application


def imap_settings(settings: Settings) -> ImapSettings:
    token = None
    if settings.imap_oauth_tenant and settings.imap_oauth_client_id and settings.imap_oauth_client_secret:
        token = microsoft_token_provider(settings.imap_oauth_tenant, settings.imap_oauth_client_id,
                                         settings.imap_oauth_client_secret)
    default_port = 993 if settings.imap_security == "ssl" else 143
    return ImapSettings(
        host=settings.imap_host or "", port=settings.imap_port or default_port, user=settings.imap_user or "",
        password=settings.imap_password, token_provider=token, security=settings.imap_security,
        folder=settings.imap_folder, ca_file=str(settings.imap_ca_file) if settings.imap_ca_file else None,
    )


def open_mailbox(desk: Desk) -> Mailbox:
    """IMAP when a host is configured, else the local mail drop."""
    settings = desk.settings
    if settings.imap_host:
        return ImapMailbox(imap_settings(settings), SqlMailboxCursors(desk.engine))
    return MaildropMailbox(settings.maildrop)


def email_sender(settings: Settings) -> NotificationSender:
    """SMTP when a host is configured, else a folder of .eml files (the embedded desk)."""
    if settings.smtp_host:
        default_port = {"ssl": 465, "starttls": 587}.get(settings.smtp_security, 25)
        return SmtpSender(SmtpSettings(
            host=settings.smtp_host, port=settings.smtp_port or default_port, security=settings.smtp_security,
            user=settings.smtp_user, password=settings.smtp_password,
            ca_file=str(settings.smtp_ca_file) if settings.smtp_ca_file else None,
        ), settings.mail_from, Templates(settings.template_dir))
    return FolderSender(settings.outgoing_mail_dir, settings.mail_from, Templates(settings.template_dir))


def build_intake(desk: Desk, mailbox_name: str) -> Intake:
    settings = desk.settings
    return Intake(
        uow=desk.unit_of_work(), book=desk.book, files=FileStore(settings.storage_dir),
        replies=Replies(desk.book, settings.template_dir),
        settings=IntakeSettings(mail_from=settings.mail_from.lower(),
                                max_message_bytes=int(settings.max_message_mb * 1_000_000),
                                replies_per_sender_per_hour=settings.replies_per_sender_per_hour),
        # Timed here, at the seam, so the parse-time histogram needs nothing inside intake.
        now=desk.now, parse_pdf=timed_parse(parse_application), mailbox=mailbox_name,
    )


# The teams with a Slack channel setting (ICDESK_SLACK_CHANNEL_<TEAM>): the four that do the
# work, and the managers.
CHANNEL_TEAMS = ("coordinator", "protection", "metering", "billing", "manager")


def embedded_senders(desk: Desk) -> dict[Channel, NotificationSender]:
    """E-mail as configured; the team channels in Slack when a bot token is set, else played
    on the terminal (the embedded desk)."""
    settings = desk.settings
    if settings.slack_bot_token:
        channels = {f"team:{team}": channel for team in CHANNEL_TEAMS
                    if (channel := getattr(settings, f"slack_channel_{team}"))}
        client = delivery_client(settings.slack_bot_token, settings.slack_api_url)
        poster = ChannelPoster(SlackNotifier(client, channels), desk.desk_reader, SqlCardPlaces(desk.engine),
                               desk.now, desk.today)
        # The manager digest's chart is uploaded with the digest's text; every other post goes to the poster.
        slack: NotificationSender = DigestChartSender(poster, SlackFiles(client), channels)
    else:
        slack = ConsolePoster(desk.desk_reader, lambda text: click.echo(text, nl=False), desk.reports_dir)
    return {Channel.EMAIL: email_sender(settings), Channel.SLACK: slack}


def outbox_delivery(desk: Desk, senders: dict[Channel, NotificationSender]) -> Callable[[], DeliveryReport]:
    """A function that delivers what the outbox holds through `senders`."""
    return partial(deliver_outbox, desk.unit_of_work(), senders, desk.now)
