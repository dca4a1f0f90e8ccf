"""lead_guarded: a first-character lookahead that makes rule regexes faster
and never changes a match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.kinds import ASCII_BOUNDARY
from scoring.normalize import normalize
from scoring.regex_source import lead_guarded
from scoring.rubric import default_rubric

ROOT = Path(__file__).resolve().parents[2]
RUBRIC = default_rubric()
SOURCES = [
    source
    for compiled in RUBRIC.rules
    for source in (
        *(f"(?:{p})" for p in compiled.matcher.pieces),
        "|".join(f"(?:{p})" for p in compiled.matcher.pieces),
    )
]


def _corpus() -> list[str]:
    with (ROOT / "tests" / "data" / "dev_replies.jsonl").open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    for compiled in RUBRIC.rules:
        texts += [*compiled.rule.examples_match, *compiled.rule.examples_no_match]
    return [normalize(t).text for t in texts]


CORPUS = _corpus()


_COMPILED: dict[str, re.Pattern[str]] = {}


def _spans(source: str, text: str) -> list[tuple[int, int]]:
    if source not in _COMPILED:
        _COMPILED[source] = re.compile(source)
    return [m.span() for m in _COMPILED[source].finditer(text)]


def test_nearly_every_rule_regex_is_guarded():
    guarded = sum(lead_guarded(s) != s for s in SOURCES)
    assert guarded >= 0.9 * len(SOURCES)


def test_guarded_rule_regexes_find_the_same_spans():
    hits = 0
    for source in SOURCES:
        guarded = lead_guarded(source)
        if guarded == source:
            continue
        for text in CORPUS:
            expected = _spans(source, text)
            assert _spans(guarded, text) == expected, (source, text)
            hits += len(expected)
    assert hits > 1000


_PIECES = ["抱歉", "补发", "退款", "给您", "20元", "今天", "运费", "我们", "sorry", "refund",
           "we'll", " ", "\n", ",", "。", "?", "a", "1", "-", "(", "]"]  # fmt: skip


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30))
def test_guarded_rule_regexes_agree_on_generated_text(pieces: list[str]):
    text = "".join(pieces)
    for source in SOURCES[::7]:
        assert _spans(lead_guarded(source), text) == _spans(source, text)


@pytest.mark.parametrize(
    "source",
    [
        "a*",  # can match the empty string
        "(?:x|)",
        "$",
        "[^a]b",  # starts with nearly anything
        ".b",
        "(?i:ab)",  # local flags
        "(?i)ab",  # global flags must stay first
        "(",  # not a regex at all: left for re.compile to report
    ],
)
def test_patterns_that_cannot_be_guarded_are_left_alone(source: str):
    assert lead_guarded(source) == source


@pytest.mark.parametrize(
    "source, text",
    [
        ("(?<![a-z])ab|c", "xab ab c"),
        (f"{ASCII_BOUNDARY}sorry{ASCII_BOUNDARY}", "so sorry,sorryful sorry"),
        ("x?y|[0-9]+z|\\d元", "xy y 12z 5元"),
        ("(?:给您|帮您)(先)?(寄|发)", "给您先寄 帮您发"),
        ("[-\\]^a]b", "-b ]b ^b ab"),
        ("\\s+ok|\\w+!", "  ok hi!"),
        ("(?=a)ab|b", "ab b"),
        ("(a)\\1", "aa a"),
    ],
)
def test_guarded_patterns_keep_their_matches(source: str, text: str):
    guarded = lead_guarded(source)
    assert guarded != source
    assert _spans(guarded, text) == _spans(source, text) != []


def test_compiled_rules_match_like_their_plain_regexes():
    """What the scorer runs: each rule's whole regex and its pieces, as compiled."""
    guarded = 0
    for compiled in RUBRIC.rules:
        matcher = compiled.matcher
        plain = "|".join(f"(?:{p})" for p in matcher.pieces)
        guarded += matcher.regex.pattern != plain
        pieces = [matcher._piece(i) for i in range(len(matcher.pieces))]
        for text in CORPUS[::3]:
            expected = _spans(plain, text)
            assert [m.span() for m in matcher.regex.finditer(text)] == expected
            for piece, source in zip(pieces, matcher.pieces, strict=True):
                if piece is not None:
                    assert [m.span() for m in piece.finditer(text)] == _spans(f"(?:{source})", text)
    assert guarded >= 0.9 * len(RUBRIC.rules)
