"""The `icdesk` command line: one error boundary, then the command groups."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from app.cli_case import case
from app.cli_case_records import RECORD_COMMANDS
from app.cli_chat import chat
from app.cli_intake import intake
from app.cli_parse import parse_command
from app.cli_scheduler import scheduler
from app.cli_serve import serve
from app.context import DeskContext, pass_context
from app.demo import demo
from app.rules_files import SHIPPED_RULES, load_catalog
from cases.errors import DeskError
from cases.persistence.migrate import current_revision, head_revision, upgrade
from config.settings import SettingsError, load_settings

log = logging.getLogger("icdesk")


@click.group(help="icdesk: the interconnection desk.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    context = ctx.ensure_object(DeskContext)
    ctx.call_on_close(context.close)


@cli.group(help="Database schema.")
def db() -> None:
    pass


@db.command("upgrade", help="Create the database or migrate it to this version's schema.")
@pass_context
def db_upgrade(context: DeskContext) -> None:
    desk = context.desk(ensure_schema=False)
    before = current_revision(desk.engine)
    upgrade(desk.engine)
    after = head_revision()
    click.echo(f"database at {after}" + ("" if before == after else f" (was {before or 'empty'})"))


@cli.group(help="Tariff rule files.")
def rules() -> None:
    pass


@rules.command("check", help="Validate the rule files and list every value marked unverified.")
@pass_context
def rules_check(context: DeskContext) -> None:
    catalog = load_catalog(context.settings.rules_dir)
    folder = context.settings.rules_dir or SHIPPED_RULES
    versions = ", ".join(f"{r.version} (from {r.effective_from.isoformat()})" for r in catalog.rule_sets)
    click.echo(f"rules in {folder}: valid; versions: {versions}")
    unverified = catalog.unverified()
    click.echo(f"{len(unverified)} values are marked unverified; confirm them against the rule text:")
    for item in unverified:
        note = f" — {item.note}" if item.note else ""
        cite = f" [{item.citation}]" if item.citation else ""
        click.echo(f"  {item.version}: {item.where}{cite}{note}")


def _register_subcommands() -> None:
    for command in RECORD_COMMANDS:
        case.add_command(command)
    cli.add_command(case)
    cli.add_command(demo)
    cli.add_command(chat)
    cli.add_command(intake)
    cli.add_command(scheduler)
    cli.add_command(serve)
    cli.add_command(parse_command, "parse")


def _log_internal_error(log_dir: Path) -> Path | None:
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "icdesk-errors.log"
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"--- {datetime.now(UTC).isoformat()} {' '.join(sys.argv)}\n")
            handle.write(traceback.format_exc())
    except OSError:
        return None
    return path


def _log_dir() -> Path:
    try:
        return load_settings().log_dir
    except SettingsError:
        return Path("var/log")


def _explain(error: Exception) -> tuple[int, str]:
    """The exit status and the one line a user sees for an error that ended the command."""
    if isinstance(error, click.exceptions.Abort):
        return 130, "aborted"
    if isinstance(error, SettingsError):
        return 2, f"error: settings are not usable:\n{error}"
    if isinstance(error, DeskError):
        return 1, f"error: {error}"
    path = _log_internal_error(_log_dir())
    if isinstance(error, OperationalError):
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "no answer"
        return 3, f"error: cannot reach the database ({reason}); check ICDESK_DATABASE_URL"
    where = f"; details in {path}" if path else ""
    return 70, f"internal error: icdesk could not finish{where}"


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI: users see one line per error, never a traceback."""
    _register_subcommands()
    run: Callable[..., Any] = cli.main
    try:
        return run(args=argv, prog_name="icdesk", standalone_mode=False)
    except click.ClickException as error:
        error.show()
        return sys.exit(error.exit_code)
    except Exception as error:  # noqa: BLE001 - the boundary: explain, log ours with the traceback
        status, line = _explain(error)
        click.echo(line, err=True)
        return sys.exit(status)
