"""The scenario parser and graph checks: every problem, located, with hints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from scoring.yamldoc import parse
from simulator import loader
from simulator.scenario import parse_scenario

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "scenarios" / "wrong_item" / "wrong-size-shoes.yaml").read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    _, found = parse_scenario(parse(text, "s.yaml"))
    return [str(p) for p in found]


def test_the_documented_example_is_valid():
    assert problems(EXAMPLE) == []


def test_the_guide_embeds_the_same_example():
    guide = (ROOT / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    block = re.search(r"## A complete, annotated example\n\n```yaml\n(.*?)```", guide, re.S)
    assert block and block.group(1) == EXAMPLE


def test_misspelt_key_gets_a_hint_and_position():
    found = problems(EXAMPLE.replace("        goto: details\n", "        goot: details\n", 1))
    assert any(
        re.match(r"s\.yaml:\d+:9: unknown key 'goot' — did you mean 'goto'\?", p) for p in found
    ), found


def test_unknown_goto_and_unreachable_nodes_and_endings():
    text = EXAMPLE.replace(
        "goto: furious\n        why: {zh: 推卸责任", "goto: furios\n        why: {zh: 推卸责任"
    )
    found = problems(text)
    assert any("unknown node or ending 'furios' — did you mean 'furious'?" in p for p in found)
    text = EXAMPLE.replace(
        "  furious:\n",
        "  orphan:\n    say: [x]\n    model_reply: 抱歉\n    on:\n      - else: true\n        goto: orphan\n  furious:\n",
    )
    found = problems(text)
    assert any("node 'orphan' cannot be reached" in p for p in found)


def test_node_without_path_to_an_ending():
    text = EXAMPLE.replace(
        "        mood: +20\n        goto: escalated", "        mood: +20\n        goto: furious"
    )
    text = text.replace("        goto: details\n  endings", "        goto: furious\n  endings")
    found = problems(text)
    assert any("never reached" in p for p in found) or any(
        "no path to any ending" in p for p in found
    )


def test_missing_model_reply_and_fallback():
    text = EXAMPLE.replace(
        "    model_reply: 非常抱歉,是我们的错。今天给您补发42码,运费我们承担,错的那双不用您垫付运费。\n",
        "",
    )
    assert any("missing required key 'model_reply'" in p for p in problems(text))
    text = EXAMPLE.replace(
        "      - else: true\n        mood: +20\n        goto: escalated",
        "      - if: {apology: false}\n        goto: escalated",
    )
    assert any("the last reaction must be the fallback" in p for p in problems(text))


def test_bad_values_are_reported_together():
    text = EXAMPLE.replace("category: wrong_item", "category: wrong_items").replace(
        "difficulty: 2", "difficulty: 5"
    )
    found = problems(text)
    assert any("unknown category 'wrong_items'" in p for p in found)
    assert any("must be a whole number from 1 to 3" in p for p in found)


def test_bad_condition_key_and_value():
    text = EXAMPLE.replace("if: {no_blame: false}", "if: {no_blame: maybe, remedy_typ: refund}")
    found = problems(text)
    assert any("'no_blame' must be true or false" in p for p in found)
    assert any("unknown key 'remedy_typ' — did you mean 'remedy_type'?" in p for p in found)


def test_model_reply_that_breaks_policy_is_flagged(tmp_path):
    text = EXAMPLE.replace(
        "model_reply: 非常抱歉给您发错了尺码,耽误您穿了!",
        "model_reply: 非常抱歉给您发错了尺码,今天给您补偿200元现金红包,耽误您穿了!",
    )
    path = tmp_path / "wrong-size-shoes.yaml"
    path.write_text(text, encoding="utf-8")
    lib = loader.load([path])
    assert any("model reply breaks the policy" in p.message for p in lib.problems), lib.problems


def test_duplicate_ids_across_files(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "wrong-size-shoes.yaml").write_text(EXAMPLE, encoding="utf-8")
    lib = loader.load([tmp_path])
    assert any("duplicate scenario id 'wrong-size-shoes'" in p.message for p in lib.problems)


def test_not_utf8_points_at_the_bad_byte(tmp_path):
    """The column counts characters up to the first byte that is not UTF-8 (GBK here)."""
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: x\ntitle:\n  zh: 发错".encode() + "尺码".encode("gbk") + b"\n")
    (problem,) = loader.load([path]).problems
    assert (problem.line, problem.col, problem.message) == (3, 9, "not valid UTF-8 (byte 0xb3)")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe id: x", "not valid UTF-8"),
        (b"id: [unclosed", "while parsing"),
        (
            b"a: &a [x, x]\n" + b"".join(f"b{i}: &b{i} [*a, *a]\n".encode() for i in range(60)),
            "alias",
        ),
    ],
)
def test_broken_files_give_a_located_message(tmp_path, content, message):
    path = tmp_path / "x.yaml"
    path.write_bytes(content)
    lib = loader.load([path])
    assert lib.problems and message in lib.problems[0].message
    assert lib.problems[0].file.endswith("x.yaml")


def _one(found: list[str], line_part: str) -> str:
    hits = [p for p in found if line_part in p]
    assert len(hits) == 1, found
    return hits[0]


def test_texts_name_the_field_and_the_missing_languages():
    """Authors write {zh: Simplified, en: English}; the Traditional screens are made
    from zh. Any other combination says which field, what to change, and how."""
    title = "title:                               # shown in the library and reports\n  zh: 发错尺码的休闲皮鞋\n  en: Wrong shoe size shipped\n"  # noqa: E501
    cases = {
        "title: {zh-Hant: 退貨}\n": "s.yaml:3:1: title: give zh (Simplified Chinese) instead of "
        "zh-Hant, as the app makes the Traditional text from zh; add en (English); "
        "write it as title: {zh: 退货, en: ...}",
        "title: {zh-Hant: 退貨, en: Returns}\n": "s.yaml:3:1: title: give zh (Simplified "
        "Chinese) instead of zh-Hant, as the app makes the Traditional text from zh; "
        "write it as title: {zh: 退货, en: Returns}",
        "title: {zh: 退货, zh-Hant: 退貨, en: Returns}\n": "s.yaml:3:1: title: remove zh-Hant: "
        "the app makes the Traditional text from zh; write it as title: {zh: 退货, en: Returns}",
        "title: {en: Returns}\n": "s.yaml:3:1: title: add zh (Simplified Chinese); "
        "write it as title: {zh: ..., en: Returns}",
        "title: {zh-CN: 退货, english: Returns}\n": "s.yaml:3:1: title: write zh-CN as zh; "
        "write english as en; write it as title: {zh: 退货, en: Returns}",
        "title: {zn: 退货, en: Returns}\n": "s.yaml:3:1: title: write zn as zh; "
        "write it as title: {zh: 退货, en: Returns}",
        "title: {zh: 退货, en: Returns, fr: Retours}\n": "s.yaml:3:1: title: 'fr' is not a "
        "language here (zh or en); write it as title: {zh: 退货, en: Returns}",
        "title: '退货, 尺码'\n": "s.yaml:3:1: title needs two texts, zh (Simplified Chinese) "
        'and en (English), not one text; write it as title: {zh: "退货, 尺码", en: ...}',
    }
    for given, want in cases.items():
        assert _one(problems(EXAMPLE.replace(title, given)), "s.yaml:3:") == want
    found = problems(
        EXAMPLE.replace('{zh: "急躁,说话直接", en: "impatient and blunt"}', "{zh: ''}")
    )
    assert "s.yaml:39:17: buyer.temperament.zh must be a non-empty text" in found
    assert (
        "s.yaml:39:3: buyer.temperament: add en (English); write it as "
        "temperament: {zh: ..., en: ...}" in found
    )


def test_numbers_out_of_range_name_the_field_and_the_range():
    text = (
        EXAMPLE.replace("difficulty: 2 ", "difficulty: 5 ")
        .replace("response_target_s: 90", "response_target_s: -5")
        .replace("  mood: 65 ", "  mood: 150")
        .replace("patience: 3 ", "patience: 0 ")
        .replace("refund: {max: 399}", "refund: {max: -1}")
        .replace("        mood: +25\n", "        mood: +250\n")
        .replace("if: {apology: true, listening: true}", "if: {apology: true, mood_at_most: 120}")
        .replace("      mood: [0, 40]", "      mood: [40, 0]")
    )
    found = problems(text)
    for want in (
        "difficulty must be a whole number from 1 to 3 (1 easy .. 3 hard), not 5",
        "response_target_s must be a number of seconds above 0 (e.g. 90), not -5",
        "buyer.mood must be a whole number from 0 to 100 (0 calm .. 100 furious), not 150",
        "buyer.patience must be a whole number from 1 to 20 (replies in a row without progress "
        "before the buyer gives up), not 0",
        "briefing.policy.allowed.refund.max must be an amount of 0 or more, not -1",
        "nodes.complaint.on[0].mood must be a change such as +20 or -15, from -100 to +100, "
        "not 250",
        "nodes.complaint.on[1].if.mood_at_most must be a whole number from 0 to 100 (the "
        "buyer's mood: 0 calm .. 100 furious), not 120",
        "tests[0].expect.mood must be a range like [0, 40]: two whole numbers from 0 to 100, "
        "the lower first, not [40, 0]",
    ):
        assert any(p.endswith(want) for p in found), (want, found)
    assert len(found) == 8, found
