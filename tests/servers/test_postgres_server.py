"""The PostgreSQL fixtures start a real server and hand each test its own database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, create_engine, text

from servers.postgres import SETUP_HINT, PostgresServer, PostgresServerError, find_binaries

pytestmark = pytest.mark.postgres


@contextmanager
def connect(url: str) -> Iterator[Connection]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def test_server_answers_with_its_version(postgres_database_url: str) -> None:
    with connect(postgres_database_url) as connection:
        version = connection.execute(text("select version()")).scalar_one()

    assert version.startswith("PostgreSQL ")


def test_url_names_the_loopback_server_and_a_fresh_database(
    postgres_server: PostgresServer, postgres_database_url: str
) -> None:
    prefix = f"postgresql+psycopg://postgres@127.0.0.1:{postgres_server.port}/test_"

    assert postgres_database_url.startswith(prefix)
    with connect(postgres_database_url) as connection:
        tables = connection.execute(
            text("select count(*) from information_schema.tables where table_schema = 'public'")
        ).scalar_one()
    assert tables == 0


def test_a_table_round_trips_rows(postgres_database_url: str) -> None:
    with connect(postgres_database_url) as connection:
        connection.execute(text("create table cases (number text primary key, kw numeric)"))
        connection.execute(
            text("insert into cases values (:number, :kw)"),
            [{"number": "IC-2026-00001", "kw": 7.6}, {"number": "IC-2026-00002", "kw": 25}],
        )
        connection.commit()
        rows = connection.execute(text("select number from cases order by number")).all()

    assert [row.number for row in rows] == ["IC-2026-00001", "IC-2026-00002"]


def test_two_databases_are_independent(postgres_server: PostgresServer) -> None:
    first = postgres_server.create_database("independence_first")
    second = postgres_server.create_database("independence_second")
    try:
        with connect(first) as connection:
            connection.execute(text("create table only_here (id int)"))
            connection.commit()
        with connect(second) as connection:
            found = connection.execute(text("select to_regclass('only_here')")).scalar_one()
        assert found is None
    finally:
        postgres_server.drop_database("independence_first")
        postgres_server.drop_database("independence_second")


def test_a_database_can_be_copied_from_a_template(postgres_server: PostgresServer) -> None:
    template = postgres_server.create_database("template_source")
    try:
        with connect(template) as connection:
            connection.execute(text("create table seeded (id int)"))
            connection.execute(text("insert into seeded values (42)"))
            connection.commit()
        copy = postgres_server.create_database("template_copy", template="template_source")
        with connect(copy) as connection:
            assert connection.execute(text("select id from seeded")).scalar_one() == 42
    finally:
        postgres_server.drop_database("template_copy")
        postgres_server.drop_database("template_source")


def test_dropping_closes_connections_a_test_left_open(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("left_open")
    engine = create_engine(url)
    try:
        leaked = engine.connect()
        postgres_server.drop_database("left_open")
        with connect(postgres_server.url("postgres")) as connection:
            names = connection.execute(text("select datname from pg_database")).scalars().all()
        assert "left_open" not in names
        leaked.invalidate()
    finally:
        engine.dispose()


def test_missing_binaries_say_how_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(PostgresServerError, match="make test") as raised:
        find_binaries(versioned_dirs=str(tmp_path / "*" / "bin"), path=str(tmp_path))

    assert SETUP_HINT in str(raised.value)
