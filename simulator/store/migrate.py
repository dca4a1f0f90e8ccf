"""Schema migrations with Alembic, run from code (no alembic.ini needed, works from a wheel).

On open the database's revision is compared with the newest one this code
knows: newer means a newer kefu wrote it (StoreError, never a guess); older
means upgrade, announced in one line (hookable: the TUI shows it instead).
The check reads ``alembic_version`` with plain SQL against :data:`REVISIONS`
(a test keeps that list equal to the migration files): Alembic, with Mako
and Pygments behind it, costs about a second to import, so it is loaded only
when there is something to upgrade.
Concurrent first starts are serialized: SQLite by ``BEGIN IMMEDIATE``,
PostgreSQL by an advisory lock, and the revision is re-read under the lock.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator.store.base import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

REVISIONS = ("0001", "0002", "0003")
"""Every revision in migrations/versions, oldest first; the last is the head."""
HEAD = REVISIONS[-1]
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK = 0x6B656675  # "kefu"

Announce = Callable[[str], None]


def stderr_announce(message: str) -> None:
    """The default announcer: one line on stderr."""
    print(message, file=sys.stderr, flush=True)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest schema revision in the migration files (imports Alembic)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    """The database's schema revision (None for an empty database)."""
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    rows = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    if len(rows) > 1:
        raise StoreError.of("several_revisions", revisions=str(sorted(rows)))
    return rows[0] if rows else None


def check(conn: Connection, where: str) -> str | None:
    """The revision to upgrade to, or None if current; StoreError if the DB is newer."""
    current = current_revision(conn)
    if current == HEAD:
        return None
    if current is not None and current not in REVISIONS:
        raise StoreError.of("newer_schema", where=where, revision=current, head=HEAD)
    return HEAD


def upgrade(conn: Connection, target: str, announce: Announce | None) -> None:
    """Run the migrations up to ``target`` inside ``conn``'s transaction."""
    from alembic import command

    (announce or stderr_announce)(f"kefu: upgrading the database schema to {target}…")
    command.upgrade(alembic_config(conn), target)


def lock_for_migration(conn: Connection) -> None:
    """Serialize concurrent migrations (SQLite already holds a write lock)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK})")
