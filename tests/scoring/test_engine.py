"""score_reply: the four criteria on the hard cases CRITERIA.md names."""

from __future__ import annotations

import pytest

from scoring import score_reply


def crit(text: str, **kw) -> dict[str, bool]:
    return score_reply(text, **kw).criteria


@pytest.mark.parametrize(
    "text, expected",
    [
        ("非常抱歉给您添麻烦了", True),
        ("對不起讓您久等了", True),
        ("亲,实在报歉", True),  # input-method typo
        ("对不气亲,我马上看", True),
        ("I'm so sorry for the delay.", True),
        ("如果您觉得不满意,那我道歉", False),  # conditional
        ("很抱歉您这么想", False),
        ("Sorry you feel that way.", False),
        ("我们没什么可道歉的", False),  # negated
        ("不好意思,这个不归我们管", False),  # softener for a hand-off
        ("真是对不起您了,您最有理", False),  # sarcasm
        ("我抱着箱子去了快递站", False),  # look-alike
        ("报告已经提交", False),
        ("我都不好意思开口", False),  # "too shy to"
        ("给您带来不便我们很抱歉。不过这款不支持七天无理由退货。", True),  # regret, then refusal
    ],
)
def test_apology(text, expected):
    assert crit(text)["apology"] is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("能说说具体情况吗?", True),
        ("方便发一下照片吗?", True),
        ("请问订单号是多少?", True),
        ("您说,我听着", True),
        ("Could you send me a photo of the damage?", True),
        ("您是不是没看说明书?", False),  # accusing
        ("您到底想怎样?", False),
        ("还有其他问题吗?", False),  # closing formula
        ("您看选哪个?", False),  # a decision, not their account
        ("要不要看看我们的新款?", False),  # sales
    ],
)
def test_listening(text, expected):
    assert crit(text)["listening"] is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("我们今天给您补发,运费我们承担", True),
        ("给您退款20元,24小时内到账", True),
        ("来回运费都由我们承担,您寄回来给您换新", True),
        ("I've issued a full refund; you'll see it in 3-5 business days.", True),
        ("我们会处理的", False),  # vague
        ("退款是不可能的", False),  # refused
        ("不能退", False),
        ("您改成好评我就退您20元", False),  # review-conditional
        ("如果检测出来是质量问题再给您退款", False),  # inspection-conditional
        ("我帮您问问", False),
        ("您可以重启一下试试", False),  # usage instructions only
        # A fallback's deadline sits in its condition's clause.
        ("已经在催快递了。如果明天中午还没找到,我们直接重新出货", True),
        ("I've opened a trace. If it hasn't moved by Friday, we'll send a replacement.", True),
        ("本来今天到,我们在催了", False),  # a date in an earlier clause, no condition
        ("今天下午5点骑手上门收回,同时送上正确的订单", True),  # a joined clause shares its time
    ],
)
def test_remedy(text, expected):
    assert crit(text)["remedy"] is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("您自己没看清楚", False),
        ("这是快递的问题,您去找快递", False),
        ("那是上一个客服说的,跟我无关", False),
        ("您先垫付运费,我们收到后再返给您", False),
        ("Please contact the manufacturer.", False),
        ("由于物流高峰期延误了,非常抱歉,我们马上帮您催件并补偿15元优惠券", True),
        ("这不是您的问题,是我们发错了", True),
        ("非常抱歉,包裹已于3月5日签收,签收照片已发您,我们可以帮您向快递申请调查", True),
        # a cause guessed at the buyer: blame; owned by the shop in the same sentence: not
        ("漏水多半是进水管没锁紧,您再检查一下", False),
        ("漏水多半是進水管沒鎖緊,是我們師傅安裝沒做好,責任在我們。", True),
        ("漏水多半是进水管没锁紧。是我们的问题吗?您自己签收的", False),
    ],
)
def test_no_blame(text, expected):
    assert crit(text)["no_blame"] is expected


def test_blame_targets_are_named():
    r = score_reply("这是快递的问题,您去找快递")
    assert "courier" in r.blame_targets
    r = score_reply("您自己没看清楚详情页")
    assert r.blame_targets == ("buyer",)


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        # A hand-off blames the party it sends the buyer to, not "a colleague".
        ("不好意思,这是快递的问题,您自己联系快递吧", {"courier"}),
        ("退款要找平台客服", {"platform"}),
        ("請找蝦皮客服", {"platform"}),
        ("您跟售后说吧", {"colleague"}),
        ("有问题您找我们售后部门处理吧", {"colleague"}),
        ("Please contact UPS directly", {"courier"}),
        ("Please take it up with the carrier.", {"courier"}),
        ("You'll need to contact Samsung for warranty.", {"manufacturer"}),
        ("你去问你的开户行吧", {"third_party"}),
        ("迟到的问题您跟安装公司投诉吧", {"third_party"}),
        # Named in the same sentence, not in the words that hand off.
        ("快递慢了,您自己去问吧", {"courier"}),
        # ...but not from another sentence.
        ("抱歉,快递那边晚了。您自己去问吧", {"third_party"}),
        # Overlapping hand-off rules are one piece of blame, with one target.
        ("pls contact them directly", {"third_party"}),
        ("Please contact the courier directly.", {"courier"}),
        ("是你自己没看清楚,你去找快递吧", {"buyer", "denial", "courier"}),
        ("厂家那边一直拖着不给货 我们也催了好几次", {"manufacturer"}),
    ],
)
def test_a_hand_off_names_the_party_it_sends_the_buyer_to(text, targets):
    assert set(score_reply(text).blame_targets) == targets


def test_remedy_details_are_extracted():
    r = score_reply("非常抱歉!退您二十元,并补发一件,单号SF1234567890,明天送到,运费我们出")
    offer = r.remedy
    assert offer.committed
    assert {"partial_refund", "reship", "shop_pays_postage"} <= set(offer.types)
    assert [a.value for a in offer.amounts] == [20.0]
    assert offer.payer == "shop"
    assert "sf1234567890" in [t.lower() for t in offer.tracking]
    assert "明天" in offer.time_frames


def test_buyer_pays_is_recorded():
    r = score_reply("您先垫付运费寄回,收到后给您换新,运费到时返给您")
    assert r.remedy.payer == "buyer"
    assert r.criteria["no_blame"] is False


def test_evidence_spans_point_at_the_original_characters():
    text = "親，真的很抱歉！我們今天就給您補發，運費我們負擔"
    r = score_reply(text)
    assert r.findings
    for f in r.findings:
        assert text[f.start : f.end] == f.text
    assert any(f.text == "抱歉" for f in r.findings)


def test_traditional_reply_is_judged_like_simplified():
    assert crit("非常抱歉,請問訂單號是多少?我們今天補發") == crit(
        "非常抱歉,请问订单号是多少?我们今天补发"
    )


def test_courtesy_and_inducement_checks():
    assert score_reply("爱买不买").checks["courtesy"] is False
    assert score_reply("我真笨,求求您原谅").checks["courtesy"] is False  # grovelling
    assert score_reply("好评返现5元哦").checks["no_review_inducement"] is False
    assert score_reply("非常抱歉,今天给您补发").checks == {
        "courtesy": True,
        "no_template": True,
        "no_review_inducement": True,
    }


def test_review_reply_register_and_privacy():
    r = score_reply("亲~不好意思哈,有问题打13812345678", channel="review_reply")
    assert r.checks["formal_register"] is False
    assert r.checks["no_private_data"] is False
    r = score_reply("尊敬的顾客,非常抱歉给您带来不便,我们已联系您处理。", channel="review_reply")
    assert r.checks["formal_register"] and r.checks["no_private_data"]
    assert "formal_register" not in score_reply("亲~", channel="chat").checks


def test_template_reply_against_earlier_and_canned_text():
    earlier = "亲,非常抱歉给您带来不便,我们这边马上为您核实处理"
    r = score_reply(earlier + "。", context={"previous_replies": [earlier]})
    assert r.checks["no_template"] is False
    assert (
        score_reply("亲,您的问题我们已经收到了,会尽快为您处理,请耐心等待哦").checks["no_template"]
        is False
    )


def test_messages_follow_the_reply_language():
    assert score_reply("Sorry for the delay").lang == "en"
    assert score_reply("對不起").lang == "zh-Hant"
    d = score_reply("您自己没看清楚").to_dict("en")
    assert d["findings"][0]["message"] == "Blamed the buyer"
    d = score_reply("您自己沒看清楚").to_dict()
    assert "責任" in d["findings"][0]["message"]


def test_unknown_channel_is_an_error():
    with pytest.raises(ValueError, match="unknown channel"):
        score_reply("hi", channel="email")


def test_empty_and_huge_replies_do_not_crash():
    assert crit("") == {"apology": False, "listening": False, "remedy": False, "no_blame": True}
    big = "非常抱歉给您添麻烦了。" * 5000
    assert crit(big)["apology"] is True


def test_remedy_offer_agrees_with_score_reply():
    from scoring.engine import remedy_offer

    for text in (
        "非常抱歉!退您二十元,并补发一件,单号SF1234567890,明天送到,运费我们出",
        "您先垫付运费寄回,收到后给您换新,运费到时返给您",
        "您改成好评我就退您20元",
        "We'll refund you in full today",
    ):
        assert remedy_offer(text) == score_reply(text).remedy
