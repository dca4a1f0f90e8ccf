"""The debrief's problem lines: a cancelled phrase is red only when it cost
the reply its criterion."""

from __future__ import annotations

from scoring import score_reply
from simulator.tui.widgets.evidence import problem_lines

# "您看选哪个" asks for a decision, not for details; the reply passes listening
# anyway on its real question.
REPLY = "非常抱歉!方便拍张照片给我看看吗?可以退款也可以换新,您看选哪个?"


def test_a_cancel_on_a_passed_criterion_is_a_note():
    result = score_reply(REPLY)
    cancels = [f for f in result.findings if f.level == "cancel"]
    assert cancels and all(result.criteria.get(f.criterion) for f in cancels)
    plain = problem_lines(result.findings, "zh", "更好:").plain
    assert "✗ 「" in plain  # without the verdicts every cancel reads as a loss
    softened = problem_lines(result.findings, "zh", "更好:", result.criteria).plain
    for f in cancels:
        assert f"! 「{f.text}」" in softened and f"✗ 「{f.text}」" not in softened


def test_a_cancel_that_cost_the_criterion_stays_red():
    result = score_reply("如果您觉得不满意,那我道歉。")
    assert result.criteria["apology"] is False
    text = problem_lines(result.findings, "zh", "更好:", result.criteria).plain
    assert "✗ 「" in text
