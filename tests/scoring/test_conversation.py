"""score_conversation: order, timing, options and the 0-100 score."""

from __future__ import annotations

from scoring import score_conversation


def conv(*pairs):
    return [{"role": r, "text": t, **({"at": a} if a else {})} for r, t, a in pairs]


GOOD = conv(
    ("buyer", "收到的杯子碎了!!", "2026-11-24T10:00:00+08:00"),
    ("agent", "非常抱歉给您添麻烦了!方便拍张破损的照片吗?", "2026-11-24T10:00:30+08:00"),
    ("buyer", "[图片]", "2026-11-24T10:01:00+08:00"),
    (
        "agent",
        "看到了,给您两个方案:今天补发一个新的,或者全额退款,运费都由我们承担,您看选哪个?",
        "2026-11-24T10:01:20+08:00",
    ),
)


def test_a_good_conversation_scores_full_marks():
    r = score_conversation(GOOD)
    assert all(c.passed for c in r.criteria.values()), r.to_dict("en")["feedback"]
    assert r.score == 100
    assert {"reship", "refund"} <= set(r.options_offered)


def test_a_single_remedy_option_says_what_the_last_points_were_for():
    """All criteria passed with one remedy option scores 95: the feedback says why."""
    one = GOOD[:3] + conv(("agent", "看到了,今天给您补发一个新的,运费我们出。", None))
    r = score_conversation(one)
    assert all(c.passed for c in r.criteria.values()) and r.score == 95
    assert (
        "✓ 具体补救（只给了一种方案；让买家在两三种方案里选，可再得 5 分）"
        in r.to_dict("zh")["feedback"]
    )
    assert any("earns 5 more points" in line for line in r.to_dict("en")["feedback"])
    two = score_conversation(GOOD).to_dict("zh")["feedback"]
    assert not any("只给了一种方案" in line for line in two)
    assert any("种方案供选择" in line for line in two)


def test_late_apology_fails_timely_apology():
    turns = conv(
        ("buyer", "怎么还没发货?", None),
        ("agent", "请问订单号是多少?", None),
        ("buyer", "123456789", None),
        ("agent", "抱歉,今天给您发出", None),
    )
    r = score_conversation(turns)
    assert not r.criteria["timely_apology"].passed
    assert "第一条回复里没有道歉" in r.criteria["timely_apology"].note.zh
    assert "first reply" in r.criteria["timely_apology"].note.en


def test_slow_apology_misses_the_response_target():
    turns = conv(
        ("buyer", "东西坏了!", "2026-11-24T10:00:00Z"),
        ("agent", "非常抱歉,能说说具体情况吗?", "2026-11-24T10:05:00Z"),
    )
    slow = score_conversation(turns, response_target_s=60)
    assert not slow.criteria["timely_apology"].passed
    assert score_conversation(turns, response_target_s=600).criteria["timely_apology"].passed
    # The feedback says how late it was and asks for speed, not for an apology it had.
    zh, en = (slow.to_dict(lang)["feedback"][0] for lang in ("zh", "en"))
    assert "5 分才发出" in zh and "1 分" in zh and "尽快" in zh and "非常抱歉给您添麻烦了" not in zh
    assert "came 5 min after" in en and "(1 min)" in en and "Answer sooner" in en


def test_an_apology_word_used_to_deflect_is_named_with_its_words():
    """QA: "非常抱歉,这是您自己没看清楚" was told it had no apology, with nothing quoted."""
    turns = conv(("buyer", "坏了", None), ("agent", "非常抱歉,这是您自己没看清楚详情页", None))
    result = score_conversation(turns)
    timely = result.criteria["timely_apology"]
    assert not timely.passed
    assert [e.finding.rule for e in timely.evidence] == ["AP104"]
    line = result.to_dict("zh")["feedback"][0]
    assert "「抱歉,这是您自己」" in line and "推脱" in line
    en = score_conversation(
        conv(
            ("buyer", "broken", None),
            ("agent", "So sorry, but you did not read the description.", None),
        )
    )
    assert "reply 1" in en.to_dict("en")["feedback"][0]


def test_a_reply_timed_before_the_complaint_is_no_timely_apology():
    """An apology at 09:00 to a complaint sent at 10:00 was scored as timely
    (a negative delay is under any target). Its timing is unknown: the
    criterion says so, and the result names where time went backwards."""
    turns = conv(
        ("buyer", "东西坏了!", "2026-11-24T10:00:00+08:00"),
        ("agent", "非常抱歉,能说说具体情况吗?", "2026-11-24T09:00:00+08:00"),
    )
    for target in (None, 60):
        r = score_conversation(turns, response_target_s=target)
        apology = r.criteria["timely_apology"]
        assert apology.note is not None and "unknown" in apology.note.en, target
        assert "无法判断是否及时" in apology.note.zh
        assert [(s.turn, s.before) for s in r.time_slips] == [(1, 0)]
        assert "note" in r.to_dict("en")["criteria"]["timely_apology"]
    # The same apology thirty seconds after the complaint: timely, nothing to say.
    ok = conv(
        ("buyer", "东西坏了!", "2026-11-24T10:00:00+08:00"),
        ("agent", "非常抱歉,能说说具体情况吗?", "2026-11-24T10:00:30+08:00"),
    )
    r = score_conversation(ok, response_target_s=60)
    assert r.criteria["timely_apology"].passed and r.criteria["timely_apology"].note is None
    assert r.time_slips == ()


def test_times_on_some_turns_only_are_no_slip():
    """``at`` is optional per turn: turns without it are skipped, and only a
    time earlier than the last known one is a slip."""
    turns = conv(
        ("buyer", "东西坏了!", "2026-11-24T10:00:00Z"),
        ("agent", "非常抱歉,能说说具体情况吗?", None),
        ("buyer", "[图片]", None),
        ("agent", "收到,今天给您补发", "2026-11-24T10:05:00Z"),
        ("buyer", "好的", "2026-11-24T10:04:00Z"),
        ("agent", "好的,单号稍后发您", None),
    )
    r = score_conversation(turns, response_target_s=60)
    assert [(s.turn, s.before) for s in r.time_slips] == [(4, 3)]
    assert r.criteria["timely_apology"].passed
    assert score_conversation(conv(*[(t["role"], t["text"], None) for t in turns])).time_slips == ()


def test_scoring_a_slip_prints_nothing(capsys):
    turns = conv(
        ("buyer", "坏了", "2026-11-24T10:00:00Z"), ("agent", "抱歉", "2026-11-24T09:00:00Z")
    )
    assert score_conversation(turns).time_slips
    assert capsys.readouterr() == ("", "")


def test_each_new_grievance_needs_its_own_apology():
    turns = conv(
        ("buyer", "杯子碎了", None),
        ("agent", "非常抱歉!方便拍照吗?", None),
        ("buyer", "而且你们客服态度太差了!", None),
        ("agent", "照片收到,今天给您补发", None),
    )
    assert not score_conversation(turns).criteria["timely_apology"].passed


def test_a_calm_question_about_the_remedy_is_no_new_complaint():
    """A buyer who thanks the agent and asks how the refund or return works is
    cooperating: the reply need not apologise again (it named refund, 碎, 退货)."""
    for follow_up in (
        "好的,谢谢你。那退款大概几天到账?",
        "拍好了,你看看。碎的这些我要寄回去吗?我不太会弄退货。",
        "Sure, here it is. Thanks! How long does a refund take?",
    ):
        turns = conv(
            ("buyer", "杯子碎了!!", None),
            ("agent", "非常抱歉!方便拍张照片吗?", None),
            ("buyer", follow_up, None),
            ("agent", "不用寄回,退款3个工作日内原路退回", None),
        )
        assert score_conversation(turns).criteria["timely_apology"].passed, follow_up
    # Said plainly, the same problem is a new complaint, thanks or not.
    for follow_up in ("谢谢,可是退款怎么还没到??", "Thanks, but why is the refund still not here?"):
        turns = conv(
            ("buyer", "杯子碎了!!", None),
            ("agent", "非常抱歉!方便拍张照片吗?", None),
            ("buyer", follow_up, None),
            ("agent", "退款3个工作日内原路退回", None),
        )
        assert not score_conversation(turns).criteria["timely_apology"].passed, follow_up


def test_a_new_complaint_without_an_apology_is_named_as_such():
    """The first reply did apologise: the note speaks of the later complaint."""
    turns = conv(
        ("buyer", "杯子碎了", None),
        ("agent", "非常抱歉!方便拍照吗?", None),
        ("buyer", "而且你们客服态度太差了!", None),
        ("agent", "照片收到,今天给您补发", None),
    )
    note = score_conversation(turns).criteria["timely_apology"].note
    assert note is not None
    assert "又提出了新的不满" in note.zh and "第2条回复" in note.zh
    assert "new complaint" in note.en and "reply 2" in note.en
    assert "first reply to the buyer's complaint" not in note.en


def test_listening_must_come_before_the_remedy():
    turns = conv(
        ("buyer", "杯子碎了", None),
        ("agent", "非常抱歉,今天给您补发一个,运费我们出", None),
        ("buyer", "好吧", None),
        ("agent", "方便拍张照片吗?", None),
    )
    r = score_conversation(turns)
    assert not r.criteria["listening"].passed
    assert r.criteria["listening"].note is not None


def test_listening_is_not_needed_when_buyer_gave_every_detail():
    turns = conv(
        ("buyer", "订单号20231111888,杯子碎了,照片:[图片]", None),
        ("agent", "非常抱歉!今天给您补发,运费我们出", None),
    )
    assert score_conversation(turns).criteria["listening"].passed


def test_blame_fails_and_names_the_reply():
    turns = conv(
        ("buyer", "为什么还没到", None),
        ("agent", "抱歉,我看一下", None),
        ("buyer", "快点", None),
        ("agent", "这是快递的问题,您去找快递", None),
    )
    r = score_conversation(turns)
    assert not r.criteria["no_blame"].passed
    assert {e.turn for e in r.criteria["no_blame"].evidence} == {3}
    # The hand-off is what the line quotes, before the cause it names (a soft cost)
    line = next(m.zh for m in r.feedback if "不推卸" in m.zh)
    assert "第 2 条回复「快递的问题,您去找快递」" in line and "让买家自己去找快递" in line
    assert any('reply 2 "' in m.en for m in r.feedback)


def test_blame_feedback_quotes_the_hand_off_and_no_remedy_is_credited_for_it():
    """QA: "是快递摔的…您自己找快递理赔吧" was told it "offered compensation,
    name the amount" (理赔 is the buyer's claim, not the shop's), and the blame
    line quoted the named cause instead of the hand-off the scorer also found."""
    turns = [
        {"role": "buyer", "text": "杯子碎了!!"},
        {"role": "agent", "text": "亲，这边看到是快递摔的哦，您自己找快递理赔吧"},
    ]
    r = score_conversation(turns)
    assert not r.replies[0].result.criteria["remedy"]
    assert not any(f.criterion == "remedy" for f in r.replies[0].result.findings)
    lines = {m.zh.split("：")[0]: m.zh for m in r.feedback}
    assert "「您自己找快递理赔吧」" in lines["✗ 不推卸责任"]
    assert "补偿" not in lines["✗ 具体补救"]
    # A cause named alone is still what the line quotes.
    alone = score_conversation([turns[0], {"role": "agent", "text": "是快递摔的"}])
    assert "「是快递摔的」" in next(m.zh for m in alone.feedback if "不推卸" in m.zh)


def test_repeated_replies_are_a_template():
    same = "亲,非常抱歉给您带来不便,我们这边马上为您核实处理"
    turns = conv(
        ("buyer", "还没到", None),
        ("agent", same, None),
        ("buyer", "???", None),
        ("agent", same, None),
    )
    r = score_conversation(turns)
    assert not r.criteria["no_template"].passed


def test_review_reply_channel_adds_its_checks():
    turns = conv(
        ("buyer", "差评!发错货", None), ("agent", "亲~不好意思哈😊 加我微信13812345678", None)
    )
    r = score_conversation(turns, channel="review_reply")
    assert not r.criteria["formal_register"].passed
    assert not r.criteria["no_private_data"].passed


def test_score_uses_the_weights():
    # apology (20) + courtesy (10) + no_template (5) + inducement (5) + no_blame (20)
    turns = conv(("buyer", "坏了", None), ("agent", "非常抱歉", None))
    assert score_conversation(turns).score == 60


def test_lone_reply_without_buyer_turns_is_scored():
    r = score_conversation([{"role": "agent", "text": "非常抱歉,请问是哪里坏了?"}])
    assert r.criteria["timely_apology"].passed and r.criteria["listening"].passed


def test_result_is_json_ready_in_each_language():
    import json

    r = score_conversation(GOOD)
    for lang in ("zh", "zh-Hant", "en"):
        json.dumps(r.to_dict(lang), ensure_ascii=False)
    assert r.to_dict("en")["feedback"][0].startswith("✓ Timely apology")


def test_feedback_ends_the_problem_before_the_better_phrasing():
    """'Blamed the buyer Own it: ...' read as one broken sentence; each part ends first."""
    from scoring.feedback import localize

    turns = [
        {"role": "buyer", "text": "The mug arrived cracked!"},
        {"role": "agent", "text": "That's your fault, you should have checked it at the door."},
    ]
    result = score_conversation(turns)
    finding = result.criteria["no_blame"].evidence[0].finding
    assert not finding.message.en.endswith(".")  # the case that used to run on
    lines = {localize(m, "en").split(":")[0]: localize(m, "en") for m in result.feedback}
    assert f"— {finding.message.en}. {finding.fix.en}" in lines["✗ No blame-shifting"]
    zh = [localize(m, "zh") for m in result.feedback if "不推卸" in localize(m, "zh")]
    assert f"— {finding.message.zh.rstrip('。')}。{finding.fix.zh}" in zh[0]


def test_a_conversation_nobody_answered_scores_nothing():
    """No reply earns no points: not the 30 that blame-free, polite, untemplated
    silence used to collect."""
    for turns in ([{"role": "buyer", "text": "杯子碎了!!"}], []):
        r = score_conversation(turns)
        assert r.score == 0
        assert not any(c.passed for c in r.criteria.values())
        assert [m.en for m in r.feedback] == [
            "✗ No reply: the buyer's message went unanswered, so this scores 0."
        ]
