"""Fixtures of the report tests: a seeded desk, and `report` commands run through click."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from report_seed import seed
from sqlalchemy.engine import Engine

from app.cli_report import report
from app.context import DeskContext
from cases.rulebook import RuleBook

Run = Callable[..., Result]


@pytest.fixture
def numbers(engine: Engine, book: RuleBook) -> dict[str, str]:
    """The seeded desk's case numbers by key (see `report_seed`)."""
    return seed(engine, book)


@pytest.fixture
def run(engine: Engine, tmp_path: Path) -> Run:
    """Runs `icdesk report ARGS` against the test's database, as the CLI would (settings from the
    environment); a failing command fails the test with its output."""
    url = engine.url.render_as_string(hide_password=False)

    def invoke(*args: str, ok: bool = True) -> Result:
        context = DeskContext()
        try:
            result = CliRunner().invoke(report, list(args), obj=context, catch_exceptions=not ok,
                                        env={"ICDESK_DATABASE_URL": url, "ICDESK_LOG_DIR": str(tmp_path / "log"),
                                             "ICDESK_STORAGE_DIR": str(tmp_path / "storage")})
        finally:
            context.close()
        if ok:
            assert result.exit_code == 0, result.output
        return result
    return invoke
