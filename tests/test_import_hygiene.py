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
    "simulator.cli": ["textual", "scoring", "sqlalchemy", "simulator.store"],
    "simulator.qa": ["textual"],
    "simulator.qa_input": ["textual"],
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


def test_every_headless_module_is_under_the_no_textual_contract():
    """A new module outside simulator.tui must be added to the import-linter contract."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["name"] == "Only simulator.tui imports Textual"
    )
    modules = {
        f"simulator.{p.stem}"
        for p in (root / "simulator").glob("*.py")
        if p.stem not in ("__init__", "__main__", "cli")  # cli has its own contract
    }
    modules |= {
        f"simulator.{p.name}"
        for p in (root / "simulator").iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name != "tui"
    }
    assert modules - set(contract["source_modules"]) == set()


@pytest.mark.parametrize("name", sorted(__import__("simulator.cli").cli.LAZY_COMMANDS))
def test_every_lazy_subcommand_loads_and_answers_help(name):
    from click.testing import CliRunner

    from simulator.cli import main

    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"Usage: main {name}" in result.output or f"Usage: kefu {name}" in result.output
