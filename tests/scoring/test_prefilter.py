"""The literal prefilter is sound: it never changes a verdict or a finding."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scoring import score_reply
from scoring.normalize import normalize
from scoring.prefilter import Prefilter, required_literals
from scoring.rubric import default_rubric

ROOT = Path(__file__).resolve().parents[2]
TEXTS = [
    json.loads(line)["text"]
    for name in ("tests/data/dev_replies.jsonl", "benchmarks/data/holdout_replies.jsonl")
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def test_required_literals_are_necessary():
    assert required_literals("(抱歉|对不起)给您") == [
        frozenset({"给您"}),
        frozenset({"抱歉", "对不起"}),
    ]
    assert set(required_literals("(?:退款|退货)[^,]{0,4}元")) == {
        frozenset({"元"}),
        frozenset({"退"}),
        frozenset({"款", "货"}),
    }
    assert required_literals("a?b*") == []  # nothing is required: such a piece always runs


@pytest.mark.parametrize("channel", ["chat", "review_reply"])
def test_prefiltered_results_equal_running_every_rule(channel, monkeypatch):
    rubric = default_rubric()
    filtered = [score_reply(t, channel=channel).to_dict("en") for t in TEXTS]
    everything = {i: None for i in range(len(rubric.by_channel[channel]))}
    monkeypatch.setattr(Prefilter, "candidates", lambda self, text: everything)
    unfiltered = [score_reply(t, channel=channel).to_dict("en") for t in TEXTS]
    assert filtered == unfiltered


def test_a_narrowed_rule_finds_what_its_compiled_subset_finds():
    """Running a subset's pieces one by one equals the compiled alternation."""
    rubric = default_rubric()
    checked = 0
    for compiled in rubric.by_channel["chat"]:
        matcher = compiled.matcher
        n = len(matcher.pieces)
        if n < 3:
            continue
        for only in (tuple(range(0, n, 2)), tuple(range(1, n)), (n - 1, 0)):
            searcher = matcher.narrowed(only)
            alternation = re.compile("|".join(f"(?:{matcher.pieces[i]})" for i in only))
            for text in TEXTS[:80]:
                norm = normalize(text).text
                want = [m.span() for m in alternation.finditer(norm) if m.end() > m.start()]
                got = [m.span() for m in searcher.finditer(norm) if m.end() > m.start()]
                assert got == want, (compiled.rule.id, only, text)
                first = alternation.search(norm)
                found = searcher.search(norm)
                assert (found and found.span()) == (first and first.span())
                checked += 1
    assert checked > 1000


def test_literals_of_a_piece_are_read_from_its_wrapped_parse():
    """The prefilter reads a piece's literals from the parse of ``(?:piece)``
    (shared with rule compiling): the parser unwraps the group, so the clauses
    are the piece's own."""
    import re._parser as sre

    from scoring.prefilter import _literals
    from scoring.regex_source import parsed_regex

    checked = 0
    for compiled in default_rubric().rules:
        for piece in compiled.matcher.pieces:
            own = _literals(sre.parse(piece))
            assert _literals(parsed_regex(f"(?:{piece})")) == own, piece
            checked += 1
    assert checked > 1000
