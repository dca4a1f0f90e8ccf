"""Home's first frame needs Textual and the catalogs, not the scorer or the database.

The library and the store load in thread workers after the first frame; if a
module Home imports pulled in ``scoring`` (OpenCC dictionaries, the rubric) or
``simulator.store`` (SQLAlchemy, Alembic) at import time, every launch would
wait for them (see ``benchmarks/tui_bench.py``). Checked in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

FIRST_FRAME = ["simulator.tui.app", "simulator.tui.screens.home"]
LATER = ["scoring", "simulator.store", "simulator.loader", "sqlalchemy", "alembic", "opencc"]


def test_home_imports_nothing_it_loads_in_workers() -> None:
    code = (
        f"import sys\nfor m in {FIRST_FRAME!r}: __import__(m)\n"
        f"print(','.join(m for m in {LATER!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Home's first frame imports {out.stdout.strip()}"


async def test_kefu_database_url_must_name_an_existing_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``kefu`` with KEFU_DATABASE_URL naming no file says so and creates nothing;
    an existing file opens; the default file under KEFU_HOME is made on first use."""
    from simulator.store import open_store
    from simulator.tui.app import KefuApp
    from tests.tui.team_seed import ready

    monkeypatch.setenv("KEFU_HOME", str(tmp_path / "home"))
    missing = tmp_path / "typo.sqlite3"
    monkeypatch.setenv("KEFU_DATABASE_URL", str(missing))
    app = KefuApp(lang="en", user="amy")
    async with app.run_test() as pilot:
        await ready(app, pilot)
        assert app.store is None
        assert str(app.store_error or "").startswith(f"kefu: there is no database at {missing}")
    assert not missing.exists()

    open_store(str(missing), user="amy", announce=lambda _m: None).close()
    app = KefuApp(lang="en", user="amy")
    async with app.run_test() as pilot:
        await ready(app, pilot)
        assert app.store is not None and app.store_error is None

    monkeypatch.delenv("KEFU_DATABASE_URL")
    app = KefuApp(lang="en", user="amy")
    async with app.run_test() as pilot:
        await ready(app, pilot)
        assert app.store is not None and app.store_error is None
    assert (tmp_path / "home" / "kefu.sqlite3").is_file()


_START_IN_SAVED_LANGUAGE = """
import asyncio, sys
from simulator.tui.app import KefuApp

async def main():
    app = KefuApp(database_url=sys.argv[1], user="amy")
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(20):  # a trainee looking at Home, not a test settling workers
            await pilot.pause(0.1)
        print(app.lang, app.screen.query_one("HeaderTitle").render())

asyncio.run(main())
"""


@pytest.mark.parametrize("saved", ["zh-Hant", "en"])
def test_the_saved_language_applies_at_the_next_start(tmp_path: Path, saved: str) -> None:
    """F12 saves the language; the next start (no --lang) opens in it. In a fresh
    process (imports cold, as a trainee starts it) the switch landed while Home's
    header was mounting, and an uncaught error ended every later start."""
    import os

    from simulator.store import open_store

    url = f"sqlite:///{tmp_path}/k.sqlite3"
    store = open_store(url, user="amy")
    store.set_setting("lang", saved)
    store.close()
    env = {k: v for k, v in os.environ.items() if k != "KEFU_LANG"}
    for _ in range(2):
        out = subprocess.run(
            [sys.executable, "-c", _START_IN_SAVED_LANGUAGE, url],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        assert out.stdout.split()[0] == saved
        assert "kefu-trainer" in out.stdout  # the header is whole
