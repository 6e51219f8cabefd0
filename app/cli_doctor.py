"""`icdesk doctor`: one line per check, ✓ or ✗ with what to do, and a non-zero exit status
when something a running desk needs is broken."""

from __future__ import annotations

import sys

import click
from sqlalchemy.engine import make_url

from app.doctor import run_checks
from app.health import CheckResult
from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from config.settings import SettingsError, load_settings

MARKS = {"ok": "✓", "fail": "✗", "skipped": "–"}


def _line(name: str, result: CheckResult) -> str:
    return f"{MARKS[result.status]} {name:<20} {result.detail}"


@click.command("doctor", help="Check the settings, database, rules, mail, Slack, OCR and storage; say what to fix.")
def doctor() -> None:
    try:
        settings = load_settings()
    except SettingsError as error:
        click.echo(_line("settings", CheckResult("fail", "not usable; fix these and run again:")))
        for problem in str(error).splitlines():
            click.echo(f"    {problem}")
        sys.exit(2)
    where = make_url(settings.database_url).render_as_string(hide_password=True)
    click.echo(_line("settings", CheckResult("ok", f"valid; database {where}")))
    start_mappers()
    engine = create_database_engine(settings.database_url)
    try:
        results = run_checks(settings, engine)
    finally:
        engine.dispose()
    for name, result in results:
        click.echo(_line(name, result))
    broken = [name for name, result in results if result.failed]
    if broken:
        click.echo(f"{len(broken)} problem(s) to fix: {', '.join(broken)}", err=True)
        sys.exit(1)
    click.echo("the desk has what it needs", err=True)
