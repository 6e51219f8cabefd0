"""`icdesk db backup` and `icdesk db restore`: a round trip on SQLite and on PostgreSQL gives
back the same cases and history; a database holding work is not overwritten unless forced."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from served import desk_env, icdesk
from servers.postgres import PostgresServer
from support import contract


@pytest.fixture
def second_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    name = f"test_{uuid.uuid4().hex[:16]}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


def _urls(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> tuple[str, str]:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'desk.db'}", f"sqlite:///{tmp_path / 'restored' / 'desk.db'}"
    return request.getfixturevalue("postgres_database_url"), request.getfixturevalue("second_postgres_url")


def _open_a_case(env: dict[str, str], tmp_path: Path) -> str:
    application = tmp_path / "application.json"
    application.write_text(json.dumps(contract()), encoding="utf-8")
    created = icdesk(env, tmp_path, "case", "new", "--from-json", str(application),
                     "--received-at", "2026-11-25T16:30:00-08:00", "--customer-class", "residential")
    assert created.returncode == 0, created.stderr
    noted = icdesk(env, tmp_path, "case", "note", "IC-2026-00001", "called the installer")
    assert noted.returncode == 0, noted.stderr
    return "IC-2026-00001"


def _show(env: dict[str, str], tmp_path: Path, number: str) -> object:
    shown = icdesk(env, tmp_path, "case", "show", number, "--json", "--history")
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_backup_then_restore_gives_back_the_same_desk(kind: str, tmp_path: Path,
                                                      request: pytest.FixtureRequest) -> None:
    source_url, target_url = _urls(kind, tmp_path, request)
    source = desk_env(tmp_path, source_url)
    number = _open_a_case(source, tmp_path)
    before = _show(source, tmp_path, number)
    file = tmp_path / "backups" / "desk.backup"

    made = icdesk(source, tmp_path, "db", "backup", str(file))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("backed up ")
    assert f"to {file} (" in made.stdout
    assert file.stat().st_size > 0
    assert file.stat().st_mode & 0o777 == 0o600  # every customer's data: the desk's user only
    assert not file.with_name("desk.backup.partial").exists()
    again = icdesk(source, tmp_path, "db", "backup", str(file))
    assert again.returncode == 1
    assert again.stderr.strip() == f"error: {file} already exists; give a new file name (a backup never overwrites one)"

    target = {**source, "ICDESK_DATABASE_URL": target_url}
    restored = icdesk(target, tmp_path, "db", "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.strip().endswith(", current")
    assert _show(target, tmp_path, number) == before

    # The original holds work: a restore over it is refused, then done when forced.
    icdesk(source, tmp_path, "case", "note", number, "a note after the backup")
    refused = icdesk(source, tmp_path, "db", "restore", str(file))
    assert refused.returncode == 1
    assert "already holds cases or mail" in refused.stderr
    assert "--force" in refused.stderr
    forced = icdesk(source, tmp_path, "db", "restore", str(file), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _show(source, tmp_path, number) == before


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    env = desk_env(tmp_path, f"sqlite:///{tmp_path / 'desk.db'}")
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database", encoding="utf-8")
    result = icdesk(env, tmp_path, "db", "restore", str(bogus))
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {bogus} is not an icdesk SQLite backup")
    missing = icdesk(env, tmp_path, "db", "restore", str(tmp_path / "nothing.db"))
    assert missing.stderr.strip() == f"error: there is no backup file {tmp_path / 'nothing.db'}"


def test_postgresql_backup_without_pg_dump_says_what_to_install(tmp_path: Path, postgres_database_url: str) -> None:
    env = {**desk_env(tmp_path, postgres_database_url), "PATH": str(tmp_path / "empty-bin")}
    result = icdesk(env, tmp_path, "db", "backup", str(tmp_path / "desk.backup"))
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: pg_dump is not on the PATH: install the PostgreSQL client")


def test_a_postgresql_backup_older_than_the_database_is_refused_over_it(tmp_path: Path, postgres_database_url: str,
                                                                        second_postgres_url: str) -> None:
    # As a backup made before a migration added a table: restored over the newer database,
    # the new table would stay behind, stale, and the next upgrade would fail on it.
    source = desk_env(tmp_path, postgres_database_url)
    _open_a_case(source, tmp_path)
    file = tmp_path / "desk.backup"
    assert icdesk(source, tmp_path, "db", "backup", str(file)).returncode == 0
    target = {**source, "ICDESK_DATABASE_URL": second_postgres_url}
    assert icdesk(target, tmp_path, "db", "upgrade").returncode == 0
    engine = sa.create_engine(second_postgres_url)
    with engine.begin() as connection:
        connection.execute(sa.text("CREATE TABLE added_by_a_later_migration (id integer)"))
    engine.dispose()

    refused = icdesk(target, tmp_path, "db", "restore", str(file), "--force")
    assert refused.returncode == 1
    assert "is from an older schema" in refused.stderr
    assert "added_by_a_later_migration" in refused.stderr
