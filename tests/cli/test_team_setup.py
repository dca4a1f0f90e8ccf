"""Setting up team mode as docs/supervisor-guide.md says, on a real PostgreSQL server.

The server is the test's own (the guide's ``lin`` is a server-wide role, and
must be the owner with CREATEROLE here, whatever other tests made of a
``lin``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from simulator.cli import main
from simulator.store import StorePermissionError, open_store
from tests.pg import PgServer

GUIDE = Path(__file__).parents[2] / "docs" / "supervisor-guide.md"


def kefu(*args: str, input: str | None = None) -> Result:
    """Run ``kefu ARGS``; never a traceback."""
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    return result


def _first_listing_in_the_guide() -> str:
    """The output of ``kefu user list`` the guide shows after the first start."""
    step = GUIDE.read_text("utf-8").split("### 2. First start", 1)[1].split("### 3.", 1)[0]
    block = step.split("$ kefu user list\n", 1)[1].split("```", 1)[0]
    return block


def test_the_owner_is_an_admin_from_the_first_command(
    own_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guide: the owner's first command registers them as an admin, so
    ``kefu user list`` shows them, before and after adding people."""
    own_server.ensure_role("lin", "LOGIN CREATEROLE")
    name = own_server.create_database(owner="lin").rsplit("/", 1)[1]
    monkeypatch.setenv("KEFU_DATABASE_URL", own_server.url(name, "lin"))
    first = kefu("user", "list")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == _first_listing_in_the_guide()
    for person in (["alice", "--role", "trainee", "--group", "new-hires"],
                   ["wang", "--role", "supervisor"], ["kim", "--role", "admin"]):  # fmt: skip
        added = kefu("user", "add", *person, "--password-stdin", input="s3cret\n")
        assert added.exit_code == 0, added.stderr
    rows = [line.split()[:2] for line in kefu("user", "list").stdout.splitlines()[2:]]
    assert rows == [
        ["alice", "trainee"],
        ["kim", "admin"],
        ["lin", "admin"],
        ["wang", "supervisor"],
    ]


def test_a_missing_login_is_advice_for_whoever_asks(
    own_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A login the server does not have: at the command line it may be the owner
    setting up (step 1 of the guide not done) or someone not added yet; the
    app's trainee is told to ask an admin."""
    own_server.ensure_role("lin", "LOGIN CREATEROLE")
    name = own_server.create_database(owner="lin").rsplit("/", 1)[1]
    monkeypatch.setenv("KEFU_DATABASE_URL", own_server.url(name, "nobody"))
    out = kefu("user", "list")
    assert out.exit_code == 1 and out.stdout == ""
    message = out.stderr
    assert message.startswith(f"kefu: {own_server.url(name, 'nobody')} has no login 'nobody'. ")
    assert "Setting up this database as its owner (the kefu admin)?" in message
    assert "CREATE ROLE nobody LOGIN CREATEROLE" in message
    assert "ask the kefu admin to run kefu user add nobody --role trainee" in message
    with pytest.raises(StorePermissionError) as info:  # the app: a trainee, most likely
        open_store(own_server.url(name, "nobody"), retry_s=1.0)
    assert "CREATE ROLE" not in str(info.value)
    assert "ask an admin to run: kefu user add nobody --role trainee" in str(info.value)
    assert "请管理员运行：kefu user add nobody --role trainee" in info.value.text("zh")
