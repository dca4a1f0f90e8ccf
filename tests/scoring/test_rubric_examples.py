"""Every rubric rule carries must-match and must-not-match examples; run them all."""

from __future__ import annotations

import pytest

from scoring.normalize import normalize
from scoring.rubric import default_rubric

RULES = default_rubric().rules


def _fires(compiled, text: str) -> bool:
    return next(compiled.matcher.spans(normalize(text).text), None) is not None


@pytest.mark.parametrize("compiled", RULES, ids=[c.rule.id for c in RULES])
def test_rule_has_both_kinds_of_examples(compiled):
    rule = compiled.rule
    assert rule.examples_match, f"{rule.file}:{rule.line}: rule {rule.id} has no 'match' examples"
    assert rule.examples_no_match, (
        f"{rule.file}:{rule.line}: rule {rule.id} has no 'no_match' examples"
    )


@pytest.mark.parametrize("compiled", RULES, ids=[c.rule.id for c in RULES])
def test_rule_examples(compiled):
    rule = compiled.rule
    missed = [t for t in rule.examples_match if not _fires(compiled, t)]
    wrong = [t for t in rule.examples_no_match if _fires(compiled, t)]
    assert not missed, f"{rule.file}:{rule.line}: {rule.id} should match {missed}"
    assert not wrong, f"{rule.file}:{rule.line}: {rule.id} should not match {wrong}"


def test_rule_ids_are_unique_and_stable_shape():
    ids = [c.rule.id for c in RULES]
    assert len(ids) == len(set(ids))
