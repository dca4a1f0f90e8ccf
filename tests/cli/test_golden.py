"""Golden end-to-end cases for the CLI: one folder per case, exact expected output.

Each folder under tests/data/golden/<command>/ holds ``args`` (the command line
after ``kefu``), optional ``input.jsonl`` / ``stdin.jsonl``, and the expected
``stdout``, ``stderr`` and ``exit_code``. Run with KEFU_UPDATE_GOLDEN=1 to
rewrite the expectations after an intended change, then review the diff.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "golden"
CASES = sorted(p for p in GOLDEN.glob("*/*") if (p / "args").is_file())
UPDATE = os.environ.get("KEFU_UPDATE_GOLDEN") == "1"
_RATE = re.compile(r"(?<=\()[\d,]+(?= lines/s\))|(?<=（每秒 )[\d,]+(?= 行）)")


def _run(case: Path) -> subprocess.CompletedProcess[bytes]:
    args = shlex.split((case / "args").read_text(encoding="utf-8"))
    stdin = case / "stdin.jsonl"
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        cwd=case,
        input=stdin.read_bytes() if stdin.exists() else b"",
        capture_output=True,
        timeout=120,
        # kefu's own words follow KEFU_LANG where --lang is not given: unset here.
        env={
            **{k: v for k, v in os.environ.items() if k != "KEFU_LANG"},
            "PYTHONIOENCODING": "utf-8",
            "NO_COLOR": "1",
        },
    )


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_golden(case: Path):
    got = _run(case)
    stderr = _RATE.sub("N", got.stderr.decode("utf-8"))
    actual = {
        "stdout": got.stdout.decode("utf-8"),
        "stderr": stderr,
        "exit_code": f"{got.returncode}\n",
    }
    for name, text in actual.items():
        path = case / name
        if UPDATE:
            path.write_bytes(text.encode("utf-8"))
        assert path.exists(), f"{path} missing: run with KEFU_UPDATE_GOLDEN=1"
        assert text == path.read_bytes().decode("utf-8"), f"{case.name}: {name} differs"
    assert "Traceback" not in stderr


def test_progress_bar_knows_its_end(tmp_path):
    from simulator.cli import _Progress

    data = tmp_path / "in.jsonl"
    data.write_text('{"id": 1}\n\n{"id": 2}\n{"id": 3}\n{"id": 4}\n', encoding="utf-8")
    bar = _Progress(True, (str(data),))
    assert bar.total == 4
    line = bar.render(2, 100.0)
    assert "50%" in line and "2/4" in line and "█" * 15 in line
    assert "scored 7 lines" in _Progress(True, ("-",)).render(7, 10.0)


def test_output_to_a_device_or_pipe_writes_to_it_and_leaves_it_be(tmp_path):
    """``-o /dev/null`` or a named pipe: written directly. (Renaming the finished
    ``.partial`` file over it replaced the machine's /dev/null with a file.)"""
    import stat
    import threading

    fifo = tmp_path / "scores.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "simulator", "score", "--text", "非常抱歉", "--format", "jsonl",
         "-o", str(fifo)],
        capture_output=True, timeout=120, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe, not a file put in its place
    assert b'"apology": true' in received[0]
    assert not (tmp_path / "scores.pipe.partial").exists()
