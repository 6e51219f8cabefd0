"""`icdesk chat`: talk to the desk in the terminal with the Slack commands."""

from __future__ import annotations

import sys

import click

from app.bootstrap import bot_deps
from app.context import DeskContext, pass_context
from app.mail import embedded_senders, outbox_delivery
from bot.console import run_console
from bot.core import Caller, Role

BANNER = "Try: status IC-… · status williams · overdue · queue protection · summary · help   (Ctrl-D to quit)"


@click.command("chat", help="Talk to the desk in the terminal, with the same commands as /ic in Slack.")
@click.option("--as", "user", default="console", show_default=True, help="who you are (for the event log)")
@click.option("--role", "role_names", multiple=True, default=["coordinator"], show_default=True,
              type=click.Choice([r.value for r in Role]), help="your role(s) on the desk")
@pass_context
def chat(context: DeskContext, user: str, role_names: tuple[str, ...]) -> None:
    desk = context.desk()
    deps = bot_deps(desk)
    caller = Caller(user_id=user, roles=frozenset(Role(name) for name in role_names), private=True)
    interactive = sys.stdin.isatty()
    if interactive:
        click.echo(BANNER)
    deliver = outbox_delivery(desk, embedded_senders(desk))
    run_console(deps, caller, sys.stdin, lambda text: click.echo(text, nl=False), "you> " if interactive else None,
                after_each=deliver, files_dir=desk.reports_dir)
    if interactive:
        click.echo("")
