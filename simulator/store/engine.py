"""Connecting: URLs, engines (SQLite pragmas, psycopg 3), and retries on a busy database.

A locked SQLite file or an unreachable PostgreSQL server is retried with
backoff for a few seconds, then becomes a :class:`StoreError` that names the
database (password hidden). Nothing is lost: a failed write was rolled back,
and the caller still holds the reply and may try again. Any other driver
error becomes a StoreError at once (:mod:`simulator.store.errors`).
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from simulator.i18n import Said
from simulator.paths import folder_problem
from simulator.store import errors
from simulator.store.base import StoreError
from simulator.store.errors import first_line

T = TypeVar("T")

DEFAULT_RETRY_S = 5.0
"""How long a busy or unreachable database is retried before giving up."""


SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
"""A name with one of these suffixes is a SQLite file even without a folder in it."""


def normalize_url(url: str, user: str | None = None) -> URL:
    """A SQLAlchemy URL: ``postgresql://`` gets the psycopg 3 driver; a file path is SQLite.

    A text without ``://`` must look like a path (a folder separator or ``~``,
    a SQLite suffix, or an existing file): a bare word such as ``garbage`` is
    refused rather than made into a new file in the current folder.
    In team mode ``user`` becomes the login role when the URL names none.
    """
    if "://" not in url:
        if not _looks_like_file(url):
            raise StoreError.of("not_a_url", text=repr(url))
        url = f"sqlite:///{Path(url).expanduser()}"
    try:
        parsed = make_url(url)
    except exc.ArgumentError as e:
        raise StoreError.of("bad_url", url=repr(hide_password(url))) from e
    backend = parsed.get_backend_name()
    if backend in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
        if user and not parsed.username:
            parsed = parsed.set(username=user)
        elif user and parsed.username != user:
            raise StoreError.of("other_login", login=repr(parsed.username), user=repr(user))
    elif backend == "sqlite":
        parsed = parsed.set(drivername="sqlite+pysqlite")
        if parsed.database in (None, "", ":memory:"):
            raise StoreError.of("in_memory")
    else:
        raise StoreError.of("unsupported", url=repr(hide_password(url)))
    return parsed


def _looks_like_file(text: str) -> bool:
    seps = tuple(sep for sep in ("/", os.sep, os.altsep) if sep)
    return bool(text.strip()) and (
        any(sep in text for sep in seps)
        or text.startswith("~")
        or text.lower().endswith(SQLITE_SUFFIXES)
        or Path(text).is_file()
    )


def sqlite_file(url: URL) -> Path:
    """The file of a SQLite URL (``~`` expanded)."""
    return Path(str(url.database)).expanduser()


def check_sqlite_file(url: URL, *, create: bool) -> None:
    """Refuse a SQLite file that cannot be, or (``create=False``) is not yet, a database.

    Its folder must exist: a typo or an unmounted drive is an error, not a new
    folder and an empty database somewhere else. Without ``create`` the file must
    exist too, so a read-only command never leaves an empty database behind.
    """
    path = sqlite_file(url)
    folder = path.parent
    if folder_problem(folder) is not None:
        why = Said("store.folder.is_file" if folder.exists() else "store.folder.missing")
        raise StoreError.of("no_folder", path=str(path), folder=str(folder), why=why)
    if not create and not path.exists():
        raise StoreError.of("no_database", path=str(path))


def hide_password(url: str | URL) -> str:
    """The URL as text with any password replaced by ``***``."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except exc.ArgumentError:
        return "<database URL>"
    return parsed.render_as_string(hide_password=True)


def describe(url: URL) -> str:
    """How a message names the database: the SQLite file, or the URL without password."""
    if url.get_backend_name() == "sqlite":
        return str(url.database)
    return url.set(drivername="postgresql").render_as_string(hide_password=True)


def make_engine(url: URL, retry_s: float = DEFAULT_RETRY_S) -> Engine:
    """An engine with WAL, busy timeout and foreign keys (SQLite) or a short connect timeout."""
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url, retry_s)
    # A lock held elsewhere (say, a long pg_dump or an admin's ALTER TABLE) fails the
    # statement after lock_timeout, and the Retrier tries again until retry_s is spent.
    lock_ms = int(max(100, min(retry_s / 4, 1.0) * 1000))
    return sa.create_engine(
        url,
        pool_pre_ping=True,
        pool_size=2,
        max_overflow=4,
        connect_args={
            "connect_timeout": max(1, int(min(retry_s, 5))),
            "application_name": "kefu",
            "options": f"-c lock_timeout={lock_ms}",
        },
    )


def _sqlite_engine(url: URL, retry_s: float) -> Engine:
    busy_ms = int(max(50, min(retry_s, 1.0) * 1000))
    engine = sa.create_engine(
        url,
        # autocommit at the driver level: BEGIN is ours (below), so writes can be IMMEDIATE.
        connect_args={
            "isolation_level": None,
            "check_same_thread": False,
            "timeout": busy_ms / 1000,
        },
        pool_size=2,
        max_overflow=4,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cur.execute("PRAGMA foreign_keys = ON")
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("kefu_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def is_transient(error: BaseException) -> bool:
    """A busy/locked SQLite file, a lost or refused PostgreSQL connection, a serialization clash."""
    orig = getattr(error, "orig", error)
    if isinstance(orig, sqlite3.OperationalError):
        text = str(orig).lower()
        return "locked" in text or "busy" in text
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    if isinstance(orig, psycopg.errors.InsufficientPrivilege | psycopg.errors.RaiseException):
        return False
    if getattr(orig, "sqlstate", None) in FATAL_SQLSTATES:
        return False
    line = first_line(error)
    if line.startswith("kefu: ") or any(text in line for text in FATAL_CONNECT):
        return False
    return isinstance(orig, psycopg.OperationalError)


FATAL_SQLSTATES = frozenset({"28000", "28P01", "3D000", "42501"})
"""Retrying cannot help: bad login or password, no such database, no privilege."""
FATAL_CONNECT = ("does not exist", "authentication failed", "no pg_hba.conf entry")
"""The same, as libpq words it when connecting (no SQLSTATE is available then)."""


def is_locked(error: BaseException) -> bool:
    """A lock wait gave up: SQLite busy, or PostgreSQL lock_timeout / deadlock."""
    orig = getattr(error, "orig", error)
    if isinstance(orig, sqlite3.OperationalError):
        return True
    return getattr(orig, "sqlstate", None) in ("55P03", "40P01", "40001")


class FileWatch:
    """The SQLite file a store opened, to notice it deleted or replaced under it.

    SQLite keeps writing to an open file after ``rm`` (to a file no folder
    names any more, gone when closed) and a new connection would start an
    empty database at the path: either way the work would be lost while
    seeming saved. So before each unit of work the path must still be the
    same file (device and inode) as at opening.
    """

    def __init__(self, path: Path, where: str) -> None:
        self.path = path
        self.where = where
        self.identity = self._identity()

    def _identity(self) -> tuple[int, int] | None:
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (found.st_dev, found.st_ino)

    def check(self) -> None:
        """StoreError (no retry) if the file is no longer the one opened."""
        if self._identity() != self.identity:
            raise StoreError.of("file_gone", where=self.where)


class Retrier:
    """Runs a unit of work in a transaction, retrying while the database is busy."""

    def __init__(
        self,
        engine: Engine,
        where: str,
        retry_s: float = DEFAULT_RETRY_S,
        file: Path | None = None,
        watch: FileWatch | None = None,
    ) -> None:
        self.engine = engine
        self.where = where
        self.retry_s = retry_s
        self.file = file  # the SQLite file, for what a read-only one says
        self.watch = watch  # the SQLite file must stay the one opened

    def run(self, work: Callable[[Connection], T], *, write: bool = False) -> T:
        """``work(conn)`` inside one transaction; committed when this returns."""
        if self.watch is not None:
            self.watch.check()
        deadline = time.monotonic() + self.retry_s
        delay = 0.05
        while True:
            try:
                with self.engine.connect() as conn:
                    if write:
                        conn = conn.execution_options(kefu_write=True)
                    with conn.begin():
                        return work(conn)
            except exc.DBAPIError as e:
                if not is_transient(e):
                    raise self.translate(e) from None
                left = deadline - time.monotonic()
                if left <= 0:
                    raise self.unavailable(e) from None
                # jittered exponential back-off, the last sleep ending at the deadline
                time.sleep(min(delay * (0.5 + random.random()), left))
                delay = min(delay * 2, 1.0)

    def translate(self, error: exc.DBAPIError) -> StoreError:
        """A driver error as a StoreError a person can read (see :mod:`.errors`)."""
        return errors.translate(error, self.where, self.file)

    def unavailable(self, error: exc.DBAPIError) -> StoreError:
        """The message after the last retry."""
        return errors.gave_up(error, self.where, self.retry_s, locked=is_locked(error))
