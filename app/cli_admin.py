"""`icdesk db …` and `icdesk rules …`: the schema and the rule files."""

from __future__ import annotations

from pathlib import Path

import click

from app.backup import backup, restore
from app.context import DeskContext, pass_context
from app.rules_files import SHIPPED_RULES, load_catalog
from cases.persistence.migrate import current_revision, head_revision, upgrade


@click.group(help="Database schema.")
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


@db.command("backup", help="Copy the database to FILE (SQLite: online backup; PostgreSQL: pg_dump, custom format).")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_context
def db_backup(context: DeskContext, file: Path) -> None:
    click.echo(backup(context.settings.database_url, file))


@db.command("restore", help="Replace the database's content with the backup in FILE; stop the desk first.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="replace a database that already holds cases or mail")
@pass_context
def db_restore(context: DeskContext, file: Path, force: bool) -> None:
    click.echo(restore(context.settings.database_url, file, force=force))


@click.group(help="Tariff rule files.")
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
