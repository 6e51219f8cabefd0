"""`icdesk intake ...`: read the mailbox once or continuously, and look after quarantined mail."""

from __future__ import annotations

import click

from app.context import DeskContext, pass_context, stop_on_signals
from app.mail import build_intake, email_sender, open_mailbox, outbox_delivery
from cases.errors import DeskError
from cases.messaging import Channel, Outcome
from intake.mailbox import FetchedMessage, MailboxUnavailable
from intake.poller import PassSummary, run_forever, run_once
from intake.process import process_message


@click.group(help="The mailbox: turn mail into cases.")
def intake() -> None:
    pass


@intake.command("once", help="Process the mailbox once, send the replies it queued, print a summary.")
@pass_context
def intake_once(context: DeskContext) -> None:
    desk = context.desk()
    try:
        mailbox = open_mailbox(desk)
        try:
            deliver = outbox_delivery(desk, {Channel.EMAIL: email_sender(desk.settings)})
            summary = run_once(build_intake(desk, mailbox.name), mailbox, deliver)
        finally:
            mailbox.close()
    except MailboxUnavailable as error:
        raise DeskError(str(error)) from None
    click.echo(summary.line())


@intake.command("run", help="Process mail as it arrives (IMAP IDLE, or polling) until stopped.")
@click.option("--poll-seconds", default=60.0, show_default=True, help="longest wait between passes")
@pass_context
def intake_run(context: DeskContext, poll_seconds: float) -> None:
    desk = context.desk()
    stop = stop_on_signals()
    try:
        mailbox = open_mailbox(desk)
        try:
            deliver = outbox_delivery(desk, {Channel.EMAIL: email_sender(desk.settings)})
            click.echo(f"reading {mailbox.name}; Ctrl-C to stop", err=True)

            def report(summary: PassSummary) -> None:
                click.echo(summary.line())

            run_forever(build_intake(desk, mailbox.name), mailbox, deliver, stop, poll_seconds, report)
        finally:
            mailbox.close()
    except MailboxUnavailable as error:
        raise DeskError(str(error)) from None


@intake.group(help="Mail set aside: unreadable, too large, or otherwise the sender's to fix.")
def quarantine() -> None:
    pass


@quarantine.command("list", help="List quarantined messages with why.")
@pass_context
def quarantine_list(context: DeskContext) -> None:
    desk = context.desk()
    with desk.unit_of_work() as uow:
        records = uow.messages.quarantined()
    for record in records:
        when = desk.book.calendar.local_date(record.processed_at).isoformat()
        click.echo(f"#{record.id} {when} {record.outcome.value} from {record.sender or '?'}: "
                   f"{record.subject or '(no subject)'} — {record.detail}")
    click.echo(f"{len(records)} quarantined", err=True)


@quarantine.command("retry", help="Process a quarantined message again (e.g. after a parser fix).")
@click.argument("record_id", type=int)
@pass_context
def quarantine_retry(context: DeskContext, record_id: int) -> None:
    desk = context.desk()
    intake_ = build_intake(desk, "quarantine")
    with desk.unit_of_work() as uow:
        record = uow.messages.by_id(record_id)
    if record is None or record.outcome not in (Outcome.QUARANTINED, Outcome.OVERSIZE) or not record.raw_path:
        raise DeskError(f"no quarantined message #{record_id}; `icdesk intake quarantine list` shows them")
    raw = intake_.files.get(record.raw_path)
    result = process_message(intake_, FetchedMessage(key=f"quarantine-{record_id}", raw=raw), retry=True)
    deliver = outbox_delivery(desk, {Channel.EMAIL: email_sender(desk.settings)})
    deliver()
    click.echo(f"#{record_id}: {result.outcome.value}" + (f" {result.case_number}" if result.case_number else "")
               + (f" — {result.detail}" if result.detail else ""))
