"""Schema migrations (Alembic), driven from code so no alembic.ini is needed at run time."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

_SCRIPTS = Path(__file__).with_name("migrations")


class SchemaState(Enum):
    """Where a database stands against this version's migrations."""

    FRESH = "fresh"
    CURRENT = "current"
    BEHIND = "behind"
    UNKNOWN = "unknown"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def head_revision() -> str:
    """The newest migration this version of icdesk knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migration scripts found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at, or None when it is empty."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_state(engine: Engine) -> SchemaState:
    """Whether the database is empty, up to date, behind, or at a revision we do not know."""
    current = current_revision(engine)
    if current is None:
        return SchemaState.FRESH
    if current == head_revision():
        return SchemaState.CURRENT
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    return SchemaState.BEHIND if current in known else SchemaState.UNKNOWN


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Create or migrate the schema to `revision`, in one transaction where the database allows."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to `revision` (`base` empties the database)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def revision(engine: Engine, message: str) -> None:
    """Write a new migration script by comparing the tables with the database (developers)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
