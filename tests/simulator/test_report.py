"""The team report's numbers on a small hand-computed fixture (pure, no database)."""

from __future__ import annotations

import datetime as dt

from simulator import report, report_text
from simulator.exams import SetInfo
from simulator.store.base import Assignment, Attempt, Override, Reply, User
from tests.simulator.report_fixture import BLAME, CONDITIONAL, DAY, GOOD, T0, play

UTC = dt.UTC


def _attempt(aid, user, replies, start, *, mode="practice", assignment_id=None, gap=30.0):
    result, times = play(replies, start, gap)
    return Attempt(
        id=aid, user=user, scenario_id="wrong-size-shoes", mode=mode, seed=1,
        started_at=start, status="finished", assignment_id=assignment_id,
        finished_at=times[-1], score=result["score"], ending=result["ending"],
        criteria=result["criteria"], result=result,
        replies=tuple(Reply(i, text, at) for i, (text, at) in enumerate(zip(replies, times, strict=True))),
    )  # fmt: skip


def fixture():
    attempts = [
        _attempt(1, "alice", GOOD, T0),
        _attempt(2, "alice", BLAME, T0 + 8 * DAY),
        _attempt(3, "alice", GOOD, T0 + 9 * DAY, mode="exam", assignment_id=1),
        _attempt(4, "bob", CONDITIONAL, T0 + 9 * DAY, mode="exam", assignment_id=1, gap=60.0),
    ]
    over = {2: [Override(2, "sup", 10, 50, "buyer was abusive", T0 + 10 * DAY)]}
    exam = Assignment(1, "mini", "@team", "exam", 80, None, 1, None, "sup", T0)
    return report.scored(attempts, over), exam


def build():
    rows, exam = fixture()
    return report.build(
        rows,
        [User("alice", display="王小丽"), User("bob"), User("carol")],
        assignments=[exam],
        members={"team": ["alice", "bob"]},
        sets={"mini": SetInfo("mini", 75, ("wrong-size-shoes",))},
        channels={"wrong-size-shoes": "chat"},
        now=T0 + 12 * DAY,
        tz=UTC,
    )


def test_scores_use_the_override_and_say_so():
    rep = build()
    alice = rep["trainees"][0]
    assert [t["user"] for t in rep["trainees"]] == ["alice", "bob", "carol"]
    assert alice["attempts"] == 3 and alice["avg_score"] == 80.0 and alice["best_score"] == 95
    assert alice["score_trend"] == -22.5  # [95] then [50, 95]
    assert alice["overridden"] == 1 and rep["totals"]["overridden"] == 1
    assert rep["overrides"] == [
        {"attempt_id": 2, "user": "alice", "scenario": "wrong-size-shoes", "recorded_score": 10,
         "new_score": 50, "by": "sup", "reason": "buyer was abusive", "at": T0 + 10 * DAY}
    ]  # fmt: skip
    assert rep["totals"]["avg_score"] == 67.5


def test_pass_rates_trends_and_weakest():
    rep = build()
    ap = rep["trainees"][0]["criteria"]["timely_apology"]
    assert ap == {"passed": 2, "attempts": 3, "rate": 0.6667, "first_half": 1.0,
                  "second_half": 0.5, "trend": -0.5}  # fmt: skip
    assert rep["totals"]["criteria"]["no_blame"]["rate"] == 0.75
    assert [w["criterion"] for w in rep["weakest"]] == [
        "timely_apology", "listening", "remedy", "no_blame"
    ]  # fmt: skip
    assert rep["trainees"][1]["weakest"] == ["timely_apology", "listening"]
    assert rep["trainees"][2]["attempts"] == 0 and rep["trainees"][2]["avg_score"] is None


def test_first_reply_time_and_weeks():
    rep = build()
    assert rep["totals"]["avg_first_reply_s"] == 37.5  # 30, 30, 30 and 60 seconds
    assert [w["attempts"] for w in rep["weekly"]] == [1, 3]
    assert rep["weekly"][0]["start"] == "2026-11-02"


def test_exam_against_the_pass_mark():
    rep = build()
    alice, bob = rep["exams"]
    assert alice["result"] == "passed" and alice["pass_mark"] == 80
    assert alice["best"] == {"wrong-size-shoes": 95} and alice["lowest_best"] == 95
    assert bob["result"] == "failed" and not bob["can_retry"] and bob["attempts_used"] == 1


def test_most_failed_rules():
    rules = build()["failed_rules"]
    assert [(r["rule"], r["attempts"], r["hits"]) for r in rules] == [
        ("NB001", 1, 2), ("AP101", 1, 1)
    ]  # fmt: skip
    assert rules[0]["criterion"] == "no_blame" and rules[0]["message"]["en"]


def test_select_by_user_set_and_since():
    rows, exam = fixture()
    assert [r.attempt.id for r in report.select(rows, users=["bob"])] == [4]
    assert len(report.select(rows, since=T0 + DAY)) == 3
    assert (
        report.select(rows, scenario_ids=[], set_id="mini", assignments=[exam])[0].attempt.id == 3
    )


def test_table_aligns_chinese_names():
    text = report_text.render_table(build(), "zh")
    lines = text.split("## 学员\n")[1].split("\n\n")[0].splitlines()[:-1]
    assert lines[2].startswith("王小丽 (alice)") and len(lines) == 5
    # Every column but the first is right-aligned, so each line ends on the same cell.
    assert len({report_text.cell_width(ln) for ln in lines}) == 1
    assert "及时道歉" in text and "NB001" in text and "buyer was abusive" in text
    assert report_text.cell_width("王小丽 (alice)") == 14


def test_csv_has_a_bom_and_one_row_per_trainee():
    import csv
    import io

    text = report_text.render_csv(build())
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["user"] for r in rows] == ["alice", "bob", "carol"]
    assert rows[0]["timely_apology_rate"] == "66.7" and rows[1]["exams_failed"] == "1"


def test_a_report_without_attempts_claims_nothing_passed():
    """No attempts: the weakest-criteria and rule sections say there is nothing
    to compare, not that every criterion passed."""
    from simulator import report_html

    empty = report.build(
        [], [User("alice")], assignments=[], members={}, sets={}, channels={},
        now=T0, tz=UTC,
    )  # fmt: skip
    zh = report_text.render_table(empty, "zh")
    assert "所有练习的每项准则都已通过" not in zh and "没有规则扣分" not in zh
    assert zh.split("## 最薄弱的准则\n")[1].startswith("还没有完成的练习，无从比较。")
    en = report_text.render_table(empty, "en")
    assert "Every criterion passed" not in en
    assert en.count("No finished attempts yet, so nothing to compare.") == 2
    html = report_html.render_html(empty, "en")
    assert "Every criterion passed" not in html and "nothing to compare" in html
    full = report_text.render_table(build(), "en")
    assert "nothing to compare" not in full


def test_a_discarded_exam_attempt_uses_a_try_in_the_report():
    """The tries limit counts every attempt, a discarded one too: the report must
    not call an exam 'not started' that the trainee can no longer start."""
    from dataclasses import replace

    from simulator.exams import exam_result, tries_made

    exam = Assignment(7, "mini", "carol", "exam", 80, None, 1, None, "sup", T0)
    info = SetInfo("mini", 80, ("wrong-size-shoes",))
    today = dt.date(2030, 1, 1)
    plain = exam_result(exam, "carol", [], info, today)
    assert plain["result"] == "not_started" and plain["can_retry"]
    discarded = replace(_attempt(8, "carol", GOOD, T0, mode="exam"), status="abandoned")
    used = exam_result(
        exam, "carol", [], info, today, tries_made([replace(discarded, assignment_id=7)])
    )
    assert used["result"] == "failed" and not used["can_retry"] and used["attempts_used"] == 1
    # A try used, others left: started, not failed.
    two = Assignment(8, "mini", "carol", "exam", 80, None, 2, None, "sup", T0)
    left = exam_result(
        two, "carol", [], info, today, tries_made([replace(discarded, assignment_id=8)])
    )
    assert left["result"] == "in_progress" and left["can_retry"]


def test_an_exam_attempt_the_clock_ended_early_does_not_pass():
    """One strong reply and a wait for the clock used to pass: an attempt whose
    time ran out before the conversation ended fails the scenario whatever it
    scored, unless a supervisor overrode the score."""
    from dataclasses import replace

    from simulator.advice import next_in_set
    from simulator.exams import exam_result, passes, ran_out

    exam = Assignment(9, "mini", "alice", "exam", 80, None, 2, None, "sup", T0)
    info = SetInfo("mini", 80, ("wrong-size-shoes",))
    today = dt.date(2030, 1, 1)
    whole = _attempt(5, "alice", GOOD, T0, mode="exam", assignment_id=9)
    strong = "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?今天就给您补寄42码,运费我们承担。"
    first = _attempt(6, "alice", [strong], T0, mode="exam", assignment_id=9)
    assert whole.ending and not first.ending and first.score is not None and first.score >= 80
    cut = replace(first, result={**first.result, "timed_out": True})
    assert ran_out(cut) and not ran_out(first) and not ran_out(whole)
    # Ended in time after the last reply was sent: the conversation is whole.
    late = replace(whole, result={**whole.result, "timed_out": True})
    assert not ran_out(late) and passes(late.score, 80, late)

    result = exam_result(exam, "alice", report.scored([cut], {}), info, today)
    assert result["best"] == {"wrong-size-shoes": first.score}  # the score is kept ...
    assert result["scenarios_passed"] == 0 and result["result"] == "failed"  # ... not the pass
    assert result["can_retry"]  # one try of two left
    assert next_in_set(["wrong-size-shoes", "x"], [cut], "x", 80) == "wrong-size-shoes"
    # The supervisor's override is a judgment that stands.
    over = {6: [Override(6, "sup", first.score, 85, "network outage", T0 + DAY)]}
    assert exam_result(exam, "alice", report.scored([cut], over), info, today)["result"] == "passed"
    assert exam_result(exam, "alice", report.scored([cut, late], {}), info, today)["result"] == (
        "passed"
    )
