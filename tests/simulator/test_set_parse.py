"""Set files are checked as strictly as scenarios, every problem in one run."""

from __future__ import annotations

from pathlib import Path

from simulator import loader

GOOD = (
    "id: week\ntitle: {zh: 新人, en: New}\npurpose: {zh: 练习, en: Practice}\npass_mark: 70\n"
    "scenarios: [wrong-size-shoes]\n"
)


def _problems(tmp_path: Path, text: str, name: str = "week") -> list[str]:
    (tmp_path / "sets").mkdir(exist_ok=True)
    path = tmp_path / "sets" / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    lib = loader.load([path], known={"wrong-size-shoes", "late-parcel-basic"})
    return [f"{p.line}:{p.col}: {p.message}" for p in lib.problems]


def test_a_good_set_loads(tmp_path: Path):
    assert _problems(tmp_path, GOOD) == []


def test_every_problem_at_once_with_the_field_named(tmp_path: Path):
    text = (
        "id: other-name\ntitle: {zh: 新人}\npass_mark: 170\n"
        "scenarios: [wrong-size-shoes, nope, wrong-size-shoes]\n"
    )
    assert sorted(_problems(tmp_path, text)) == sorted([
        "1:1: missing required key 'purpose'",
        "1:1: id 'other-name' should match the file name 'week'",
        "2:1: title: add en (English); write it as title: {zh: 新人, en: ...}",
        "3:1: pass_mark must be a whole number from 0 to 100, not 170",
        "4:31: unknown scenario 'nope'",
        "4:37: scenario 'wrong-size-shoes' is listed twice (also entry 1)",
    ])  # fmt: skip


def test_texts_and_lists_are_checked(tmp_path: Path):
    text = (
        GOOD.replace("en: New", "en: ''")
        .replace("[wrong-size-shoes]", "[]")
        .replace("pass_mark: 70", "pass_mark: true")
    )
    assert _problems(tmp_path, text) == [
        "2:17: title.en must be a non-empty text",
        "4:1: pass_mark must be a whole number from 0 to 100, not True",
        "5:1: scenarios must be a non-empty list of scenario ids",
    ]
    assert _problems(tmp_path, GOOD.replace("id: week", "id: Week_1"), "Week_1") == [
        "1:1: a set id uses lower-case letters, digits and '-' only"
    ]
