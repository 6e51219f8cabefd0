"""`icdesk outbox ...`: the notifications set aside after repeated refusals, and putting them
back once the cause (a mistyped address, a channel the app is not in, a revoked token) is fixed."""

from __future__ import annotations

import click

from app.context import DeskContext, pass_context
from cases.errors import DeskError


@click.group(help="Notifications the desk could not deliver.")
def outbox() -> None:
    pass


@outbox.command("failed", help="List the notifications set aside after repeated refusals, and why.")
@pass_context
def failed(context: DeskContext) -> None:
    desk = context.desk()
    with desk.unit_of_work() as uow:
        items = uow.outbox.abandoned()
    if not items:
        click.echo("no notification is set aside")
        return
    for item in items:
        when = item.abandoned_at.isoformat(timespec="minutes") if item.abandoned_at else "?"
        click.echo(f"{item.id:>6}  {item.channel.value:<5}  {item.recipient}  {item.case_number or '-'}  "
                   f"{item.payload.get('kind') or item.payload.get('subject') or ''}  set aside {when}")
        click.echo(f"        {item.last_error or 'no reason recorded'}")


@outbox.command("retry", help="Deliver set-aside notifications again (by id, or --all).")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="every notification set aside")
@pass_context
def retry(context: DeskContext, ids: tuple[int, ...], every: bool) -> None:
    if not ids and not every:
        raise DeskError("say which: `icdesk outbox retry 12 13`, or `--all` (see `icdesk outbox failed`)")
    desk = context.desk()
    with desk.unit_of_work() as uow:
        wanted = [item.id or 0 for item in uow.outbox.abandoned()] if every else list(ids)
        count = uow.outbox.retry(wanted, desk.now())
        uow.commit()
    click.echo(f"{count} notification{'s' if count != 1 else ''} will be delivered again"
               + ("" if count == len(wanted) else f" ({len(wanted) - count} not set aside: left as they were)"))
