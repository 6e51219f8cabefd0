"""The composition root: builds everything the desk needs from the settings, once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from app.rules_files import load_catalog
from bot.core import BotDeps
from cases.errors import DeskError
from cases.persistence.database import create_database_engine
from cases.persistence.desk_read_model import SqlDeskReader
from cases.persistence.mapping import start_mappers
from cases.persistence.migrate import SchemaState, head_revision, schema_state, upgrade
from cases.persistence.read_model import SqlCaseReader
from cases.persistence.report_read_model import SqlReportReader
from cases.persistence.repository import SqlUnitOfWork
from cases.reports.documents import ReportFile, ReportRequest, build_report
from cases.rulebook import RuleBook, calendar_from_rules
from config.settings import Settings


def system_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Desk:
    settings: Settings
    engine: Engine
    book: RuleBook
    now: Callable[[], datetime]

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)

    def reader(self, today: date | None = None) -> SqlCaseReader:
        """Read access with business days left counted from `today` (default: today, Pacific)."""
        return SqlCaseReader(self.engine, self.book.calendar, today or self.today())

    def desk_reader(self) -> SqlDeskReader:
        """The read side for status answers, listings and summaries, as of today."""
        return SqlDeskReader(self.engine, self.book.calendar, self.today())

    def today(self) -> date:
        return self.book.calendar.local_date(self.now())

    @property
    def reports_dir(self) -> Path:
        """Where the terminal writes report files and charts: `reports/` beside the storage
        folder (`var/reports` on the embedded desk)."""
        return self.settings.storage_dir.parent / "reports"

    def report_reader(self) -> SqlReportReader:
        return SqlReportReader(self.engine, self.book.calendar)

    def make_report(self, request: ReportRequest) -> ReportFile:
        """A manager's report file, as of now."""
        return build_report(request, self.report_reader(), self.book, self.now())

    def ensure_schema(self) -> bool:
        """Create the schema of a fresh database (True); refuse an outdated one clearly."""
        state = schema_state(self.engine)
        if state == SchemaState.FRESH:
            upgrade(self.engine)
            return True
        if state == SchemaState.BEHIND:
            raise DeskError("the database schema is older than this icdesk: run `icdesk db upgrade`")
        if state == SchemaState.UNKNOWN:
            raise DeskError(
                f"the database schema is newer than this icdesk (which knows up to {head_revision()}); "
                "upgrade icdesk"
            )
        return False

    def close(self) -> None:
        self.engine.dispose()


def bot_deps(desk: Desk) -> BotDeps:
    """The desk as the bot reaches it (Slack and the terminal chat alike); the reader is built
    per request so `today` is today."""
    return BotDeps(unit_of_work=desk.unit_of_work, book=desk.book, reader=desk.desk_reader, now=desk.now,
                   reports=desk.make_report)


def build_desk(settings: Settings, now: Callable[[], datetime] = system_now) -> Desk:
    """Wire settings, rules, calendar and database together (nothing is built at import)."""
    catalog = load_catalog(settings.rules_dir)
    book = RuleBook(catalog, calendar_from_rules(catalog))
    start_mappers()
    return Desk(settings, create_database_engine(settings.database_url), book, now)
