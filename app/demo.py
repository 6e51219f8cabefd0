"""`icdesk demo`: the embedded desk with sample mail, for a first look.

On a fresh desk it copies the sample applications into the local mail drop, reads the drop
as intake would read the real mailbox, and shows what happened: the cases opened, the mail
ignored or set aside, and the acknowledgements "sent" (written to the outgoing-mail folder).
"""

from __future__ import annotations

import shutil
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from importlib import resources
from pathlib import Path

import click

from app.bootstrap import Desk
from app.context import DeskContext, pass_context
from app.mail import build_intake, embedded_senders, outbox_delivery
from app.render import case_card, summary_line
from cases.messaging import Outcome
from intake.maildrop import MaildropMailbox
from intake.poller import PassSummary, run_once


def _seed_maildrop(folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    samples = resources.files("app.samples").joinpath("maildrop")
    count = 0
    for sample in sorted(samples.iterdir(), key=lambda s: s.name):
        if sample.name.endswith(".eml"):
            with resources.as_file(sample) as path:
                shutil.copyfile(path, folder / sample.name)
            count += 1
    return count


def _show_pass(desk: Desk, summary: PassSummary) -> None:
    click.echo(summary.line())
    reader = desk.reader()
    for result in summary.results:
        if result.outcome == Outcome.NEW_CASE and result.case_number:
            click.echo("  " + summary_line(reader.get(result.case_number)))
        elif result.outcome != Outcome.NEW_CASE:
            number = f" {result.case_number}" if result.case_number else ""
            click.echo(f"  {result.outcome.value.replace('_', ' ')}{number}: {result.detail or ''}")


def _show_sent(folder: Path, before: set[Path]) -> None:
    for path in sorted(set(folder.glob("*.eml")) - before):
        sent = message_from_bytes(path.read_bytes(), policy=default)
        if not isinstance(sent, EmailMessage):
            continue
        body = sent.get_content().strip().splitlines()
        click.echo(f"\n── mail to {sent['To']} · {sent['Subject']}")
        click.echo("\n".join(f"   {line}" for line in body[:14]) + ("\n   …" if len(body) > 14 else ""))


@click.command("demo", help="The embedded desk with sample mail: read the mail drop, show cases and replies.")
@pass_context
def demo(context: DeskContext) -> None:
    desk = context.desk()
    settings = desk.settings
    if not desk.reader().list_cases() and not any(settings.maildrop.glob("*.eml")):
        count = _seed_maildrop(settings.maildrop)
        click.echo(f"copied {count} sample messages into the mail drop {settings.maildrop}")
    mailbox = MaildropMailbox(settings.maildrop)
    click.echo(f"icdesk · embedded desk · {settings.database_url} · mail drop {settings.maildrop}")
    outgoing = settings.outgoing_mail_dir
    before = set(outgoing.glob("*.eml")) if outgoing.is_dir() else set()
    summary = run_once(build_intake(desk, mailbox.name), mailbox, outbox_delivery(desk, embedded_senders(desk)))
    _show_pass(desk, summary)
    if not settings.smtp_host:
        _show_sent(outgoing, before)
    views = desk.reader().list_cases()
    click.echo(f"\n{len(views)} case{'s' if len(views) != 1 else ''} on the desk:")
    for view in views:
        click.echo("  " + summary_line(view))
    if views:
        click.echo("\n" + case_card(views[0]))
    click.echo("\nTry: icdesk case show IC-2026-00001 --history · icdesk case list --overdue · "
               "icdesk intake quarantine list · icdesk rules check")
