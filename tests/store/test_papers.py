"""Published scenarios on both backends: store, list, read the key, replace, remove;
and the paper read back is the scenario without its answers."""

from __future__ import annotations

import dataclasses

import pytest

from simulator import loader, papers
from simulator.loader import Library
from tests.published import OTHER, SCENARIO, SET, publication, write_material


@pytest.fixture
def material(tmp_path):
    return write_material(tmp_path / "ours")


def test_publish_list_key_replace_and_remove(db, material):
    sue = db.store_as("sue", "supervisor")
    items, sets = publication(material, exam=True)
    sue.publish(items, sets)
    (paper,) = sue.papers()
    assert (paper.scenario_id, paper.exam, paper.published_by) == (SCENARIO, True, "sue")
    assert "model_reply" not in paper.source and "tests:" not in paper.source
    (item,) = sue.set_papers()
    assert (item.set_id, item.scenarios) == (SET, (SCENARIO, OTHER))
    key = sue.scenario_key(SCENARIO)
    assert key == items[0][1] and all(key.values())
    assert sue.scenario_key("no-such") is None
    # publishing again replaces, here as practice material
    again, _ = publication(material, exam=False)
    sue.publish(again, [])
    assert [p.exam for p in sue.papers()] == [False]
    assert sue.unpublish([SCENARIO, SET, "no-such"]) == 2
    assert sue.papers() == [] and sue.set_papers() == []
    assert sue.scenario_key(SCENARIO) is None  # the key went with its paper


def test_a_paper_reads_back_as_the_scenario_without_its_answers(db, material):
    sue = db.store_as("sue", "supervisor")
    sue.publish(*publication(material, exam=True))
    original = loader.load([material], known={OTHER}).scenarios[SCENARIO]
    lib = Library()
    assert papers.merge(lib, sue.papers(), sue.set_papers()) == []
    paper = lib.scenarios[SCENARIO]
    assert lib.papers[SCENARIO].exam and lib.sets[SET].scenarios == (SCENARIO, OTHER)
    assert all(node.model_reply == "" for node in paper.nodes.values())
    assert paper.tests == ()
    whole = papers.with_key(paper, sue.scenario_key(SCENARIO) or {})
    same = ("file", "line_of", "tests")
    assert dataclasses.replace(whole, **{f: getattr(original, f) for f in same}) == original


def test_merge_leaves_out_clashing_and_broken_rows(db, material):
    sue = db.store_as("sue", "supervisor")
    items, sets = publication(material, exam=False)
    clash = dataclasses.replace(items[0][0], scenario_id=OTHER)
    broken = dataclasses.replace(items[0][0], scenario_id="broken", source="id: [unclosed")
    sue.publish([*items, (clash, {}), (broken, {})], sets)
    lib = loader.load()
    before = lib.scenarios[OTHER]
    skipped = papers.merge(lib, sue.papers(), sue.set_papers())
    assert lib.scenarios[OTHER] is before  # the installed one wins
    assert SCENARIO in lib.scenarios and "broken" not in lib.scenarios
    said = [str(s) for s in skipped]  # in English
    assert any(f"published:{OTHER}: left out" in s for s in said)
    assert any(s.startswith("published:broken:") and "flow sequence" in s for s in said)
    # said in any language, as the app shows them in its own
    chinese = [s.located("zh") for s in skipped]
    assert f"published:{OTHER}: 已略过：有内置场景使用这个编号" in chinese
    assert any(s.startswith("published:broken:") and "没有闭合" in s for s in chinese)
