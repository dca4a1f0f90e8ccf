"""The dialogue engine: moods, branches, policy, timing, determinism, resume."""

from __future__ import annotations

import json
from pathlib import Path

from scoring.yamldoc import parse
from simulator.scenario import parse_scenario
from simulator.session import Session

ROOT = Path(__file__).resolve().parents[2]
SCENARIO, _ = parse_scenario(
    parse((ROOT / "scenarios/wrong_item/wrong-size-shoes.yaml").read_text("utf-8"), "s")
)
GOOD_1 = "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?"
GOOD_2 = "看到了,是我们发错了。今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。"


def test_apology_and_question_calm_the_buyer_and_move_on():
    s = Session(SCENARIO, seed=1)
    e = s.submit(GOOD_1)
    assert e.mood_change == -15 and e.next_id == "details"
    assert e.reasons and "calmed" in e.reasons[0].en
    e = s.submit(GOOD_2)
    assert e.ended and s.ending == "resolved"
    res = s.result()
    assert res.outcome == "resolved" and res.conversation.criteria["remedy"].passed
    assert res.checks == {"shop-pays-postage": True, "no-prepay": True}


def test_blame_angers_the_buyer():
    s = Session(SCENARIO)
    e = s.submit("是您自己选错了尺码吧")
    assert e.mood_change == 25 and e.next_id == "furious"


def test_a_promise_beyond_policy_is_flagged_even_when_the_buyer_is_pleased():
    s = Session(SCENARIO)
    s.submit(GOOD_1)
    e = s.submit("是我们的错,今天给您全额退款并另退500元,明天到账")
    assert any("500" in b.en and "limit" in b.en for b in e.breaches)
    assert s.ending == "resolved_risky"
    assert s.result().breaches


def test_breaches_and_failed_checks_cost_points():
    """A perfectly worded reply that breaks the policy or a must-not check
    cannot earn full marks: each distinct breach and each failed check costs
    points, counted once however often it is repeated."""
    from simulator.session import BREACH_COST, CHECK_COST

    clean = Session(SCENARIO)
    clean.submit(GOOD_1)
    clean.submit(GOOD_2)
    assert clean.result().score == clean.result().conversation.score

    s = Session(SCENARIO)
    s.submit(GOOD_1)
    s.submit("是我们的错,今天给您全额退款并另退500元,明天到账")
    res = s.result()
    assert res.distinct_breaches >= 1
    lost = BREACH_COST * res.distinct_breaches + CHECK_COST * res.failed_checks
    assert res.score == max(0, res.conversation.score - lost) < res.conversation.score
    assert res.to_dict()["score"] == res.score
    assert res.to_dict()["conversation_score"] == res.conversation.score

    prepay = Session(SCENARIO)
    prepay.submit("非常抱歉发错了!麻烦您先垫付运费寄回来,我们收到后再寄42码给您")
    res = prepay.result()
    assert res.checks["no-prepay"] is False and res.failed_checks >= 1
    assert res.score <= res.conversation.score - CHECK_COST


def test_slow_reply_costs_mood_and_the_timely_apology():
    s = Session(SCENARIO, started_at=1000.0)
    e = s.submit(GOOD_1, at=1000.0 + 600)
    assert e.slow and e.mood_change == -15 + 10
    s.submit(GOOD_2, at=1700.0)
    assert not s.result().conversation.criteria["timely_apology"].passed


def test_patience_runs_out():
    s = Session(SCENARIO)
    for _ in range(3):
        e = s.submit("嗯嗯收到")
    assert e.ended and s.ending == "left_angry"


def test_same_seed_same_lines_and_resume_from_json():
    a, b = Session(SCENARIO, seed=7), Session(SCENARIO, seed=7)
    assert a.current_line == b.current_line
    a.submit(GOOD_1)
    saved = json.loads(json.dumps(a.to_dict(), ensure_ascii=False))
    resumed = Session.from_dict(SCENARIO, saved)
    assert (
        resumed.node == a.node and resumed.mood == a.mood and resumed.current_line == a.current_line
    )
    assert resumed.submit(GOOD_2).ended


def test_cannot_submit_after_the_end():
    s = Session(SCENARIO)
    s.submit(GOOD_1)
    s.submit(GOOD_2)
    try:
        s.submit("还有吗")
    except RuntimeError as exc:
        assert "ended" in str(exc)
    else:
        raise AssertionError("submit after the end must fail")
