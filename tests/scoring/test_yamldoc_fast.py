"""yamldoc's two readers agree: events for plain documents, the node tree for the rest.

``parse`` builds plain documents straight from libyaml's event stream and
hands anything unusual to the general reader (compose, then convert). Both
must give the same data, the same position of every value (in the same
order) and the same error messages, or ``kefu validate`` would point at
different places depending on which reader ran.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import yamldoc
from scoring.yamldoc import YamlError, parse

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    p
    for folder in ("scenarios", "tests/data/golden")
    for p in (ROOT / folder).rglob("*.yaml")
    if p.is_file()
)


def _outcome(reader: Any, text: str) -> tuple:
    try:
        doc = reader(text, "f.yaml")
    except YamlError as exc:
        return ("error", [str(p) for p in exc.problems])
    return ("ok", doc.data, list(doc.positions.items()))


def assert_same(text: str) -> None:
    general = _outcome(yamldoc._parse_general, text)
    assert _outcome(parse, text) == general


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_shipped_and_golden_files_read_the_same(path: Path):
    text = path.read_text(encoding="utf-8")
    assert_same(text)


@pytest.mark.parametrize("path", FILES[:5] + FILES[-5:], ids=lambda p: p.name)
def test_plain_files_take_the_event_path(path: Path):
    text = path.read_text(encoding="utf-8")
    loader = yamldoc._Loader(text)
    try:
        data, positions = yamldoc._plain(loader)  # raises _Unusual if it would fall back
    finally:
        loader.dispose()
    doc = yamldoc._parse_general(text, "f.yaml")
    assert (data, positions) == (doc.data, doc.positions)


EDGE_CASES = [
    "",
    "---",
    "# only a comment\n",
    "...\n",
    "a: 1\n...\n",
    "a:",
    "a: 1",
    "- a\n- b: [1, {c: d}]\n-\n- ''",
    "a: {b: , c: [ ]}",
    "? a\n: b",
    "'1': 2\n1: 3",
    ": empty key",
    "a: yes\nb: on\nc: true\nd: ~\ne: null\nf: 1.5\ng: 0x1F\nh: 2026-01-01\ni: .inf\nj: -.nan",
    "a: 010\nb: -0\nc: +20\nd: 1_000\ne: 1:30\nf: 2026-01-01 10:00:00",
    "a: |\n  x\n  y\nb: >-\n  z\n",
    'x: "quoted 1"\ny: \'2\'\nz: "true"',
    "- - - - 1",
    "--- >\n folded",
    "%YAML 1.1\n--- a",
    "[" * 40 + "]" * 40,
    "[" * 41 + "]" * 41,
    # Everything below needs the general reader: same message either way.
    "a: 2026-13-45",
    "a: 0x_",
    "a: &x 1\nb: *x",
    "a: &x [*x]",
    "a: !!str 1",
    "a: ! 1",
    "!!map {a: 1}",
    "a: !foo x",
    "a: !!binary aGVsbG8=",
    "a: 1\na: 2",
    "[a, b",
    "a: b: c",
    "a: 1\n---\nb: 2",
    "<<: {a: 1}",
    "a: =",
    "? [a]\n: 1",
    "? - seq key\n: v",
    "a:\n\t- tab",
    "a: \x07",
    "[" + ",".join(["1"] * 100_001) + "]",
]


@pytest.mark.parametrize("text", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_edge_cases_read_the_same(text: str):
    assert_same(text)


def test_impossible_dates_and_numbers_are_located_problems():
    with pytest.raises(YamlError) as err:
        parse("id: x\nordered: 2026-13-45\n", "s.yaml")
    assert str(err.value) == (
        "s.yaml:2:10: '2026-13-45' is not a valid date (month must be in 1..12)"
    )
    with pytest.raises(YamlError, match=r"s.yaml:1:4: '0x_' is not a valid number"):
        parse("a: 0x_", "s.yaml")


def test_alias_bomb_is_still_refused_quickly():
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 60)]
    started = time.perf_counter()
    with pytest.raises(YamlError, match="too many aliases"):
        parse("\n".join(lines), "bomb.yaml")
    assert time.perf_counter() - started < 0.5


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 1, 1)),
    st.text(alphabet=st.sampled_from("aZ09 -:#'\"&*!?,[]{}|>~.\n抱歉"), max_size=12),
    st.sampled_from(
        ["yes", "on", "no", "off", "true", "~", "null", "010", "0x1F", "1_0", "=", "<<"]
    ),
)
_keys = st.text(alphabet=st.sampled_from("ab01 -_:#&*!抱"), min_size=0, max_size=6)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _values,
    st.sampled_from([None, True, False]),
    st.sampled_from([None, "'", '"', "|"]),
)
def test_dumped_documents_read_the_same(value: Any, flow: bool | None, style: str | None):
    text = yaml.safe_dump(value, default_flow_style=flow, default_style=style, allow_unicode=True)
    assert_same(text)
