"""Export -> import into an empty database -> export is identical, on every backend."""

from __future__ import annotations

import json

import pytest

from simulator.store import StoreError, to_jsonl_line


def _fill(db):
    ana = db.store_as("ana", display="安娜")
    sue = db.store_as("sue", "supervisor")
    db.admin.add_to_group("ana", "new-hires")
    exam = sue.create_assignment(
        "exam-1", "@new-hires", mode="exam", pass_mark=80, due="2026-12-31"
    )
    first = ana.start_attempt("s1", seed=3, started_at=1_700_000_000.123456)
    ana.save_reply(first, 0, "非常抱歉 😢 我们马上处理", 1_700_000_001.5)
    ana.save_reply(first, 1, 'quote " and \\ backslash', None)
    ana.finish_attempt(first, {"score": 61, "criteria": {"apology": True}, "ending": "calm"})
    sue.override_score(first, 70, "mis-scored remedy")
    second = ana.start_attempt("s2", mode="exam", assignment_id=exam.id)
    ana.add_hint(second)
    return [to_jsonl_line(r) for r in db.admin.export_records()]


def test_round_trip_is_exact(db, tmp_path, request):
    lines = _fill(db)
    kinds = [json.loads(line)["kind"] for line in lines]
    assert kinds.count("attempt") == 2 and "group" in kinds and "assignment" in kinds
    target = db.fresh()
    counts = target.import_records(json.loads(line) for line in lines)
    assert counts["attempt"] == 2 and counts["user"] >= 2
    assert [to_jsonl_line(r) for r in target.export_records()] == lines
    # importing the same again changes nothing
    again = target.import_records(json.loads(line) for line in lines)
    assert sum(again.values()) == 0
    # new rows continue after the imported ids
    assert target.start_attempt("s3") > max(
        json.loads(x).get("id", 0) for x in lines if "attempt" in x
    )


def test_conflicting_import_is_refused_whole(db):
    lines = _fill(db)
    records = [json.loads(line) for line in lines]
    attempt = next(r for r in records if r["kind"] == "attempt")
    attempt["score"] = 100
    with pytest.raises(StoreError, match="already exists"):
        db.admin.import_records([attempt])


def test_unknown_kind_names_the_record(db):
    with pytest.raises(StoreError, match="record 2: unknown kind"):
        db.admin.import_records([{"kind": "group", "name": "g", "created_at": 1.0}, {"kind": "x"}])


def test_bad_fields_are_named_before_the_database_sees_them(db):
    """Not a CHECK constraint or a KeyError: the field and the value, in plain words."""
    bad_role = {"kind": "user", "name": "pg_x", "role": "god", "created_at": 1}
    with pytest.raises(StoreError, match="user 'pg_x': \"role\" must be one of trainee, "):
        db.admin.import_records([bad_role])
    with pytest.raises(StoreError, match='^kefu: user: missing field "name"'):
        db.admin.import_records([{"kind": "user", "role": "trainee", "created_at": 1}])
    lines = _fill(db)
    attempt = next(r for r in map(json.loads, lines) if r["kind"] == "attempt")
    attempt |= {"id": 999, "score": 101, "replies": [{"step": 0, "at": None}]}
    with pytest.raises(StoreError, match=r'"score" must be a whole number from 0 to 100, not '
                       r'101; missing field "replies\[0\].text"'):  # fmt: skip
        db.admin.import_records([attempt])
