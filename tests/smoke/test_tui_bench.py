"""``benchmarks/tui_bench.py --quick`` runs to the end, so the benchmark cannot rot.

Nothing about timing is asserted: machines differ, and CI is busy.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "tui_bench.py"


def test_quick_run_prints_both_tables() -> None:
    out = subprocess.run(
        [sys.executable, str(BENCH), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ratio real / bare" in out.stdout
    assert "keystroke -> painted" in out.stdout
    assert "floor: score_reply" in out.stdout
    assert "KefuApp, no CLI" in out.stdout
