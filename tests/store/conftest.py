"""Fixtures: a fresh database per test on each backend, and stores opened as given people.

``db`` is a :class:`Db`: its ``url`` and ``store_as(name, role)``, which
registers the person (an admin's job) and opens a store as them: on SQLite
the ``user`` of the file, on PostgreSQL a real login role of the server.

On PostgreSQL the admin is ``boss``, a login role with CREATEROLE (not a
superuser) that owns the test's database, as in the team-mode guide: the
migrations run as boss, and every other person is a role boss created.
The PostgreSQL tests skip only when the server binaries are absent (fail
then with ``KEFU_REQUIRE_PG=1``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from simulator.store import Role, SqlStore, open_store
from tests.pg import PgServer, pg_server  # noqa: F401  (a session fixture)

BACKENDS = ["sqlite", "postgres"]
ADMIN = "boss"


class Db:
    """One empty, migrated database of one backend for one test."""

    def __init__(self, backend: str, url: str, admin_url: str, fresh: Callable[[], Db]) -> None:
        self.backend = backend
        self._fresh = fresh
        self.url = url
        self.admin_url = admin_url
        self._stores: list[SqlStore] = []
        self.admin = self._open(admin_url, ADMIN if backend == "sqlite" else None)
        self.fresh_made = False

    def _open(self, url: str, user: str | None, **kwargs: object) -> SqlStore:
        store = open_store(url, user=user, announce=lambda _msg: None, **kwargs)  # type: ignore[arg-type]
        self._stores.append(store)
        return store

    def store_as(
        self, name: str, role: Role = "trainee", display: str = "", **kwargs: object
    ) -> SqlStore:
        """A store of ``name`` (registered with ``role`` first)."""
        self.admin.create_person(name, role, display=display)
        return self._open(self.url, name, **kwargs)

    def fresh(self) -> SqlStore:
        """The admin store of another empty database of the same backend."""
        other = self._fresh()
        other.fresh_made = True
        self._stores.append(other.admin)
        self._stores.extend(other._stores)
        return other.admin

    def close(self) -> None:
        """Close every store this test opened."""
        for store in self._stores:
            store.close()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Db]:
    """A fresh database on each backend."""
    if request.param == "sqlite":
        counter = iter(range(1000))

        def make() -> Db:
            url = f"sqlite:///{tmp_path / f'kefu{next(counter)}.sqlite3'}"
            return Db("sqlite", url, url, make)

        handle = make()
        handle.admin.ensure_user(ADMIN, "admin")
    else:
        handle = _pg_db(request.getfixturevalue("pg_server"))
        assert handle.admin.current_user().role == "admin"
    yield handle
    handle.close()


@pytest.fixture
def pg_db(pg_server: PgServer) -> Iterator[Db]:  # noqa: F811
    """Only PostgreSQL (for tests of what the database itself enforces)."""
    handle = _pg_db(pg_server)
    yield handle
    handle.close()


_TEMPLATES: dict[int, str] = {}


def _template(server: PgServer) -> str:
    """A database boss created and migrated once per server, copied for each test.

    Copying (CREATE DATABASE ... TEMPLATE) takes a fraction of migrating; the
    migrations themselves run here and in test_migrations.py.
    """
    if server.port not in _TEMPLATES:
        server.ensure_role(ADMIN, "LOGIN CREATEROLE")
        name = server.create_database(owner=ADMIN).rsplit("/", 1)[1]
        open_store(server.url(name, ADMIN), announce=lambda _m: None).close()
        _TEMPLATES[server.port] = name
    return _TEMPLATES[server.port]


def _pg_db(server: PgServer) -> Db:
    """A new, migrated database owned by the admin login ``boss`` (CREATEROLE, not superuser)."""
    template = _template(server)

    def make() -> Db:
        name = server.create_database(template=template, owner=ADMIN).rsplit("/", 1)[1]
        return Db("postgres", server.url(name, None), server.url(name, ADMIN), make)

    return make()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite URL in this test's temp dir (not yet created)."""
    return f"sqlite:///{tmp_path / 'kefu.sqlite3'}"
