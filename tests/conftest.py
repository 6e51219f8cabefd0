"""Fixtures shared by the whole suite."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from servers.postgres import PostgresServer
from sqlalchemy.engine import Engine

from app.rules_files import load_catalog
from cases.persistence.database import create_database_engine
from cases.persistence.mapping import start_mappers
from cases.persistence.migrate import upgrade
from cases.rulebook import RuleBook, calendar_from_rules

# Dovecot, the SMTP sink, the Slack Web API stand-in and their fixtures, started only by the
# tests that ask for them.
pytest_plugins = ["servers.mail_fixtures", "servers.slack_fixtures"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One throwaway PostgreSQL cluster, started the first time a test asks for it.

    Never skipped: if it cannot start, the tests that need it fail with the reason.
    """
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_database_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The SQLAlchemy URL of a fresh, empty database of this test's own, dropped afterwards."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


# -- the desk's own fixtures ---------------------------------------------------------------


@pytest.fixture(scope="session")
def book() -> RuleBook:
    """The shipped rules and the Oregon business calendar."""
    catalog = load_catalog(None)
    return RuleBook(catalog, calendar_from_rules(catalog))


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated, empty database: an SQLite file, and a database on the session's PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'icdesk.db'}"
    else:
        url = request.getfixturevalue("postgres_database_url")
    start_mappers()
    database = create_database_engine(url)
    upgrade(database)
    try:
        yield database
    finally:
        database.dispose()
