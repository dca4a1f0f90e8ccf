"""Rule pieces are split at their top-level ``|``: the same matches, finer prefiltering."""

from __future__ import annotations

import re

import pytest

from scoring.kinds import norm_pattern
from scoring.normalize import normalize
from scoring.regex_source import split_alternatives
from scoring.rubric import default_rubric
from tests.scoring.test_prefilter import TEXTS


@pytest.mark.parametrize(
    "pattern, parts",
    [
        ("抱歉|对不起", ["抱歉", "对不起"]),
        ("(抱歉|对不起)给您|sorry", ["(抱歉|对不起)给您", "sorry"]),
        (r"a\|b|c", [r"a\|b", "c"]),
        ("[|]x|y", ["[|]x", "y"]),
        ("[]|]x|y", ["[]|]x", "y"]),
        ("[^]|]x|y", ["[^]|]x", "y"]),
        (r"[\]|]x|y", [r"[\]|]x", "y"]),
        ("(?<!不)退款|退货", ["(?<!不)退款", "退货"]),
        ("abc", ["abc"]),
        ("a|", ["a", ""]),
    ],
)
def test_split_at_top_level_bars_only(pattern, parts):
    assert split_alternatives(pattern) == parts


def test_split_pieces_find_what_the_authored_patterns_find():
    """A pattern rule's regex (of split pieces) matches as its authored patterns did."""
    texts = [normalize(t).text for t in TEXTS[:300]]
    checked = 0
    for compiled in default_rubric().rules:
        if compiled.rule.kind != "pattern":
            continue
        authored = re.compile(
            "|".join(f"(?:{norm_pattern(p)})" for p in compiled.rule.data["patterns"])
        )
        for text in texts:
            want = [m.span() for m in authored.finditer(text)]
            assert [m.span() for m in compiled.matcher.regex.finditer(text)] == want
            checked += 1
    assert checked > 10_000
