"""derived.json: the shipped rubric's regex answers, worked out ahead (scoring.derived)."""

from __future__ import annotations

import json

import pytest

from scoring import derived, resources
from scoring.regex_source import _split_alternatives, piece_source, split_alternatives
from scoring.rubric import _install_derived, default_rubric


def test_the_shipped_file_is_current():
    shipped = resources.derived_text()
    fresh = derived.generate(resources.rubric_texts())
    assert shipped == fresh, (
        "scenarios/rubric/derived.json is out of date with the rubric or the code: "
        "run `uv run python -m scoring.derived`"
    )
    data = json.loads(shipped)
    assert data["fingerprint"] == derived.fingerprint()
    assert len(data["ranked"]) > 1000 and len(data["splits"]) > 500


def test_the_default_rubric_loads_it():
    default_rubric()
    assert _install_derived() is True


def test_remembered_splits_give_the_parts_worked_out_afresh():
    derived.install(resources.derived_text())
    multi = 0
    for pattern in list(derived.SPLITS):
        assert split_alternatives(pattern) == _split_alternatives(pattern), pattern
        multi += len(derived.SPLITS[pattern]) > 0
    assert multi > 100


def test_a_remembered_lookahead_compiles_to_the_fresh_source():
    pieces = [p for c in default_rubric().rules for p in c.matcher.pieces][:300]
    remembered = [piece_source(f"(?:{p})") for p in pieces]
    for p in pieces:
        derived.SOURCES.pop(f"(?:{p})", None)
    assert [piece_source(f"(?:{p})") for p in pieces] == remembered
    assert any(s and s.startswith("(?=[") for s in remembered)


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        json.dumps({"format": "kefu-derived/0"}),
        json.dumps({"format": derived.FORMAT, "fingerprint": "0" * 16}),
        json.dumps({"format": derived.FORMAT, "fingerprint": "__current__", "splits": {}}),
        json.dumps(
            {
                "format": derived.FORMAT,
                "fingerprint": "__current__",
                "splits": {"a|b": ["x"]},
                "ranked": {},
                "sources": {},
            }
        ),
    ],
)
def test_a_bad_or_stale_file_is_ignored_whole(text):
    text = text.replace("__current__", derived.fingerprint())
    before = (dict(derived.SPLITS), dict(derived.RANKED), dict(derived.SOURCES))
    assert derived.install(text) is False
    assert before == (derived.SPLITS, derived.RANKED, derived.SOURCES)


def test_the_fingerprint_follows_the_code(monkeypatch, tmp_path):
    for name in derived._CODE:
        (tmp_path / name).write_bytes((derived._HERE / name).read_bytes())
    monkeypatch.setattr(derived, "_HERE", tmp_path)
    same = derived.fingerprint()
    (tmp_path / "prefilter.py").write_bytes(
        b"# changed\n" + (tmp_path / "prefilter.py").read_bytes()
    )
    assert derived.fingerprint() != same
