"""Chinese text wraps by the typesetting rule: no line starts with a closing mark
(」，。), none ends with an opening one (「), and 42 stays with 码."""

from __future__ import annotations

from rich._wrap import divide_line as plain_divide

from simulator.tui import kinsoku
from simulator.tui.app import KefuApp  # noqa: F401 - installs the rule, as the app does

TEXT = (
    "非常抱歉给您发错了尺码！方便拍一下鞋盒上的「尺码标签」吗？今天就给您补寄42码，运费我们承担。"
)


def lines(text: str, offsets: list[int]) -> list[str]:
    cuts = [0, *offsets, len(text)]
    return [text[a:b] for a, b in zip(cuts, cuts[1:], strict=False)]


def broken(line_list: list[str]) -> list[str]:
    """Lines that break the rule where they meet the line before."""
    pairs = zip(line_list, line_list[1:], strict=False)
    return [
        after
        for before, after in pairs
        if after[0] in kinsoku.NO_START
        or before[-1] in kinsoku.NO_END
        or (before[-1].isdigit() and not after[0].isspace())
    ]


def test_every_width_keeps_the_rule_and_the_width() -> None:
    from rich.cells import cell_len

    plain_broke = 0
    for width in range(6, 60):
        fixed = lines(TEXT, kinsoku.divide_line(TEXT, width, True))
        plain_broke += bool(broken(lines(TEXT, plain_divide(TEXT, width, True))))
        assert "".join(fixed) == TEXT
        assert not broken(fixed), (width, fixed)
        assert all(cell_len(line) <= width for line in fixed), (width, fixed)
    assert plain_broke > 10  # the plain breaker does break it: the test can fail


def test_text_without_chinese_or_within_the_width_is_left_alone() -> None:
    english = "Sorry about the wrong size! Could you send a photo of the label? (We pay postage.)"
    for width in range(8, 40):
        assert kinsoku.divide_line(english, width, True) == plain_divide(english, width, True)
    assert kinsoku.divide_line("好的，谢谢。", 40, True) == []


def test_rich_text_and_textual_content_use_it() -> None:
    from rich.text import Text
    from textual.content import Content

    wrapped = [line.plain for line in Text(TEXT).wrap(__import__("rich").get_console(), 14)]
    assert not broken(wrapped), wrapped
    content = [line.plain for line in Content(TEXT).wrap(14)]
    assert not broken(content), content


MIXED = (
    "必须照卡片兑现：100 元回馈金当天以银行转账或 LINE Pay 转给买家，不附加任何条件。"
    "全額退款 NT$490 元；寄錯的那個不用寄回，NT$100現金今天轉給您。"
)


def test_chinese_beside_latin_words_fills_each_line() -> None:
    """QA: Rich moved a whole run of Chinese after a Latin word to the next
    line ("…银行转账或 LINE" / "Pay" / "转给买家…"), leaving near-empty lines;
    now a line breaks between characters beside a Chinese one, keeping the
    typesetting rule, and NT$100 stays whole and with 現金."""
    from rich.cells import cell_len

    for width in range(12, 60):
        got = lines(MIXED, kinsoku.divide_line(MIXED, width, True))
        assert "".join(got) == MIXED
        assert not broken(got), (width, got)
        # Every line but the last is full, but for what could not go up: a
        # character the rule pulled down, or "NT$100現" (7 cells) that holds together.
        assert all(cell_len(line.rstrip()) >= width - 8 for line in got[:-1]), (width, got)
        assert all(cell_len(line.rstrip()) <= width for line in got), (width, got)
        assert not any(line.endswith(("NT", "NT$", "NT$1", "NT$10")) for line in got)
        assert not any(line.endswith("NT$100") for line in got), (width, got)
    plain = lines(MIXED, plain_divide(MIXED, 30, True))
    assert any(cell_len(line.rstrip()) < 20 for line in plain[:-1])  # the old way left gaps
