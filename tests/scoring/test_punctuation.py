"""Chinese messages keep Chinese punctuation, whatever parts they are built from."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import score_conversation
from scoring.model import Message, zh_punctuation

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("道歉的回复超过了响应时间目标(30 秒)。", "道歉的回复超过了响应时间目标（30 秒）。"),
        ("相近(模型判断,没有规则直接命中)", "相近（模型判断，没有规则直接命中）"),
        ("及时道歉: 对买家", "及时道歉：对买家"),
        ("价格是 10 元!", "价格是 10 元！"),
        ("规则(AP101)命中", "规则（AP101）命中"),
        # numbers, times and English keep their own punctuation
        ("5:30 到,共 1,000 元", "5:30 到，共 1,000 元"),
        ("Hello, world (x)", "Hello, world (x)"),
        ("问题(比如 size, color)", "问题（比如 size, color）"),
        # the trainee's own words, quoted, are left exactly as typed
        ("第 1 条回复「快递的问题,您去:)」— 推卸", "第 1 条回复「快递的问题,您去:)」— 推卸"),
    ],
)
def test_half_width_beside_chinese_becomes_full_width(text: str, want: str) -> None:
    assert zh_punctuation(text) == want
    assert Message(text, "x").zh == want


def test_our_own_quoted_examples_convert_on_request() -> None:
    assert (
        zh_punctuation("例如「今天补发,运费我们出」", keep_quoted=False)
        == "例如「今天补发，运费我们出」"
    )


def test_feedback_reads_in_one_style_and_quotes_the_reply_as_typed() -> None:
    result = score_conversation(
        [
            {"role": "buyer", "text": "杯子碎了"},
            {"role": "agent", "text": "这是快递的问题,您去找快递"},
        ]
    )
    lines = [m.zh for m in result.feedback]
    for line in lines:
        outside = line.split("「")[0]
        assert not any(c in outside for c in ",:;()?!"), line
    assert any("「快递的问题,您去找快递」" in line for line in lines)  # as typed, comma and all
    assert "快递的问题,您去" in str(result.to_dict("zh"))  # evidence text: the reply's own


def test_rubric_files_keep_chinese_punctuation() -> None:
    """Messages and fixes in the rubric are written in Chinese punctuation, quoted
    examples too (a test, so a new rule's text does not slip back)."""
    bad = []
    for path in sorted((ROOT / "scenarios" / "rubric").glob("*.yaml")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            key, _, value = line.strip().partition(": ")
            if key == "zh" and zh_punctuation(value.strip("\"'"), keep_quoted=False) != value.strip(
                "\"'"
            ):
                bad.append(f"{path.name}:{n}: {value}")
    assert not bad, "\n".join(bad)
