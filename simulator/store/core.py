"""The shared base of the SQL store: engine, retries, the current user, row conversion."""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine, Row

from simulator.store import schema as t
from simulator.store.base import (
    ALL,
    ROLES,
    Assignment,
    Attempt,
    Override,
    Reply,
    Role,
    Store,
    StoreError,
    User,
)
from simulator.store.engine import FileWatch, Retrier

T = TypeVar("T")


def now() -> float:
    """POSIX seconds, the store's clock."""
    return time.time()


def local_login(explicit: str | None) -> str:
    """The local user's name: ``explicit``, else the OS login, else ``me``."""
    if explicit:
        return explicit
    try:
        return getpass.getuser() or "me"
    except (KeyError, OSError):  # no passwd entry, no LOGNAME: containers, services
        return "me"


class SqlCore(Store):
    """Engine, retrying transactions and the caller's identity, shared by the mixins."""

    def __init__(
        self,
        engine: Engine,
        *,
        where: str,
        user: str | None = None,
        retry_s: float = 5.0,
        file: Path | None = None,
    ) -> None:
        self.engine = engine
        self.url = where
        self.backend = cast(Literal["sqlite", "postgresql"], engine.dialect.name)
        # the file exists now (open_store made it): from here on it must stay the same one
        watch = FileWatch(file, where) if file is not None else None
        self._retrier = Retrier(engine, where, retry_s, file, watch)
        self._login = user
        self._me: User | None = None

    # -- plumbing -------------------------------------------------------
    def _read(self, work: Callable[[Connection], T]) -> T:
        return self._retrier.run(work)

    def _write(self, work: Callable[[Connection], T]) -> T:
        return self._retrier.run(work, write=True)

    @property
    def team(self) -> bool:
        """True on PostgreSQL: identities and permissions come from the database."""
        return self.backend == "postgresql"

    def _upsert(
        self, conn: Connection, table: sa.Table, values: Mapping[str, Any], keys: Sequence[str]
    ) -> None:
        dialect = postgresql if self.team else sqlite
        stmt = dialect.insert(table).values(**values)
        updates = {k: stmt.excluded[k] for k in values if k not in keys}
        conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=updates))

    @staticmethod
    def _new_id(result: sa.CursorResult[Any]) -> int:
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    # -- who am I -------------------------------------------------------
    def current_user(self) -> User:
        """Local: the ``user`` given to open_store or the OS login (a trainee when new).

        Team: the database role this connection logged in as; its kefu role is
        the ``users`` row, registered from the role's membership on first use.

        Finding out is a read: only a newcomer's registration writes, so a
        database that cannot be written now (read-only, or another program
        writing) is still read. A newcomer on a read-only SQLite file is an
        unregistered trainee (the next write says the file is read-only).
        """
        if self._me is None:
            known = self._read(self._whoami)
            self._me = known if known is not None else self._register()
        return self._me

    def _whoami(self, conn: Connection) -> User | None:
        name = self._session_user(conn) if self.team else local_login(self._login)
        return self._load_user(conn, name)

    @staticmethod
    def _session_user(conn: Connection) -> str:
        return str(conn.execute(sa.text("SELECT session_user")).scalar_one())

    def _register(self) -> User:
        if self.team:
            return self._write(self._register_pg)
        name = local_login(self._login)
        try:
            return self._write(lambda conn: self._register_local(conn, name))
        except StoreError as e:
            if e.key in ("store.read_only", "store.cannot_open_read_only"):
                return User(name=name)
            raise

    def _register_local(self, conn: Connection, name: str) -> User:
        user = self._load_user(conn, name)  # registered meanwhile by another program?
        if user is None:
            self._insert_user(conn, name, "trainee", "")
            user = User(name=name)
        return user

    def _register_pg(self, conn: Connection) -> User:
        name = self._session_user(conn)
        conn.execute(sa.text("SELECT kefu_register_self()"))
        user = self._load_user(conn, name)
        if user is None:  # pragma: no cover - the function always inserts
            raise StoreError.of("not_registered", name=name, where=self.url)
        return user

    def actor(self) -> str:
        """Who runs a supervisor command, for the audit columns (``by``, ``created_by``).

        Team: the login role. Local: the ``user`` given to open_store (``--as``)
        or the OS login, looked up but never registered: only the trainee's app
        registers a newcomer (as a trainee, through :meth:`current_user`).
        """
        return self.current_user().name if self.team else local_login(self._login)

    def _me_name(self, user: str | None) -> str:
        return self.current_user().name if user is None else user

    def _insert_user(self, conn: Connection, name: str, role: Role, display: str) -> None:
        conn.execute(
            sa.insert(t.users).values(name=name, role=role, display=display, created_at=now())
        )

    def _load_user(self, conn: Connection, name: str) -> User | None:
        row = conn.execute(sa.select(t.users).where(t.users.c.name == name)).first()
        if row is None:
            return None
        groups = conn.execute(
            sa.select(t.memberships.c.group_name)
            .where(t.memberships.c.user_name == name)
            .order_by(t.memberships.c.group_name)
        ).scalars()
        return User(row.name, row.role, row.display, tuple(groups))

    @staticmethod
    def _check_role(role: str) -> Role:
        if role not in ROLES:
            raise StoreError.of("unknown_role", role=repr(role), roles=", ".join(ROLES))
        return cast(Role, role)

    @staticmethod
    def _user_filter(column: sa.ColumnElement[Any], user: str) -> sa.ColumnElement[bool]:
        return sa.true() if user == ALL else column == user

    # -- rows -----------------------------------------------------------
    @staticmethod
    def _attempt(row: Row[Any], replies: Iterable[Reply] = (), overridden: bool = False) -> Attempt:
        return Attempt(
            id=row.id,
            user=row.user_name,
            scenario_id=row.scenario_id,
            mode=row.mode,
            seed=row.seed,
            started_at=row.started_at,
            status=row.status,
            assignment_id=row.assignment_id,
            finished_at=row.finished_at,
            score=row.score,
            ending=row.ending,
            criteria=row.criteria or {},
            result=row.result or {},
            replies=tuple(replies),
            hints_used=row.hints_used,
            overridden=overridden,
        )

    @staticmethod
    def _assignment(row: Row[Any]) -> Assignment:
        return Assignment(
            id=row.id,
            set_id=row.set_id,
            assignee=row.assignee,
            mode=row.mode,
            pass_mark=row.pass_mark,
            due=row.due,
            attempts_allowed=row.attempts_allowed,
            time_limit_s=row.time_limit_s,
            created_by=row.created_by,
            created_at=row.created_at,
        )

    @staticmethod
    def _override(row: Row[Any]) -> Override:
        return Override(
            attempt_id=row.attempt_id,
            by=row.by,
            old_score=row.old_score,
            new_score=row.new_score,
            reason=row.reason,
            at=row.at,
        )

    def _replies_of(self, conn: Connection, ids: Sequence[int]) -> dict[int, list[Reply]]:
        out: dict[int, list[Reply]] = {i: [] for i in ids}
        for chunk in range(0, len(ids), 500):
            rows = conn.execute(
                sa.select(t.replies)
                .where(t.replies.c.attempt_id.in_(ids[chunk : chunk + 500]))
                .order_by(t.replies.c.attempt_id, t.replies.c.step)
            )
            for r in rows:
                out[r.attempt_id].append(Reply(r.step, r.text, r.at))
        return out

    def _overridden_of(self, conn: Connection, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` carry a score override (the caller may read their trails)."""
        o = t.score_overrides.c
        out: set[int] = set()
        for chunk in range(0, len(ids), 500):
            query = sa.select(o.attempt_id).where(o.attempt_id.in_(ids[chunk : chunk + 500]))
            out.update(conn.execute(query.distinct()).scalars())
        return out

    def _attempts_of(self, conn: Connection, rows: Sequence[Row[Any]]) -> list[Attempt]:
        """Attempts of ``rows`` with their replies and whether a supervisor overrode them."""
        ids = [r.id for r in rows]
        replies, overridden = self._replies_of(conn, ids), self._overridden_of(conn, ids)
        return [self._attempt(r, replies[r.id], r.id in overridden) for r in rows]
