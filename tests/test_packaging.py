"""The wheel carries the rubric and scenarios: a real install scores a reply."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv to build and install the wheel")
def test_wheel_install_finds_its_data(tmp_path):
    env = {**os.environ, "UV_NO_PROGRESS": "1"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run(
        ["uv", "build", "--wheel", "--out-dir", str(tmp_path / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
        env=env,
        timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("kefu_trainer-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run(
        ["uv", "venv", "--python", sys.executable, str(venv)],
        check=True,
        capture_output=True,
        env=env,
    )
    py = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run(
        ["uv", "pip", "install", "--python", str(py), str(wheel)],
        check=True,
        capture_output=True,
        env=env,
        timeout=600,
    )
    # Run from a directory without a checkout, so only the installed copy can be found.
    out = subprocess.run(
        [
            str(py),
            "-c",
            "from scoring import resources, rubric, score_reply; "
            "print(resources.data_root().parent.name, score_reply('非常抱歉').criteria['apology'], "
            "rubric._install_derived())",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    # The last word: the precomputed parse tables matched the installed code's fingerprint.
    assert out.stdout.split() == ["_data", "True", "True"]
