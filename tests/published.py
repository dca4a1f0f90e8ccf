"""A team's own material for the publishing tests: an installed scenario under a new id,
and a set of it with an installed scenario, written as files the way an author would."""

from __future__ import annotations

from pathlib import Path

from simulator import loader, papers
from simulator.store.base import Paper, SetPaper

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "scenarios" / "wrong_item" / "wrong-size-shoes.yaml"
SCENARIO = "team-shoes"
SET = "team-exam"
OTHER = "kettle-leaking-from-base"  # an installed scenario the set also holds


def write_material(folder: Path, scenario_id: str = SCENARIO, set_id: str = SET) -> Path:
    """``folder`` with ``scenario_id``.yaml and sets/``set_id``.yaml; returns ``folder``."""
    text = SOURCE.read_text(encoding="utf-8")
    assert "\nid: wrong-size-shoes " in text
    text = text.replace("\nid: wrong-size-shoes ", f"\nid: {scenario_id} ", 1)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{scenario_id}.yaml").write_text(text, encoding="utf-8")
    (folder / "sets").mkdir(exist_ok=True)
    (folder / "sets" / f"{set_id}.yaml").write_text(
        f"id: {set_id}\ntitle: {{zh: 团队考核, en: Team exam}}\n"
        "purpose: {zh: 团队自己的考核, en: The team's own exam}\npass_mark: 80\n"
        f"scenarios: [{scenario_id}, {OTHER}]\n",
        encoding="utf-8",
    )
    return folder


def publication(
    folder: Path, *, exam: bool
) -> tuple[list[tuple[Paper, dict[str, str]]], list[SetPaper]]:
    """What ``kefu publish`` would store for ``folder``'s files."""
    lib = loader.load([folder], known={OTHER})
    assert lib.problems == []
    return papers.publication(lib, exam=exam)
