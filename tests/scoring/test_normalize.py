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


def test_ni_addressed_to_a_woman_reads_as_ni():
    # Taiwan writes 妳 to a woman; OpenCC t2s keeps it, the rubric is written with 你
    n = normalize("退妳100元,晚上轉給妳")
    assert n.text == "退你100元,晚上转给你"
    assert n.original[slice(*n.span(0, 2))] == "退妳"


def test_texting_words_are_spelled_out_and_map_to_the_original():
    n = normalize("$59 back to UR card, ships tmrw pls")
    assert n.text == "$59 back to your card, ships tomorrow please"
    i = n.text.index("your")
    assert n.original[slice(*n.span(i, i + 4))] == "UR"
    i = n.text.index("tomorrow")
    assert n.original[slice(*n.span(i, i + 8))] == "tmrw"
    assert normalize("can u send 张图给u看").text == "can you send 张图给you看"
    n = normalize("Sry!! sori 要你等咗咁耐, soz")
    assert n.text.count("sorry") == 3
    i = n.text.index("sorry")
    assert n.original[slice(*n.span(i, i + 5))] == "Sry"


def test_texting_look_alikes_are_left_alone():
    # U盘 is a USB stick; u.s. and u-turn are words of their own; "sun" and "pure"
    # only contain the letters
    for text in ("U盘坏了", "u.s. shipping", "a u-turn", "sun is out", "pure wool", "ur2", "sryan"):
        assert normalize(text).text == text.lower()
