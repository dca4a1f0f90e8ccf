"""Schema migrations with Alembic, run from code (no alembic.ini needed, works from a wheel).

On open the database's revision is compared with the newest one this code
knows: newer means a newer kefu wrote it (StoreError, never a guess); older
means upgrade, announced in one line (hookable: the TUI shows it instead).
Concurrent first starts are serialized: SQLite by ``BEGIN IMMEDIATE``,
PostgreSQL by an advisory lock, and the revision is re-read under the lock.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from simulator.store.base import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK = 0x6B656675  # "kefu"

Announce = Callable[[str], None]


def stderr_announce(message: str) -> None:
    """The default announcer: one line on stderr."""
    print(message, file=sys.stderr, flush=True)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    """The database's schema revision (None for an empty database)."""
    return MigrationContext.configure(conn).get_current_revision()


def check(conn: Connection, where: str) -> str | None:
    """The revision to upgrade to, or None if current; StoreError if the DB is newer."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    current = current_revision(conn)
    if current == head:
        return None
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(
            f"kefu: the database {where} has schema revision {current}, newer than this "
            f"kefu knows (newest {head}); upgrade kefu-trainer to use it"
        )
    return head


def upgrade(conn: Connection, target: str, announce: Announce | None) -> None:
    """Run the migrations up to ``target`` inside ``conn``'s transaction."""
    (announce or stderr_announce)(f"kefu: upgrading the database schema to {target}…")
    command.upgrade(alembic_config(conn), target)


def lock_for_migration(conn: Connection) -> None:
    """Serialize concurrent migrations (SQLite already holds a write lock)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})")
