"""Normalisation: script conversion, width folding and the offset map."""

from __future__ import annotations

from scoring.normalize import normalize


def test_traditional_to_simplified_keeps_offsets():
    n = normalize("親，對不起讓您久等了")
    assert n.text == "亲,对不起让您久等了"
    assert n.traditional
    start, end = n.span(2, 5)
    assert n.original[start:end] == "對不起"


def test_fullwidth_is_folded_and_mapped_back():
    n = normalize("ＳＯＲＲＹ！退款２０元")
    assert n.text == "sorry!退款20元"
    i = n.text.index("20")
    start, end = n.span(i, i + 3)
    assert n.original[start:end] == "２０元"


def test_expanding_characters_map_to_their_source():
    n = normalize("好的…抱歉")
    assert n.text == "好的...抱歉"
    i = n.text.index("抱歉")
    assert n.original[slice(*n.span(i, i + 2))] == "抱歉"
    assert n.span(2, 5) == (2, 3)  # three dots come from one ellipsis


def test_written_cantonese_is_folded():
    assert normalize("唔好意思，係我哋嘅問題").text == "不好意思,是我们的问题"
    assert normalize("你係咪冇睇說明書").text == "你是否没看说明书"


def test_simplified_text_is_unchanged_and_not_traditional():
    n = normalize("联系快递给您补发")
    assert n.text == "联系快递给您补发"
    assert not n.traditional


def test_emoji_survive_and_map():
    n = normalize("抱歉😭我们马上处理")
    assert "😭" in n.text
    i = n.text.index("我们")
    assert n.original[slice(*n.span(i, i + 2))] == "我们"
