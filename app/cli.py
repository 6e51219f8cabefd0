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

from app.cli_case import case
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
    cli.add_command(case)
    cli.add_command(demo)


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


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI: users see one line per error, never a traceback."""
    _register_subcommands()
    run: Callable[..., Any] = cli.main
    try:
        return run(args=argv, prog_name="icdesk", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return sys.exit(130)
    except click.ClickException as error:
        error.show()
        return sys.exit(error.exit_code)
    except SettingsError as error:
        click.echo(f"error: settings are not usable:\n{error}", err=True)
        return sys.exit(2)
    except DeskError as error:
        click.echo(f"error: {error}", err=True)
        return sys.exit(1)
    except Exception:  # noqa: BLE001 - the boundary: log the traceback, tell the user where
        try:
            log_dir = load_settings().log_dir
        except SettingsError:
            log_dir = Path("var/log")
        path = _log_internal_error(log_dir)
        where = f"; details in {path}" if path else ""
        click.echo(f"internal error: icdesk could not finish{where}", err=True)
        return sys.exit(70)
