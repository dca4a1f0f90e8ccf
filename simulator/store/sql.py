"""The SQL store (SQLAlchemy Core): one class for a SQLite file and a PostgreSQL server.

The pieces live in mixins: :mod:`~simulator.store.attempts` (sessions, drill,
settings), :mod:`~simulator.store.people` (users, groups, assignments,
overrides), :mod:`~simulator.store.papers` (published scenarios) and
:mod:`~simulator.store.transfer` (export, import, backup).
:func:`open_store` connects, checks the schema revision and migrates.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from simulator.store import migrate as mig
from simulator.store.attempts import AttemptsMixin
from simulator.store.base import StoreError, StorePermissionError
from simulator.store.engine import (
    DEFAULT_RETRY_S,
    Retrier,
    check_sqlite_file,
    describe,
    make_engine,
    normalize_url,
    sqlite_file,
)
from simulator.store.papers import PapersMixin
from simulator.store.people import PeopleMixin
from simulator.store.transfer import TransferMixin


class SqlStore(AttemptsMixin, PeopleMixin, PapersMixin, TransferMixin):
    """The :class:`~simulator.store.base.Store` over SQLAlchemy Core."""


def open_store(
    url: str | None = None,
    *,
    user: str | None = None,
    migrate: bool = True,
    announce: mig.Announce | None = None,
    retry_s: float = DEFAULT_RETRY_S,
    create: bool = True,
) -> SqlStore:
    """Open (creating and migrating if needed) the database at ``url``.

    ``url``: a SQLite URL or path, or ``postgresql://`` (team mode); default
    :func:`simulator.paths.database_url`. ``user``: the local user name (SQLite)
    or the login role when the PostgreSQL URL names none. ``announce`` gets the
    one-line "upgrading the schema" message (default: stderr). ``retry_s``: how
    long a locked or unreachable database is retried before a StoreError.
    ``create``: a SQLite file that does not exist yet becomes a new database
    (its folder must exist either way); without it that is a StoreError.
    """
    if url is None:
        from simulator.paths import database_url

        url = database_url()
    parsed = normalize_url(url, user)
    file = None
    if parsed.get_backend_name() == "sqlite":
        check_sqlite_file(parsed, create=create)
        file = sqlite_file(parsed)
    where = describe(parsed)
    engine = make_engine(parsed, retry_s)
    try:
        _prepare_schema(Retrier(engine, where, retry_s, file), where, migrate, announce)
    except StorePermissionError as e:
        engine.dispose()
        if "alembic_version" not in str(e):
            raise
        who = parsed.username or "you"
        raise StorePermissionError.of("not_a_person", name=who, where=where) from None
    except BaseException:
        engine.dispose()
        raise
    local_user = user if file is not None else None
    return SqlStore(engine, where=where, user=local_user, retry_s=retry_s, file=file)


def _prepare_schema(
    retrier: Retrier, where: str, migrate: bool, announce: mig.Announce | None
) -> None:
    target = retrier.run(lambda conn: mig.check(conn, where))
    if target is None:
        return
    if not migrate:
        raise StoreError.of("needs_upgrade", where=where, target=target)

    def work(conn: Connection) -> None:
        mig.lock_for_migration(conn)
        again = mig.check(conn, where)  # another process may have just done it
        if again is not None:
            mig.upgrade(conn, again, announce)

    try:
        retrier.run(work, write=True)
    except StorePermissionError as e:
        if e.key == "store.group_role_missing":
            raise
        raise StorePermissionError.of(
            "owner_upgrades", where=where, target=target, error=e
        ) from None
