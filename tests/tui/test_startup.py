"""Home's first frame needs Textual and the catalogs, not the scorer or the database.

The library and the store load in thread workers after the first frame; if a
module Home imports pulled in ``scoring`` (OpenCC dictionaries, the rubric) or
``simulator.store`` (SQLAlchemy, Alembic) at import time, every launch would
wait for them (see ``benchmarks/tui_bench.py``). Checked in a fresh interpreter.
"""

from __future__ import annotations

import subprocess
import sys

FIRST_FRAME = ["simulator.tui.app", "simulator.tui.screens.home"]
LATER = ["scoring", "simulator.store", "simulator.loader", "sqlalchemy", "alembic", "opencc"]


def test_home_imports_nothing_it_loads_in_workers() -> None:
    code = (
        f"import sys\nfor m in {FIRST_FRAME!r}: __import__(m)\n"
        f"print(','.join(m for m in {LATER!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"Home's first frame imports {out.stdout.strip()}"
