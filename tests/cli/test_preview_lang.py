"""``kefu play`` and ``kefu run`` in the language of --lang: every label through the
UI catalogs, in the app's words (the coach's criteria, the policy card's remedies,
the debrief's ending and score, each check by its text), nothing left in English
or as an id in a Chinese session."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from simulator.cli import main

REPLIES = "非常抱歉給您發錯了尺碼!方便拍一下標籤嗎?\n我們今天給您補償200元現金紅包\n/quit\n"
GOOD = [
    "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?",
    "看到了,是我们发错了。今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。",
]
# What the commands printed in English whatever the language: labels, criterion,
# remedy and outcome ids, check ids.
ENGLISH = re.compile(
    r"policy:|allowed:|ending:|score:|outcome:|mood|stopped|not ended|\bbuyer\b|\bagent\b|"
    r"apology|listening|remedy|no_blame|exchange|reship|partial_refund|shop_pays_postage|"
    r"resolved|partial|shop-pays-postage|no-prepay|Broken-promise"
)


def _kefu(*args: str, input: str | None = None):
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


@pytest.mark.parametrize("lang", ["zh", "zh-Hant"])
def test_play_speaks_chinese_only(lang: str) -> None:
    out = _kefu("play", "wrong-size-shoes", "--lang", lang, input=REPLIES)
    assert out.exit_code == 0, out.output
    assert ENGLISH.findall(out.stdout) == []
    hant = lang == "zh-Hant"
    for expected in (
        "店鋪政策" if hant else "店铺政策",
        "換貨、補發、退款（最多 399 元）" if hant else "换货、补发、退款（最多 399 元）",
        "[道歉✓ 傾聽✓ 補救✗ 不推責✓] 情緒 65 → 50（-15）"
        if hant
        else "[道歉✓ 倾听✓ 补救✗ 不推责✓] 情绪 65 → 50（-15）",
        "⚠ 違約風險：" if hant else "⚠ 违约风险：",
        "結局（部分解決）：" if hant else "结局（部分解决）：",
        "得分 75/100",
        "✗ 說明運費由店鋪承擔" if hant else "✗ 说明运费由店铺承担",
    ):
        assert expected in out.stdout, expected


def test_play_stopped_says_so_in_the_language() -> None:
    out = _kefu("play", "wrong-size-shoes", "--lang", "zh-Hant", input="/quit\n")
    assert "對話沒有結束。\n得分 " in out.stdout
    out = _kefu("play", "wrong-size-shoes", "--lang", "en", input="/quit\n")
    assert "The conversation did not end.\nScore " in out.stdout


def test_run_names_checks_by_their_text(tmp_path: Path) -> None:
    replies = tmp_path / "r.txt"
    replies.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    out = _kefu("run", "wrong-size-shoes", "--replies", str(replies))
    assert out.exit_code == 0
    assert ENGLISH.findall(out.stdout) == ["resolved"]  # the ending's id, as tests name it
    assert out.stdout.startswith("买家：")
    assert "\n客服：非常抱歉" in out.stdout
    assert "结局：resolved  结果：已解决  情绪：20  得分：95" in out.stdout  # the id, for tests
    assert out.stdout.endswith("  ✓ 说明运费由店铺承担\n  ✓ 不让买家垫付运费\n")
    out = _kefu("run", "wrong-size-shoes", "--replies", str(replies), "--lang", "en")
    assert out.stdout.endswith(
        "  ✓ says the shop pays the postage\n  ✓ does not ask the buyer to prepay postage\n"
    )


def test_run_says_in_the_language_when_replies_are_left_over(tmp_path: Path) -> None:
    replies = tmp_path / "r.txt"
    replies.write_text("\n".join([*GOOD, "还有一句"]) + "\n", encoding="utf-8")
    out = _kefu("run", "wrong-size-shoes", "--replies", str(replies), "--lang", "zh-Hant")
    assert out.exit_code == 0
    assert out.stderr == f"{replies}：回覆還沒用完，對話已經結束\n"


def test_run_reads_a_replies_file_saved_with_a_byte_order_mark(tmp_path: Path) -> None:
    """QA: a replies file saved by Notepad started its first reply with U+FEFF
    (kefu score drops the mark; kefu run kept it)."""
    import json

    replies = tmp_path / "r.txt"
    replies.write_bytes(b"\xef\xbb\xbf" + "\n".join(GOOD).encode("utf-8"))
    out = _kefu("run", "wrong-size-shoes", "--replies", str(replies), "--json")
    sent = [t["text"] for t in json.loads(out.stdout)["transcript"] if t["role"] == "agent"]
    assert sent == GOOD


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "不是有效的 UTF-8 编码（第 3 个字节）"), ("en", "not valid UTF-8 (byte 3)")],
)
def test_run_names_a_file_that_is_not_utf8_in_the_language(tmp_path: Path, lang, said) -> None:
    replies = tmp_path / "gbk.txt"
    replies.write_bytes(b"ok" + "好的".encode("gbk"))  # the third byte is not UTF-8
    out = _kefu("run", "wrong-size-shoes", "--replies", str(replies), "--lang", lang)
    assert out.exit_code == 1 and said in out.stderr, out.stderr
