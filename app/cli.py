"""The `icdesk` command line: one error boundary, then the command groups."""

from __future__ import annotations

import importlib
import logging
import sys
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import OperationalError

from app.context import DeskContext
from app.logs import configure_logging, mask_pii
from cases.errors import DeskError
from config.settings import SettingsError, load_settings

log = logging.getLogger("icdesk")


# Each command's module, imported only when the command runs: `icdesk case show` should not
# wait for the Slack SDK, the PDF parser and the scheduler to load.
COMMANDS = {
    "case": "app.cli_case_all:case",
    "chat": "app.cli_chat:chat",
    "db": "app.cli_admin:db",
    "demo": "app.demo:demo",
    "doctor": "app.cli_doctor:doctor",
    "intake": "app.cli_intake:intake",
    "outbox": "app.cli_outbox:outbox",
    "parse": "app.cli_parse:parse_command",
    "report": "app.cli_report:report",
    "rules": "app.cli_admin:rules",
    "scheduler": "app.cli_scheduler:scheduler",
    "serve": "app.cli_serve:serve",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        return command if isinstance(command, click.Command) else None


@click.group(cls=LazyGroup, help="icdesk: the interconnection desk.")
@click.pass_context
def cli(ctx: click.Context) -> None:
    context = ctx.ensure_object(DeskContext)
    ctx.call_on_close(context.close)


def _log_internal_error(log_dir: Path) -> Path | None:
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "icdesk-errors.log"
        with path.open("a", encoding="utf-8") as handle:
            # Masked like every other log line: a traceback quotes values, customers' among them.
            handle.write(mask_pii(f"--- {datetime.now(UTC).isoformat()} {' '.join(sys.argv)}\n"))
            handle.write(mask_pii(traceback.format_exc()))
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


def _configure_logging(args: list[str]) -> None:
    """Log lines as the settings ask; a long-running `serve` says what it does (INFO), the
    other commands only what went wrong (WARNING). Settings that do not load are reported by
    the command itself, so here they only fall back to the defaults."""
    try:
        settings = load_settings()
        log_format, level = settings.log_format, settings.log_level
    except SettingsError:
        log_format, level = "auto", None
    configure_logging(log_format, level or ("INFO" if args[:1] == ["serve"] else "WARNING"))


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI: users see one line per error, never a traceback."""
    _configure_logging(sys.argv[1:] if argv is None else argv)
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
