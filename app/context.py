"""The state a command line run shares between commands: settings and the desk, built lazily."""

from __future__ import annotations

import signal
import threading
from datetime import datetime
from types import FrameType

import click

from app.bootstrap import Desk, build_desk
from config.settings import Settings, load_settings


class DeskContext:
    """What every command needs, built on first use so `--help` never touches the database."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._desk: Desk | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    def desk(self, *, ensure_schema: bool = True) -> Desk:
        if self._desk is None:
            self._desk = build_desk(self.settings)
            if ensure_schema and self._desk.ensure_schema():
                click.echo(f"initialised a new database at {self.settings.database_url}", err=True)
        return self._desk

    def close(self) -> None:
        if self._desk is not None:
            self._desk.close()


pass_context = click.make_pass_decorator(DeskContext, ensure=True)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM (systemd's stop) or SIGINT (Ctrl-C): the long-running commands
    finish what they hold and return when it is set."""
    stop = threading.Event()

    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
    return stop


def parse_timestamp(text: str | None) -> datetime | None:
    """An ISO 8601 time given on the command line; it must carry its offset or zone."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO 8601 time like 2026-11-25T16:30:00-08:00") from None
    if moment.tzinfo is None:
        raise click.BadParameter(f"{text!r} has no UTC offset; add one, e.g. -08:00")
    if not 2000 <= moment.year <= 2200:
        raise click.BadParameter(f"{text!r} is not a plausible time of receipt")
    return moment
