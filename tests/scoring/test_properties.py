"""Property tests: the scorer never raises, spans are exact, scripts agree."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import score_reply
from scoring.normalize import normalize, to_simplified

PIECES = [
    "抱歉",
    "對不起",
    "不好意思",
    "亲",
    "您",
    "快递",
    "退款",
    "20元",
    "今天",
    "吗",
    "?",
    "？",
    "，",
    "！",
    "补发",
    "运费",
    "我们",
    "承担",
    "照片",
    "sorry",
    "refund",
    " ",
    "\n",
    "😭",
    "…",
    "ＡＢ",
    "唔",
    "係",
    "如果",
    "不",
    "没",
    "是",
    "的",
    "问题",
    "找",
    "厂家",
    "好评",
    "返现",
]
texts = st.one_of(
    st.text(max_size=200),
    st.lists(st.sampled_from(PIECES), max_size=40).map("".join),
)
FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(texts, st.sampled_from(["chat", "review_reply"]))
def test_never_raises_and_spans_slice_the_original(text, channel):
    result = score_reply(text, channel=channel)
    assert set(result.criteria) == {"apology", "listening", "remedy", "no_blame"}
    for f in result.findings:
        assert 0 <= f.start <= f.end <= len(text)
        assert text[f.start : f.end] == f.text


@FAST
@given(texts)
def test_offset_map_is_monotonic_and_in_bounds(text):
    n = normalize(text)
    assert len(n.source) == len(n.text)
    assert all(0 <= i < len(text) for i in n.source)
    assert list(n.source) == sorted(n.source)


@FAST
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_traditional_is_judged_like_its_simplified_conversion(text):
    # 係 is written Cantonese for 是; OpenCC turns it into 系 (a different word),
    # so the Simplified counterpart of a Cantonese reply spells it 是.
    simplified = to_simplified(text.replace("係", "是"))
    assert score_reply(text).criteria == score_reply(simplified).criteria
