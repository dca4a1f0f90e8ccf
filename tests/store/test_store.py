"""The Store API, on every backend: attempts, replies, drill, settings, people, assignments."""

from __future__ import annotations

import pytest

from simulator.store import ALL, DrillStat, StoreError, StorePermissionError

RESULT = {
    "ending": "calm",
    "outcome": "win",
    "score": 82,
    "criteria": {"apology": True, "remedy": False},
    "feedback": ["道歉及时"],
}


def test_current_user_is_created_as_trainee(db):
    ana = db.store_as("ana")
    me = ana.current_user()
    assert (me.name, me.role) == ("ana", "trainee")
    assert ana.get_user("ana") == me


def test_attempt_lifecycle(db):
    ana = db.store_as("ana")
    aid = ana.start_attempt("wrong-size-shoes", seed=7, started_at=100.0)
    ana.save_reply(aid, 0, "非常抱歉给您带来不便", 101.5)
    ana.save_reply(aid, 1, "Sorry! 我们马上补发", None)
    ana.add_hint(aid)
    assert [a.id for a in ana.unfinished_attempts()] == [aid]
    ana.finish_attempt(aid, RESULT, finished_at=200.0)
    got = ana.get_attempt(aid)
    assert (got.user, got.scenario_id, got.seed, got.mode) == (
        "ana",
        "wrong-size-shoes",
        7,
        "practice",
    )
    assert (got.status, got.score, got.ending, got.hints_used) == ("finished", 82, "calm", 1)
    assert got.criteria == {"apology": True, "remedy": False}
    assert got.result == RESULT
    assert (got.started_at, got.finished_at) == (100.0, 200.0)
    assert [(r.step, r.text, r.at) for r in got.replies] == [
        (0, "非常抱歉给您带来不便", 101.5),
        (1, "Sorry! 我们马上补发", None),
    ]
    assert ana.unfinished_attempts() == []


def test_reply_saved_twice_is_idempotent_but_not_rewritable(db):
    ana = db.store_as("ana")
    aid = ana.start_attempt("s")
    ana.save_reply(aid, 0, "抱歉", 1.0)
    ana.save_reply(aid, 0, "抱歉", 1.0)
    with pytest.raises(StoreError, match="different text"):
        ana.save_reply(aid, 0, "不抱歉", 1.0)
    assert [r.text for r in ana.get_attempt(aid).replies] == ["抱歉"]


def test_finished_attempt_is_frozen(db):
    ana = db.store_as("ana")
    aid = ana.start_attempt("s")
    ana.save_reply(aid, 0, "抱歉", 1.0)
    ana.finish_attempt(aid, RESULT, finished_at=5.0)
    ana.finish_attempt(aid, RESULT, finished_at=5.0)  # a retry: same result, no-op
    with pytest.raises(StoreError):
        ana.finish_attempt(aid, {**RESULT, "score": 100})
    with pytest.raises(StoreError):
        ana.save_reply(aid, 1, "late", 2.0)
    with pytest.raises(StoreError):
        ana.add_hint(aid)
    ana.save_reply(aid, 0, "抱歉", 1.0)  # re-saving what is there stays fine
    assert ana.get_attempt(aid).score == 82


def test_abandon(db):
    ana = db.store_as("ana")
    aid = ana.start_attempt("s")
    ana.abandon_attempt(aid)
    ana.abandon_attempt(aid)
    assert ana.get_attempt(aid).status == "abandoned"
    assert ana.unfinished_attempts() == []


def test_unknown_attempt_is_a_store_error(db):
    ana = db.store_as("ana")
    with pytest.raises(StoreError, match="no attempt 999"):
        ana.get_attempt(999)
    with pytest.raises(StoreError):
        ana.save_reply(999, 0, "x", None)


def test_attempts_filters_and_order(db):
    ana = db.store_as("ana")
    bo = db.store_as("bo")
    first = ana.start_attempt("a", started_at=10.0)
    second = ana.start_attempt("b", started_at=20.0)
    third = ana.start_attempt("a", started_at=30.0)
    bo.start_attempt("a", started_at=40.0)
    assert [a.id for a in ana.attempts()] == [third, second, first]
    assert [a.id for a in ana.attempts(scenario_id="a")] == [third, first]
    assert [a.id for a in ana.attempts(since=15.0)] == [third, second]
    assert [a.id for a in ana.attempts(limit=1)] == [third]
    assert len(db.admin.attempts(user=ALL)) == 4
    assert [a.user for a in db.admin.attempts(user="bo")] == ["bo"]


def test_drill_stats_upsert(db):
    ana = db.store_as("ana")
    stat = DrillStat("set1", "line-3", 0, 100.0, 1, 1, 0.4, 12.5)
    ana.record_drill(stat)
    ana.record_drill(DrillStat("set1", "line-4", 1, 50.0, 1, 0, None, None))
    ana.record_drill(DrillStat("set1", "line-3", 2, 300.0, 2, 1, 0.9, 8.0))
    got = ana.drill_stats("set1")
    assert got["line-3"] == DrillStat("set1", "line-3", 2, 300.0, 2, 1, 0.9, 8.0)
    assert set(got) == {"line-3", "line-4"}
    assert ana.drill_stats("other") == {}


def test_settings_are_per_user(db):
    ana = db.store_as("ana")
    bo = db.store_as("bo")
    assert ana.get_setting("lang") is None
    assert ana.get_setting("lang", "zh") == "zh"
    ana.set_setting("lang", "en")
    ana.set_setting("lang", "zh-Hant")
    assert ana.get_setting("lang") == "zh-Hant"
    assert bo.get_setting("lang") is None


def test_people_and_groups(db):
    db.store_as("ana")
    db.store_as("sue", "supervisor")
    admin = db.admin
    admin.add_to_group("ana", "@night-shift")
    admin.add_to_group("ana", "night-shift")
    admin.add_to_group("ana", "new-hires")
    assert admin.group_members("@night-shift") == ["ana"]
    assert admin.get_user("ana").groups == ("new-hires", "night-shift")
    roles = {u.name: u.role for u in admin.list_users()}
    assert roles["ana"] == "trainee" and roles["sue"] == "supervisor"
    admin.remove_from_group("ana", "night-shift")
    admin.remove_from_group("ana", "night-shift")
    assert admin.group_members("night-shift") == []
    with pytest.raises(StoreError, match="no user"):
        admin.add_to_group("nobody", "x")
    with pytest.raises(StoreError, match="role"):
        admin.ensure_user("x", "boss")  # type: ignore[arg-type]


def test_assignments(db):
    ana = db.store_as("ana")
    sue = db.store_as("sue", "supervisor")
    db.admin.add_to_group("ana", "new-hires")
    direct = sue.create_assignment("basics", "ana", due="2026-12-31")
    exam = sue.create_assignment(
        "exam-1", "@new-hires", mode="exam", pass_mark=80, attempts_allowed=1, time_limit_s=600
    )
    assert (exam.mode, exam.pass_mark, exam.attempts_allowed, exam.created_by) == (
        "exam",
        80,
        1,
        "sue",
    )
    assert [a.id for a in ana.assignments_for()] == [direct.id, exam.id]
    assert sue.get_assignment(exam.id) == exam
    assert [a.id for a in sue.list_assignments(set_id="exam-1")] == [exam.id]
    with pytest.raises(StoreError, match="no group"):
        sue.create_assignment("basics", "@nobody")
    with pytest.raises(StoreError, match="YYYY-MM-DD"):
        sue.create_assignment("basics", "ana", due="tomorrow")


def test_assignment_attempt_limit_and_mode(db):
    ana = db.store_as("ana")
    sue = db.store_as("sue", "supervisor")
    exam = sue.create_assignment("exam-1", "ana", mode="exam", attempts_allowed=1)
    with pytest.raises(StorePermissionError, match="exam"):
        ana.start_attempt("s", assignment_id=exam.id)  # practice mode in an exam
    ana.start_attempt("s", mode="exam", assignment_id=exam.id)
    with pytest.raises(StorePermissionError, match="all 1 attempts"):
        ana.start_attempt("s", mode="exam", assignment_id=exam.id)


def test_override_needs_reason_and_supervisor(db):
    ana = db.store_as("ana")
    sue = db.store_as("sue", "supervisor")
    aid = ana.start_attempt("s")
    ana.finish_attempt(aid, RESULT)
    with pytest.raises(StoreError, match="reason"):
        sue.override_score(aid, 90, "   ")
    with pytest.raises(StorePermissionError):
        ana.override_score(aid, 100, "I deserve it")
    audit = sue.override_score(aid, 90, "the buyer's message was garbled")
    assert (audit.by, audit.old_score, audit.new_score) == ("sue", 82, 90)
    assert sue.overrides(aid) == [audit]
    assert ana.get_attempt(aid).score == 90
    with pytest.raises(StoreError, match="0 to 100"):
        sue.override_score(aid, 101, "x")


def test_nobody_overrides_their_own_score(db):
    sue = db.store_as("sue", "supervisor")
    aid = sue.start_attempt("s")
    sue.finish_attempt(aid, RESULT)
    with pytest.raises(StorePermissionError, match="their own score"):
        sue.override_score(aid, 100, "I was right")
    assert sue.get_attempt(aid).score == 82 and sue.overrides(aid) == []


def test_override_only_finished_attempts(db):
    ana = db.store_as("ana")
    sue = db.store_as("sue", "supervisor")
    aid = ana.start_attempt("s")
    with pytest.raises(StoreError, match="not finished|active"):
        sue.override_score(aid, 50, "why not")
