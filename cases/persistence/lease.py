"""Which process runs the scheduler. On PostgreSQL, the one holding a session-level advisory
lock: the lock dies with its connection, so when the leader dies another process takes over
at its next check. On SQLite the desk is one process and simply leads."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

log = logging.getLogger(__name__)

# A fixed number naming "the icdesk scheduler" among the database's advisory locks.
SCHEDULER_LOCK = 0x1CDE5C


class AdvisoryLockLeader:
    def __init__(self, engine: Engine, key: int = SCHEDULER_LOCK) -> None:
        self._engine = engine
        self._key = key
        self._connection: Connection | None = None

    def is_leader(self) -> bool:
        """Whether this process leads now; tries to take the lead when nobody has it."""
        if self._engine.dialect.name != "postgresql":
            return True
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT 1"))
                return True
            except sa.exc.DBAPIError:
                log.warning("lost the scheduler lease with its database connection")
                self.release()
        connection = self._engine.connect()
        taken = bool(connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}).scalar())
        connection.commit()
        if taken:
            self._connection = connection
            log.info("this process now runs the scheduler")
        else:
            connection.close()
        return taken

    @property
    def holds_lead(self) -> bool:
        """Whether this process held the lead at its last check; asks nothing and takes nothing
        (the health check reads it, and must not itself take the lead)."""
        return self._engine.dialect.name != "postgresql" or self._connection is not None

    def anyone_leads(self) -> bool:
        """Whether some session of this database holds the lead (PostgreSQL's lock table; a
        bigint key is split into classid, the high half, and objid, the low half)."""
        if self._engine.dialect.name != "postgresql":
            return True
        query = sa.text(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint = :high AND objid::bigint = :low")
        with self._engine.connect() as connection:
            found = connection.execute(query, {"high": self._key >> 32, "low": self._key & 0xFFFFFFFF}).scalar()
        return bool(found)

    def release(self) -> None:
        """Give up the lead. The connection is discarded rather than returned to the pool,
        where it would keep holding the session-level lock."""
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
        except sa.exc.DBAPIError:
            log.debug("the lease connection was already gone")
        connection.invalidate()
        connection.close()
