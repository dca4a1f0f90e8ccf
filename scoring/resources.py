"""Where the shipped data lives: a checkout's ``scenarios/`` or the wheel's copy.

The wheel carries ``scenarios/`` as ``scoring/_data/scenarios`` (see
pyproject.toml); a source checkout uses the top-level folder. Reading the
package's own data is the only file access the scoring core does.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def data_root() -> Path:
    """The folder holding the shipped scenarios, sets and rubric."""
    for candidate in (_HERE / "_data" / "scenarios", _HERE.parent / "scenarios"):
        if (candidate / "rubric").is_dir():
            return candidate
    raise FileNotFoundError(
        "kefu-trainer's data folder (scenarios/rubric) is missing from the install"
    )


def rubric_texts() -> dict[str, str]:
    """Every rubric YAML file's name and text."""
    folder = data_root() / "rubric"
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))}


def learned_model_text() -> str:
    """The learned model's weights (JSON), built by benchmarks/train_learned.py."""
    return (data_root() / "rubric" / "learned.json").read_text(encoding="utf-8")


def derived_text() -> str:
    """What compiling the shipped rubric derives from its regexes (see scoring.derived)."""
    return (data_root() / "rubric" / "derived.json").read_text(encoding="utf-8")
