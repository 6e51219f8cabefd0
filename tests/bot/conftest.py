"""Fixtures for the bot's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_support import BotDesk

from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from cases.persistence.migrate import upgrade
from cases.rulebook import RuleBook


@pytest.fixture
def desk(tmp_path: Path, book: RuleBook) -> Iterator[BotDesk]:
    start_mappers()
    engine = create_database_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    upgrade(engine)
    yield BotDesk(engine, book)
    engine.dispose()
