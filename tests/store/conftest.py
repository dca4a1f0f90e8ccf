"""Fixtures: a fresh database per test on each backend, and stores opened as given people.

``db`` is a :class:`Db`: its ``url`` and ``store_as(name, role)``, which
registers the person (an admin's job) and opens a store as them: on SQLite
the ``user`` of the file, on PostgreSQL a real login role of the server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from simulator.store import Role, SqlStore, open_store

BACKENDS = ["sqlite"]


class Db:
    """One empty, migrated database of one backend for one test."""

    def __init__(self, backend: str, url: str, admin_url: str, fresh: Callable[[], Db]) -> None:
        self.backend = backend
        self._fresh = fresh
        self.url = url
        self.admin_url = admin_url
        self._stores: list[SqlStore] = []
        self.admin = self._open(admin_url, "boss" if backend == "sqlite" else None)
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
        handle.admin.ensure_user("boss", "admin")
    else:  # pragma: no cover - filled in with the PostgreSQL fixture
        raise AssertionError(request.param)
    yield handle
    handle.close()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A SQLite URL in this test's temp dir (not yet created)."""
    return f"sqlite:///{tmp_path / 'kefu.sqlite3'}"
