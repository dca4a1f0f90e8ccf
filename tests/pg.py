"""A real PostgreSQL server for tests, started in a temp dir on a free loopback port.

Reuse it from any conftest::

    from tests.pg import pg_server  # noqa: F401  (a session-scoped fixture)

    def test_x(pg_server):
        url = pg_server.create_database()  # postgresql://postgres@127.0.0.1:PORT/kefu_N

``PgServer`` runs ``initdb``/``pg_ctl`` from ``pg_config --bindir`` (or
``/usr/lib/postgresql/*/bin``) as the ``postgres`` user when the tests run as
root (the server refuses root), directly otherwise. Authentication is
``trust`` on loopback, so any role can log in without a password. The fixture
skips only when the binaries are absent (and fails even then when
``KEFU_REQUIRE_PG=1``, as in CI); any other failure is an error.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SUPERUSER = "postgres"


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl, or None."""
    candidates: list[str] = []
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True)
        candidates.append(out.stdout.strip())
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for path in candidates:
        if path and (Path(path) / "initdb").exists() and (Path(path) / "pg_ctl").exists():
            return Path(path)
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgServer:
    """One throwaway PostgreSQL cluster."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="kefu-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        self._names = itertools.count()

    def _cmd(self, *args: str) -> list[str]:
        prefix = ["runuser", "-u", SUPERUSER, "--"] if self._as_root else []
        return [*prefix, *args]

    def start(self) -> PgServer:
        """initdb and start; raises with the server log on failure."""
        if self._as_root:
            shutil.chown(self.dir, SUPERUSER)
        self.dir.chmod(0o700)
        run = lambda *a: subprocess.run(self._cmd(*a), capture_output=True, text=True, check=True)  # noqa: E731
        run(
            str(self.bindir / "initdb"),
            "-D", str(self.data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8",
            "--locale=C", "--no-sync",
        )  # fmt: skip
        try:
            self.resume()
        except subprocess.CalledProcessError as e:
            log = (self.dir / "log").read_text() if (self.dir / "log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {e.stderr}\n{log}") from e
        return self

    def halt(self) -> None:
        """Stop the server (fast: open sessions are cut), keeping its files for ``resume``."""
        subprocess.run(
            self._cmd(
                str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
            ),
            capture_output=True,
        )

    def resume(self) -> None:
        """Start a halted server again on the same port."""
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
            "-c fsync=off -c full_page_writes=off -c max_connections=120"
        )
        subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options,
                      "-l", str(self.dir / "log"), "-w", "start"),
            capture_output=True, text=True, check=True,
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server and remove its files."""
        self.halt()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, dbname: str = "postgres", user: str | None = SUPERUSER) -> str:
        """A ``postgresql://`` URL (no driver suffix, as a user would write it)."""
        who = f"{user}@" if user else ""
        return f"postgresql://{who}127.0.0.1:{self.port}/{dbname}"

    def execute(self, sql: str, dbname: str = "postgres") -> None:
        """Run one statement as the superuser, outside a transaction."""
        import psycopg

        with psycopg.connect(self.url(dbname), autocommit=True) as conn:
            conn.execute(sql.encode())

    def create_database(self, template: str | None = None, owner: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); returns its superuser URL."""
        name = f"kefu_{next(self._names)}"
        copy = f" TEMPLATE {template}" if template else ""
        owned = f" OWNER {owner}" if owner else ""
        self.execute(f"CREATE DATABASE {name}{copy}{owned}")
        return self.url(name)

    def ensure_role(self, name: str, options: str = "LOGIN") -> None:
        """Create the role ``name`` (a fixed test name) unless it exists."""
        self.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') "
            f"THEN CREATE ROLE {name} {options}; END IF; END $$"
        )


def start_server() -> PgServer:
    """A started server; skips the test without the binaries, fails if KEFU_REQUIRE_PG=1."""
    bindir = find_bindir()
    if bindir is None:
        message = "PostgreSQL binaries (initdb, pg_ctl) are not installed"
        if os.environ.get("KEFU_REQUIRE_PG") == "1":
            pytest.fail(f"{message}, and KEFU_REQUIRE_PG=1 requires them")
        pytest.skip(message)
    return PgServer(bindir).start()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server for the whole test session (skipped without the binaries)."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def own_server() -> Iterator[PgServer]:
    """A server of this test's own, which it may stop and start again, or give
    server-wide roles to (skipped without the binaries)."""
    server = start_server()
    try:
        yield server
    finally:
        server.stop()
