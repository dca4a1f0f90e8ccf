"""The built-in library: valid, self-tested, schema-conformant, and broad enough."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from simulator import loader

ROOT = Path(__file__).resolve().parents[2]
LIB = loader.load()


def test_library_has_no_problems():
    assert [str(p) for p in LIB.problems] == []


@pytest.mark.parametrize("sid", sorted(LIB.scenarios))
def test_self_tests_pass(sid):
    s = LIB.scenarios[sid]
    assert len(s.tests) >= 2, f"{sid}: needs a good and a bad path"
    for test in s.tests:
        assert loader.run_test(s, test) == [], f"{sid}: {test.name}"


def test_library_breadth():
    scenarios = list(LIB.scenarios.values())
    assert len(scenarios) >= 24
    by_cat: dict[str, set[int]] = {}
    for s in scenarios:
        by_cat.setdefault(s.category, set()).add(s.difficulty)
    assert len(by_cat) == 11, sorted(by_cat)
    assert all(len(levels) >= 2 for levels in by_cat.values()), by_cat
    assert sum(s.channel == "review_reply" for s in scenarios) >= 6
    langs = Counter(s.language for s in scenarios)
    assert langs["zh-Hant"] >= 6 and langs["en"] >= 4, langs
    assert len(LIB.sets) >= 3


@pytest.mark.parametrize(
    "path", sorted((ROOT / "scenarios").glob("*/*.yaml")), ids=lambda p: p.name
)
def test_files_follow_the_published_schema(path):
    if path.parent.name in ("rubric", "scripts"):
        pytest.skip("not a scenario")
    name = "set" if path.parent.name == "sets" else "scenario"
    schema = json.loads((ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../../schema/{name}.schema.json"
    data = loader.read_doc(path).data
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_every_order_field_of_the_built_in_scenarios_has_a_label_in_both_languages():
    """The briefing card shows a field the catalog does not know by its own key
    ("teapot_value"), English in the middle of a Chinese screen: the built-in
    scenarios name every field they use in both catalogs."""
    from simulator import i18n

    zh, en = i18n.catalog("zh"), i18n.catalog("en")
    missing = sorted(
        f"{sid}: {key}"
        for sid, s in LIB.scenarios.items()
        for key in s.order
        if key != "currency"
        and not (f"briefing.order.{key}" in zh and f"briefing.order.{key}" in en)
    )
    assert missing == []
