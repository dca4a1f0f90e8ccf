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
        assert (app.store_error or "").startswith(f"kefu: there is no database at {missing}")
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
