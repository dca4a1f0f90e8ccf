"""The core and the CLI stay free of Textual (and the core free of the shell).

Mirrors harlequin's import-hygiene test: import a module in a fresh
interpreter and look at sys.modules. The import-linter contract in
pyproject.toml checks the same statically in CI.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

HEADLESS = {
    "scoring": ["textual", "simulator", "click", "sqlite3"],
    "scoring.engine": ["textual", "simulator", "click"],
    "simulator.cli": ["textual"],
    "simulator.qa": ["textual"],
}


@pytest.mark.parametrize("module, forbidden", HEADLESS.items())
def test_module_does_not_import(module, forbidden):
    code = (
        f"import sys, {module}\n"
        f"bad = [m for m in {forbidden!r} if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} imports {out.stdout.strip()}"
