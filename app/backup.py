"""Backing up and restoring the desk's database.

SQLite through its online backup API: a consistent copy while the desk keeps running.
PostgreSQL through `pg_dump`/`pg_restore` in their custom format, restored in one transaction.
A backup is written beside its final name and renamed when complete, so a failed backup never
leaves a file that looks whole; a restore refuses a database that already holds work unless
forced, and says where the schema stands afterwards."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Sequence
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine, make_url

from cases.errors import DeskError
from cases.persistence.database import create_database_engine
from cases.persistence.migrate import SchemaState, current_revision, head_revision, schema_state

# Tables whose rows are the desk's work: a database with none in any of them may be overwritten.
_WORK_TABLES = ("cases", "inbound_messages", "outbox")


def holds_work(engine: Engine) -> bool:
    """Whether the database has any case, logged message or queued notification."""
    present = set(sa.inspect(engine).get_table_names())
    with engine.connect() as connection:
        for table in _WORK_TABLES:
            if table in present and connection.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first():  # noqa: S608 - fixed names
                return True
    return False


def _partial(path: Path) -> Path:
    return path.with_name(path.name + ".partial")


def _refuse_existing(path: Path) -> None:
    if path.exists():
        raise DeskError(f"{path} already exists; give a new file name (a backup never overwrites one)")
    path.parent.mkdir(parents=True, exist_ok=True)


def _sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise DeskError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_revision(path: Path) -> str | None:
    """The schema revision a SQLite file is at, or None when it has none; refuses a file that
    is not an SQLite database."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return None if row is None else str(row[0])
    except sqlite3.DatabaseError as error:
        raise DeskError(f"{path} is not an icdesk SQLite backup ({error})") from None
    finally:
        connection.close()


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy page by page with SQLite's backup API (readers and writers may carry on)."""
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writing = sqlite3.connect(target)
    try:
        reading.backup(writing)
        check = writing.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise DeskError(f"the copy in {target} failed SQLite's check: {check}")
    finally:
        writing.close()
        reading.close()


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DeskError(f"{name} is not on the PATH: install the PostgreSQL client tools of the server's version "
                        "(Debian: postgresql-client-15)")
    return found


def _pg_run(arguments: Sequence[str], url: URL) -> str:
    """Run a PostgreSQL client tool and return what it printed; the password travels in the
    environment, not argv."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    result = subprocess.run(list(arguments), env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        raise DeskError(f"{Path(arguments[0]).name} failed: {reason}")
    return result.stdout


def _libpq_url(url: URL) -> str:
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def backup(database_url: str, path: Path) -> str:
    """Write a backup of the database to `path`; returns what was done, in words."""
    url = make_url(database_url)
    _refuse_existing(path)
    partial = _partial(path)
    partial.unlink(missing_ok=True)
    # The backup holds every customer's data: readable by the desk's user only, from the start.
    partial.touch(mode=0o600)
    try:
        if url.get_backend_name() == "sqlite":
            source = _sqlite_path(url)
            if not source.exists():
                raise DeskError(f"there is no database at {source} to back up")
            _sqlite_copy(source, partial)
            revision = _sqlite_revision(partial)
        else:
            _pg_run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", _libpq_url(url)], url)
            engine = create_database_engine(url)
            try:
                revision = current_revision(engine)
            finally:
                engine.dispose()
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return f"backed up {url.render_as_string()} to {path} ({path.stat().st_size:,} bytes, schema {revision})"


def _after_restore(engine: Engine) -> str:
    state = schema_state(engine)
    revision = current_revision(engine)
    if state == SchemaState.CURRENT:
        return f"schema at {revision}, current"
    if state == SchemaState.BEHIND:
        return f"schema at {revision}, older than this icdesk ({head_revision()}): run `icdesk db upgrade`"
    if state == SchemaState.FRESH:
        raise DeskError("the restored database has no schema: was the file an icdesk backup?")
    raise DeskError(f"the restored database is at schema {revision}, newer than this icdesk: upgrade icdesk")


def _refuse_newer_tables(engine: Engine, path: Path, url: URL) -> None:
    """`pg_restore --clean` drops only what the dump holds: tables a newer schema added would
    stay behind, stale, and the next `db upgrade` would fail on them."""
    listing = _pg_run([_pg_tool("pg_restore"), "--list", str(path)], url)
    in_dump = set()
    for line in listing.splitlines():
        words = line.split()
        if not line.startswith(";") and "TABLE" in words and words[words.index("TABLE") + 1:][:1] == ["public"]:
            in_dump.add(words[words.index("TABLE") + 2])
    extra = sorted(set(sa.inspect(engine).get_table_names()) - in_dump)
    if extra:
        raise DeskError(f"{path} is from an older schema than {url.render_as_string()} (it has no "
                        f"{', '.join(extra)}): restore it into an empty database, then run `icdesk db upgrade`")


def restore(database_url: str, path: Path, *, force: bool = False) -> str:
    """Replace the database's content with the backup in `path`; refuses a database that holds
    work unless `force`. Returns what was done and where the schema stands."""
    url = make_url(database_url)
    if not path.is_file():
        raise DeskError(f"there is no backup file {path}")
    if url.get_backend_name() == "sqlite":
        target = _sqlite_path(url)
        if _sqlite_revision(path) is None:
            raise DeskError(f"{path} holds no icdesk schema; it is not a backup of this desk")
    engine = create_database_engine(url)
    try:
        if not force and holds_work(engine):
            raise DeskError(f"{url.render_as_string()} already holds cases or mail; restore into an empty "
                            "database, or add --force to replace what it holds")
        if url.get_backend_name() == "sqlite":
            engine.dispose()  # no pooled connection may hold the file while its pages are replaced
            _sqlite_copy(path, target)
        else:
            _refuse_newer_tables(engine, path, url)
            # --clean drops what the dump recreates; one transaction: all of it or none.
            _pg_run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
                     "--exit-on-error", f"--dbname={_libpq_url(url)}", str(path)], url)
        state = _after_restore(engine)
    finally:
        engine.dispose()
    return f"restored {path} into {url.render_as_string()}; {state}"
