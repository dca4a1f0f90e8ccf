"""Schema revisions: a fresh database gets the head; newer is refused; older is upgraded."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from simulator.store import StoreError, open_store
from simulator.store.migrate import current_revision, head_revision


def _revision(url: str) -> str | None:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rev = current_revision(conn)
    engine.dispose()
    return rev


def test_fresh_database_gets_the_head_and_says_so(sqlite_url):
    said: list[str] = []
    open_store(sqlite_url, user="ana", announce=said.append).close()
    assert _revision(sqlite_url) == head_revision()
    assert said == [f"kefu: upgrading the database schema to {head_revision()}…"]
    said.clear()
    open_store(sqlite_url, user="ana", announce=said.append).close()
    assert said == []


def test_default_announcement_is_one_line_on_stderr(sqlite_url, capsys):
    open_store(sqlite_url, user="ana").close()
    err = capsys.readouterr().err
    assert err == f"kefu: upgrading the database schema to {head_revision()}…\n"


def test_newer_revision_is_refused(sqlite_url):
    open_store(sqlite_url, user="ana", announce=lambda _m: None).close()
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match="9999_future.*newer than this kefu knows"):
        open_store(sqlite_url, user="ana")


def test_older_revision_is_upgraded(sqlite_url):
    from alembic import command

    from simulator.store.migrate import alembic_config

    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    engine.dispose()
    said: list[str] = []
    if head_revision() == "0001":
        pytest.skip("only one revision so far")
    open_store(sqlite_url, user="ana", announce=said.append).close()
    assert said == [f"kefu: upgrading the database schema to {head_revision()}…"]
    assert _revision(sqlite_url) == head_revision()


def test_migrate_false_refuses_an_old_schema(sqlite_url):
    with pytest.raises(StoreError, match="needs a schema upgrade"):
        open_store(sqlite_url, user="ana", migrate=False)


def test_migrations_are_found_outside_the_checkout():
    from simulator.store import migrate

    assert (migrate.MIGRATIONS / "env.py").is_file()
    assert migrate.MIGRATIONS.parent.name == "store"


def test_the_revision_list_matches_the_migration_files():
    from alembic.script import ScriptDirectory

    from simulator.store.migrate import HEAD, REVISIONS, alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    files = [rev.revision for rev in script.walk_revisions()][::-1]
    assert list(REVISIONS) == files
    assert HEAD == head_revision() == files[-1]


def test_opening_a_current_database_does_not_import_alembic(sqlite_url):
    import subprocess
    import sys

    open_store(sqlite_url, user="ana", announce=lambda _m: None).close()
    code = (
        "import sys; from simulator.store import open_store; "
        f"open_store({sqlite_url!r}, user='ana').close(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_postgres_fresh_older_and_newer(pg_server):
    from alembic import command

    from simulator.store.migrate import alembic_config
    from tests.store.conftest import ADMIN

    pg_server.ensure_role(ADMIN, "LOGIN CREATEROLE")
    name = pg_server.create_database(owner=ADMIN).rsplit("/", 1)[1]
    url = pg_server.url(name, ADMIN)
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0001")
    said: list[str] = []
    open_store(url, announce=said.append).close()
    assert said == [f"kefu: upgrading the database schema to {head_revision()}…"]
    with engine.begin() as conn:
        assert current_revision(conn) == head_revision()
        secured = conn.execute(
            sa.text("SELECT relrowsecurity FROM pg_class WHERE relname = 'attempts'")
        )
        assert secured.scalar_one() is True
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(StoreError, match="9999_future.*newer than this kefu knows"):
        open_store(url)
