"""The script set parser: every problem, located (FILE:LINE:COL), with hints."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring.yamldoc import parse
from simulator.drill_parse import parse_script_set

GOOD = """\
id: demo
title: {zh: 演示, en: Demo}
channel: chat
language: zh-Hans
items:
  - id: sorry
    situation: {zh: 包裹晚到, en: Late parcel}
    lines:
      - 非常抱歉让您久等了，我马上帮您催件。
    key_points:
      - id: apology
        label: {zh: 道歉, en: Apology}
        phrases: [抱歉, 对不起]
      - id: chase
        label: {zh: 催件, en: Chase}
        phrases: [催件]
    variants:
      - 对不起让您久等了，我马上帮您催件。
    expect: {apology: true}
  - id: bye
    situation: {zh: 结束, en: Close}
    lines: 感谢您的耐心，祝您生活愉快！
    key_points:
      - id: thanks
        label: {zh: 感谢, en: Thanks}
        phrases: 感谢
"""


def problems(text: str) -> list[str]:
    _, found = parse_script_set(parse(text, "s.yaml"))
    return [str(p) for p in found]


def test_a_good_set_parses_with_positions():
    script_set, found = parse_script_set(parse(GOOD, "s.yaml"))
    assert found == []
    assert script_set is not None
    assert [i.id for i in script_set.items] == ["sorry", "bye"]
    assert script_set.line_of == {"sorry": 6, "bye": 20}
    sorry = script_set.items[0]
    assert sorry.variants == ("对不起让您久等了，我马上帮您催件。",)
    assert sorry.expect == {"apology": True}
    assert script_set.items[1].lines == ("感谢您的耐心，祝您生活愉快！",)  # a single text is a list
    assert sorry.key_points[0].label.en == "Apology"
    assert sorry.pass_similarity == 0.8


def test_unknown_key_has_a_did_you_mean_hint():
    found = problems(GOOD.replace("    variants:\n", "    varaints:\n"))
    assert "s.yaml:17:5: unknown key 'varaints' — did you mean 'variants'?" in found


def test_missing_fields_are_named_at_their_parent():
    found = problems(GOOD.replace("    situation: {zh: 结束, en: Close}\n", ""))
    assert found == ["s.yaml:20:5: missing required key 'situation'"]
    found = problems(GOOD.replace("channel: chat\n", ""))
    assert found == ["s.yaml:1:1: missing required key 'channel'"]
    found = problems(GOOD.replace("        label: {zh: 感谢, en: Thanks}\n", ""))
    assert found == ["s.yaml:24:9: missing required key 'label'"]


def test_wrong_types_and_values():
    text = (
        GOOD.replace("channel: chat", "channel: wechat")
        .replace("language: zh-Hans", "language: zh-CN")
        .replace("expect: {apology: true}", "expect: {apology: yes}")
        .replace("    lines: 感谢您的耐心，祝您生活愉快！", "    lines: {a: 1}")
    )
    found = problems(text)
    assert "s.yaml:3:1: unknown channel 'wechat' (one of: chat, review_reply)" in found
    assert "s.yaml:4:1: unknown language 'zh-CN' (one of: zh-Hans, zh-Hant, en)" in found
    assert "s.yaml:19:14: 'apology' must be true or false" in found
    assert "s.yaml:22:5: items[1].lines must be a non-empty list of texts" in found


def test_pass_similarity_and_items_are_checked():
    found = problems(GOOD.replace("language: zh-Hans\n", "language: zh-Hans\npass_similarity: 2\n"))
    assert (
        "s.yaml:5:1: pass_similarity must be a number above 0 and at most 1 (e.g. 0.8), not 2"
        in found
    )
    head = GOOD.split("items:")[0]
    assert problems(head + "items: []\n") == [
        "s.yaml:5:1: must be a non-empty list of script items"
    ]


def test_duplicate_ids():
    found = problems(GOOD.replace("  - id: bye", "  - id: sorry"))
    assert "s.yaml:20:5: duplicate item id 'sorry'" in found
    found = problems(GOOD.replace("      - id: chase", "      - id: apology"))
    assert "s.yaml:14:9: duplicate key point id 'apology'" in found


def test_bad_ids():
    found = problems(GOOD.replace("id: demo", "id: Demo Set"))
    assert "s.yaml:1:1: an id uses lower-case letters, digits and '-' only" in found
    found = problems(GOOD.replace("      - id: chase", "      - id: Chase!"))
    assert "s.yaml:14:9: an id uses lower-case letters, digits, '-' and '_' only" in found


def test_a_standard_line_must_say_every_key_point():
    found = problems(
        GOOD.replace("      - 非常抱歉让您久等了，我马上帮您催件。", "      - 非常抱歉让您久等了。")
    )
    assert found == [
        "s.yaml:9:9: standard line 1 does not say key point 'chase' (phrases: 催件)",
    ]


def test_a_key_point_no_line_says_is_an_error():
    text = GOOD.replace("phrases: [催件]", "phrases: [加急]")
    found = problems(text)
    assert "s.yaml:9:9: standard line 1 does not say key point 'chase' (phrases: 加急)" in found


def test_a_variant_that_misses_a_key_point_is_an_error():
    found = problems(
        GOOD.replace(
            "      - 对不起让您久等了，我马上帮您催件。", "      - 让您久等了，我马上帮您催件。"
        )
    )
    assert found == [
        "s.yaml:18:9: variant 1 does not say key point 'apology' (phrases: 抱歉, 对不起)",
    ]


def test_key_points_match_traditional_and_full_width():
    text = GOOD.replace(
        "      - 对不起让您久等了，我马上帮您催件。", "      - 對不起讓您久等了，我馬上幫您催件！"
    )
    assert problems(text) == []


def test_a_variant_repeating_a_line_is_an_error():
    text = GOOD.replace(
        "      - 对不起让您久等了，我马上帮您催件。", "      - 非常抱歉讓您久等了!我馬上幫您催件"
    )
    assert problems(text) == [
        "s.yaml:18:9: variant 1 repeats standard line 1 (punctuation and script aside)"
    ]


def test_punctuation_only_lines_and_phrases():
    text = GOOD.replace("phrases: [抱歉, 对不起]", "phrases: [抱歉, '!!']")
    assert "s.yaml:13:23: has no words or characters to match" in problems(text)
    text = GOOD.replace("    lines: 感谢您的耐心，祝您生活愉快！", "    lines: ['。。。']")
    assert "s.yaml:22:13: has no words or characters to compare" in problems(text)


def test_review_only_expectations_in_a_chat_set():
    found = problems(
        GOOD.replace("expect: {apology: true}", "expect: {apology: true, no_private_data: true}")
    )
    assert found == [
        "s.yaml:19:29: 'no_private_data' is checked on public review replies only (channel: review_reply)"
    ]
    review = GOOD.replace("channel: chat", "channel: review_reply").replace(
        "expect: {apology: true}", "expect: {apology: true, no_private_data: true}"
    )
    assert problems(review) == []


def test_unknown_expectation_gets_a_hint():
    found = problems(GOOD.replace("expect: {apology: true}", "expect: {apolgy: true}"))
    assert "s.yaml:19:14: unknown key 'apolgy' — did you mean 'apology'?" in found


@pytest.mark.parametrize("text", ["", "[1, 2]", "id: x\n", "just text"])
def test_not_a_script_set_at_all(text):
    script_set, found = parse_script_set(parse(text, "s.yaml"))
    assert script_set is None
    assert found and all(str(p).startswith("s.yaml:1:1: ") for p in found)


def test_every_problem_is_collected_at_once():
    text = (
        GOOD.replace("channel: chat", "channel: wechat")
        .replace("    variants:\n", "    varaints:\n")
        .replace("  - id: bye", "  - id: sorry")
    )
    assert len(problems(text)) == 3


def test_the_guide_example_is_valid():
    guide = Path(__file__).resolve().parents[2] / "docs" / "writing-scenarios.md"
    text = guide.read_text(encoding="utf-8").split("## Script sets", 1)[1]
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    script_set, found = parse_script_set(parse(block, "guide.yaml"))
    assert [str(p) for p in found] == []
    assert script_set is not None and script_set.items[0].expect


def test_name_placeholder_in_phrases():
    named = GOOD.replace(
        "      - 非常抱歉让您久等了，我马上帮您催件。",
        "      - 非常抱歉让您久等了，我是小安，我马上帮您催件。",
    ).replace(
        "        phrases: [催件]",
        "        phrases: [催件]\n      - id: who\n        label: {zh: 报名字, en: Name}\n"
        '        phrases: ["我是{name}"]',
    )
    assert problems(named) == [
        "s.yaml:21:9: variant 1 does not say key point 'who' (phrases: 我是{name})"
    ]
    bad = GOOD.replace(
        "phrases: [催件]", 'phrases: [催件, "我是{nmae}", "{name}和{name}", "{name}"]'
    )
    assert problems(bad) == [
        "s.yaml:16:23: unknown placeholder '{nmae}': the only one is {name}",
        "s.yaml:16:35: {name} may appear once in a phrase",
        "s.yaml:16:52: has no words or characters to match",
    ]
