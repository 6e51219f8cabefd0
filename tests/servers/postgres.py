"""A throwaway PostgreSQL cluster on loopback for the test session.

initdb and postgres refuse to run as root, so as root every server command runs as the
unprivileged `postgres` user (through `runuser`) in a temporary directory that user owns.
Durability is switched off (fsync, synchronous commit, full page writes): the cluster is
thrown away at the end of the session and is much faster without it.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

SERVER_USER = "postgres"
"""The unprivileged OS user that runs the server when the tests run as root."""

SUPERUSER = "postgres"
"""The database superuser initdb creates; trust authentication, so no password."""

VERSIONED_BIN_DIRS = "/usr/lib/postgresql/*/bin"
SETUP_HINT = "run `make test` (it prepares the machine), or as root `bash scripts/setup-system.sh`"
_LOG_TAIL_LINES = 40
_START_ATTEMPTS = 3


class PostgresServerError(RuntimeError):
    """The test PostgreSQL server could not be found, started or used."""


@dataclass(frozen=True)
class PostgresBinaries:
    initdb: Path
    pg_ctl: Path


def find_binaries(
    versioned_dirs: str = VERSIONED_BIN_DIRS, path: str | None = None
) -> PostgresBinaries:
    """initdb and pg_ctl from the highest Debian versioned directory, else from PATH."""
    candidates = [Path(found) for found in glob.glob(versioned_dirs)]
    for bin_dir in sorted(candidates, key=_version_key, reverse=True):
        initdb, pg_ctl = bin_dir / "initdb", bin_dir / "pg_ctl"
        if _is_executable(initdb) and _is_executable(pg_ctl):
            return PostgresBinaries(initdb=initdb, pg_ctl=pg_ctl)
    initdb_on_path = shutil.which("initdb", path=path)
    pg_ctl_on_path = shutil.which("pg_ctl", path=path)
    if initdb_on_path and pg_ctl_on_path:
        return PostgresBinaries(initdb=Path(initdb_on_path), pg_ctl=Path(pg_ctl_on_path))
    raise PostgresServerError(
        f"PostgreSQL server binaries (initdb, pg_ctl) not found in {versioned_dirs} "
        f"nor on PATH: {SETUP_HINT}"
    )


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    version = bin_dir.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """One PostgreSQL cluster in a temporary directory, listening on 127.0.0.1 only."""

    def __init__(self, binaries: PostgresBinaries | None = None) -> None:
        self._binaries = binaries
        self._as_root = os.geteuid() == 0
        self._base_dir: Path | None = None
        self._port: int | None = None
        self._running = False

    @property
    def port(self) -> int:
        if self._port is None or not self._running:
            raise PostgresServerError("the PostgreSQL test server is not running")
        return self._port

    def start(self) -> None:
        """initdb a fresh cluster and start it; raises with the server log's tail on failure."""
        if self._running:
            return
        binaries = self._binaries = self._binaries or find_binaries()
        self._base_dir = self._make_base_dir()
        # Belt and braces: a session that dies before its fixture finalizer leaves no server.
        atexit.register(self.stop)
        try:
            self._init_and_start(binaries)
        except BaseException:
            self.stop()
            raise
        self._running = True

    def _init_and_start(self, binaries: PostgresBinaries) -> None:
        assert self._base_dir is not None
        data_dir = self._base_dir / "data"
        self._run(
            [
                str(binaries.initdb),
                "--pgdata",
                str(data_dir),
                "--username",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                # The cluster is thrown away; syncing its files to disk only costs time.
                "--no-sync",
            ],
            what="initdb",
        )
        for attempt in range(1, _START_ATTEMPTS + 1):
            # The free port is found by binding port 0 and closing: another process may take
            # it before postgres binds it, so a failed bind is retried on a new port.
            self._port = _free_port()
            try:
                self._pg_ctl_start(binaries.pg_ctl, data_dir)
            except PostgresServerError as error:
                if attempt == _START_ATTEMPTS or "could not bind" not in str(error):
                    raise
            else:
                return

    def stop(self) -> None:
        """Stop the server at once (no checkpoint: nothing is kept) and remove its files."""
        if self._base_dir is None or self._binaries is None:
            return
        data_dir = self._base_dir / "data"
        if (data_dir / "postmaster.pid").exists():
            # Best effort: a server that already died leaves nothing to stop.
            self._run(
                [
                    str(self._binaries.pg_ctl),
                    "--pgdata",
                    str(data_dir),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
                what="pg_ctl stop",
                check=False,
            )
        shutil.rmtree(self._base_dir, ignore_errors=True)
        self._base_dir = None
        self._running = False
        atexit.unregister(self.stop)

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of database `dbname` on this server (psycopg 3 driver)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create database `name` (copied from `template` if given) and return its URL."""
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template is not None:
            statement = sql.SQL("{} TEMPLATE {}").format(statement, sql.Identifier(template))
        self._execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database `name`, closing any connection a test left open to it."""
        self._execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def _execute(self, statement: sql.Composed) -> None:
        # CREATE and DROP DATABASE cannot run inside a transaction block.
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        ) as connection:
            connection.execute(statement)

    def _make_base_dir(self) -> Path:
        if not self._as_root:
            return Path(tempfile.mkdtemp(prefix="icdesk-pg-"))
        try:
            server_user = pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise PostgresServerError(
                f"running as root, the test PostgreSQL server needs the unprivileged user "
                f"{SERVER_USER!r}, which does not exist: {SETUP_HINT}"
            ) from None
        # /tmp, not $TMPDIR: the server user must be able to reach the directory.
        base_dir = Path(tempfile.mkdtemp(prefix="icdesk-pg-", dir="/tmp"))
        os.chown(base_dir, server_user.pw_uid, server_user.pw_gid)
        return base_dir

    def _pg_ctl_start(self, pg_ctl: Path, data_dir: Path) -> None:
        assert self._base_dir is not None
        log_path = self._base_dir / "server.log"
        log_path.unlink(missing_ok=True)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self._port} -k {self._base_dir} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        try:
            self._run(
                [
                    str(pg_ctl),
                    "--pgdata",
                    str(data_dir),
                    "--log",
                    str(log_path),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    options,
                    "start",
                ],
                what="pg_ctl start",
            )
        except PostgresServerError as error:
            raise PostgresServerError(f"{error}\n{self._log_tail(log_path)}") from None

    def _run(self, argv: list[str], what: str, check: bool = True) -> None:
        if self._as_root:
            argv = ["runuser", "-u", SERVER_USER, "--", *argv]
        # The server user may not be able to enter the caller's working directory.
        result = subprocess.run(
            argv, cwd=self._base_dir, capture_output=True, text=True, check=False, timeout=120
        )
        if check and result.returncode != 0:
            output = (result.stdout + result.stderr).strip()
            raise PostgresServerError(
                f"{what} failed with exit status {result.returncode}: {shlex.join(argv)}\n{output}"
            )

    @staticmethod
    def _log_tail(log_path: Path) -> str:
        try:
            lines = log_path.read_text(errors="replace").splitlines()
        except OSError:
            return f"(no server log at {log_path})"
        tail = "\n".join(lines[-_LOG_TAIL_LINES:])
        return f"last lines of the server log {log_path}:\n{tail}"
