"""Rubric files are checked strictly: every problem reported with file:line:col."""

from __future__ import annotations

import time

import pytest

from scoring import resources
from scoring.rubric import RubricError, parse_rubric
from scoring.yamldoc import YamlError, parse


def _with(name: str, text: str) -> dict[str, str]:
    texts = resources.rubric_texts()
    texts[name] = text
    return texts


RULE = """criterion: apology
rules:
  - id: ZZ001
    kind: phrase
    level: earn
    phrases: [抱歉]
    message: {zh: 甲, en: a}
    fix: {zh: 乙, en: b}
    examples: {match: [抱歉], no_match: [好的]}
"""


def test_a_valid_extra_file_loads():
    rubric = parse_rubric(_with("extra.yaml", RULE))
    assert rubric.rule("ZZ001").criterion == "apology"


def test_unknown_key_names_file_line_and_suggests():
    bad = RULE.replace("    level: earn", "    level: earn\n    phrazes: [x]")
    with pytest.raises(RubricError) as err:
        parse_rubric(_with("extra.yaml", bad))
    assert "extra.yaml:6:5: unknown key 'phrazes' — did you mean 'phrases'?" in str(err.value)


def test_every_problem_is_reported_at_once():
    bad = RULE.replace("kind: phrase", "kind: frase").replace("level: earn", "level: great")
    with pytest.raises(RubricError) as err:
        parse_rubric(_with("extra.yaml", bad))
    messages = [p.message for p in err.value.problems]
    assert any("unknown kind 'frase'" in m for m in messages)
    assert any("unknown level 'great'" in m for m in messages)


def test_bad_regex_is_reported_with_the_rule():
    bad = RULE.replace("kind: phrase", "kind: pattern").replace(
        "phrases: [抱歉]", "patterns: ['(抱歉']"
    )
    with pytest.raises(RubricError) as err:
        parse_rubric(_with("extra.yaml", bad))
    assert "extra.yaml:3:5: rule ZZ001: bad regular expression" in str(err.value)


def test_duplicate_rule_id_is_an_error():
    with pytest.raises(RubricError, match="duplicate rule id AP001"):
        parse_rubric(_with("extra.yaml", RULE.replace("ZZ001", "AP001")))


def test_weights_must_add_up():
    texts = resources.rubric_texts()
    texts["scoring.yaml"] = texts["scoring.yaml"].replace(
        "timely_apology: 20", "timely_apology: 21", 1
    )
    with pytest.raises(RubricError, match="weights.chat must add up to 100, not 101"):
        parse_rubric(texts)


def test_python_tags_are_refused():
    with pytest.raises(YamlError, match="not allowed"):
        parse("a: !!python/object/apply:os.system ['true']", "evil.yaml")


def test_alias_bomb_is_refused_quickly():
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    started = time.perf_counter()
    with pytest.raises(YamlError, match="alias"):
        parse("\n".join(lines), "bomb.yaml")
    assert time.perf_counter() - started < 1.0


def test_too_large_file_is_refused():
    with pytest.raises(YamlError, match="larger than"):
        parse("a: " + "x" * 1_100_000, "big.yaml")


def test_syntax_error_has_position():
    with pytest.raises(YamlError) as err:
        parse("a: [1, 2\nb: 3\n", "broken.yaml")
    assert str(err.value).startswith("broken.yaml:2:")


HANDOFF = """criterion: no_blame
parties:
  courier: ['快递|飞鸽']
  platform: ['平台']
rules:
  - id: ZZ002
    kind: pattern
    level: cost
    target: colleague
    named_party: true
    patterns: ['您去找[^吧]{1,4}吧']
    message: {zh: 甲, en: a}
    fix: {zh: 乙, en: b}
    examples: {match: [您去找快递吧], no_match: [好的]}
"""


def test_a_hand_off_rule_takes_its_target_from_the_party_it_names():
    from scoring import score_reply

    rubric = parse_rubric(_with("extra.yaml", HANDOFF))
    assert score_reply("您去找快递吧", rubric=rubric).blame_targets == ("courier",)
    assert score_reply("您去找平台吧", rubric=rubric).blame_targets == ("platform",)
    # No party named: the rule's own target.
    assert score_reply("您去找同事吧", rubric=rubric).blame_targets == ("colleague",)
    # A party only this file's lexicon knows: the shipped hand-off rule that
    # also matches would fall back to its default target, this rule names the
    # courier. The words are one piece of blame, shown once, on the courier.
    result = score_reply("您去找飞鸽吧", rubric=rubric)
    assert [(f.rule, f.target) for f in result.findings] == [("ZZ002", "courier")]
    assert result.blame_targets == ("courier",)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    named_party: true",
            "    named_party: yes please",
            "extra.yaml:10:5: must be true or false",
        ),
        (
            "  courier: ['快递|飞鸽']",
            "  postman: ['快递']",
            "extra.yaml:3:3: unknown target 'postman'",
        ),
        ("  courier: ['快递|飞鸽']", "  courier: ['(快递']", "extra.yaml:3:3: bad pattern '(快递'"),
        (
            "  courier: ['快递|飞鸽']",
            "  courier: []",
            "extra.yaml:3:3: needs a non-empty list of patterns",
        ),
        (
            "parties:\n  courier: ['快递|飞鸽']\n  platform: ['平台']\n",
            "",
            "extra.yaml:7:5: needs 'parties' (blame target: patterns)",
        ),
    ],
)
def test_bad_parties_are_reported_where_they_are(old, new, expected):
    with pytest.raises(RubricError) as err:
        parse_rubric(_with("extra.yaml", HANDOFF.replace(old, new)))
    assert expected in str(err.value)
