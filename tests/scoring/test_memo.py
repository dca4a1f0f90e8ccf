"""The verdict memo of score_reply: kept verdicts are the verdicts a fresh
rubric gives, the conversation's template check still applies to them, and
no caller can change a kept verdict through a result it was handed."""

from __future__ import annotations

from scoring import engine, resources, score_reply
from scoring.rubric import parse_rubric

REPLIES = [
    "不好意思让您久等了,请问订单号是多少?我马上帮您查。",
    "亲,这是您自己没看清楚尺码,我们不负责的。",
    "Sorry for the delay! We'll reship it today at our cost, tracking to follow.",
    "很抱歉造成您的困擾,今天就幫您補寄一份,運費我們出。",
    "亲,您的问题我们已经收到了,会尽快为您处理,请耐心等待哦",
]


def test_memo_verdicts_match_a_fresh_rubric() -> None:
    fresh = parse_rubric(resources.rubric_texts())  # equal to the default, not the same object
    for text in REPLIES:
        for channel in ("chat", "review_reply"):
            memo = score_reply(text, channel=channel)
            again = score_reply(text, channel=channel)
            direct = score_reply(text, channel=channel, rubric=fresh)
            assert memo.to_dict() == again.to_dict() == direct.to_dict()


def test_template_check_applies_to_a_kept_verdict() -> None:
    text = REPLIES[0]
    alone = score_reply(text)
    assert alone.checks["no_template"]
    repeated = score_reply(text, context={"previous_replies": [text]})
    assert not repeated.checks["no_template"]
    assert [f.rule for f in repeated.findings if f.criterion == "no_template"] == ["TPL001"]
    # and the kept verdict itself was not touched by that call
    assert score_reply(text).to_dict() == alone.to_dict()


def test_canned_text_is_flagged_from_the_memo_too() -> None:
    canned = "親,您的問題我們已經收到了,會儘快為您處理,請耐心等待哦"
    first, second = score_reply(canned), score_reply(canned)
    assert not first.checks["no_template"] and not second.checks["no_template"]
    assert [f.rule for f in second.findings if f.criterion == "no_template"] == ["TPL002"]


def test_results_do_not_share_mutable_state() -> None:
    text = REPLIES[1]
    first = score_reply(text)
    assert first.criteria["no_blame"] is False
    first.criteria["no_blame"] = True
    first.checks["courtesy"] = False
    second = score_reply(text)
    assert second.criteria["no_blame"] is False
    assert second.checks["courtesy"] is True


def test_long_replies_are_judged_without_the_memo() -> None:
    text = "请问订单号是多少?" + "我们会尽快处理。" * (engine.MEMO_MAX_CHARS // 8 + 1)
    assert len(text) > engine.MEMO_MAX_CHARS
    before = engine._judged_memo.cache_info().currsize
    result = score_reply(text)
    assert result.criteria["listening"] is True
    assert engine._judged_memo.cache_info().currsize == before


def test_memo_is_bounded() -> None:
    assert engine._judged_memo.cache_info().maxsize == engine.MEMO_SIZE


def test_grievance_memo_agrees_with_a_fresh_rubric() -> None:
    from scoring import conversation

    fresh = parse_rubric(resources.rubric_texts())
    buyers = ["怎么还没发货?都一个星期了!", "在吗", "衣服破了個洞,什麼品質啊", "Thanks, got it!"]
    for text in buyers:
        for channel in ("chat", "review_reply"):
            kept = conversation._is_grievance(text, conversation.default_rubric(), channel)
            assert kept == conversation._is_grievance(text, fresh, channel)
    assert conversation._is_grievance("怎么还没发货?都一个星期了!", fresh, "chat") is True
    assert conversation._is_grievance("Thanks, got it!", fresh, "chat") is False
    assert conversation._is_grievance_memo.cache_info().maxsize == engine.MEMO_SIZE
