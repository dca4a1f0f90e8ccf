"""The shipped rubric compiled lazily (``default_rubric_for``) is the eager one."""

from __future__ import annotations

import pytest

from scoring import resources
from scoring.kinds import compile_rule
from scoring.regex_source import split_alternatives
from scoring.rubric import default_rubric, default_rubric_for, parse_rubric


def test_lazy_rules_compile_to_the_eager_regexes():
    criteria = frozenset({"remedy", "specific"})
    eager = parse_rubric(resources.rubric_texts(), only=criteria)
    lazy = default_rubric_for(criteria)
    assert [c.rule for c in lazy.rules] == [c.rule for c in eager.rules]
    for left, right in zip(lazy.rules, eager.rules, strict=True):
        assert left.matcher.regex.pattern == right.matcher.regex.pattern
        assert left.matcher == right.matcher


def test_every_shipped_rule_compiles():
    # What lets default_rubric and default_rubric_for leave regexes for later:
    # the eager parse raises on any rule whose regex does not compile.
    eager = parse_rubric(resources.rubric_texts())
    assert [c.rule for c in eager.rules] == [c.rule for c in default_rubric().rules]
    for compiled, lazy in zip(eager.rules, default_rubric().rules, strict=True):
        assert compiled.matcher.regex.pattern == lazy.matcher.regex.pattern


def test_a_bad_pattern_is_still_reported_at_once():
    with pytest.raises(ValueError, match="bad regular expression"):
        compile_rule("pattern", {"patterns": ["(?i)a", "(?i)b"]}, {}, [], [])


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [
        ("a|(b|c)d", ["a", "(b|c)d"]),
        ("(?:a)|(?=b)c", ["(?:a)", "(?=b)c"]),
        ("[|]|a", ["[|]", "a"]),
        ("a(?#)|b", ["a(?#)", "b"]),
        # Global flags are valid at a part's start, though not inside "(?:...)".
        ("(?i)a|b", ["(?i)a", "b"]),
        ("a|(?i)b", ["a", "(?i)b"]),
        # "x)(y" is no regex, though "(?:x)(y)" is one.
        ("x)(y|z", ["x)(y|z"]),
        ("a)|(b", ["a)|(b"]),
        # Brackets in comments.
        ("a(?#(|b)c", ["a(?#(|b)c"]),
        ("(?x)a #(\n|b", ["(?x)a #(\n|b"]),
        ("(?P<n>a)|(?P=n)", ["(?P<n>a)|(?P=n)"]),
    ],
)
def test_split_alternatives_keeps_what_is_no_regex_whole(pattern, parts):
    # Parts are checked with the shared parse of "(?:part)" where that parse
    # accepts exactly what the part's own parse accepts, else parsed bare.
    assert split_alternatives(pattern) == parts
