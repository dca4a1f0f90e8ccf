"""A commit that went through but whose answer was lost (a dropped connection right
after COMMIT): kefu retries the write, and the retry must not write it twice."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from simulator.store import SqlStore, StorePermissionError

RESULT = {"ending": "calm", "score": 62, "criteria": {"apology": True}, "feedback": []}


@contextmanager
def answer_lost_once(store: SqlStore) -> Iterator[list[int]]:
    """The next COMMIT of ``store`` is carried out, then reported as failed, once."""
    store.current_user()  # registered beforehand: the commit to lose is the next write's
    dialect = store.engine.dialect
    real = dialect.do_commit
    lost: list[int] = []

    def commit_then_fail(dbapi_connection: object) -> None:
        real(dbapi_connection)
        if not lost:
            lost.append(1)
            if store.backend == "sqlite":
                raise sqlite3.OperationalError("database is locked (answer lost)")
            import psycopg

            raise psycopg.OperationalError("server closed the connection unexpectedly")

    dialect.do_commit = commit_then_fail  # type: ignore[method-assign]
    try:
        yield lost
    finally:
        dialect.do_commit = real  # type: ignore[method-assign]


def test_a_retried_start_makes_one_attempt(db):
    sue = db.store_as("sue", "supervisor")
    ana = db.store_as("ana")
    exam = sue.create_assignment("basic-exam", "ana", mode="exam", attempts_allowed=1)
    with answer_lost_once(ana) as lost:
        first = ana.start_attempt("wrong-size-shoes", mode="exam", assignment_id=exam.id)
    assert lost == [1]  # the failure did happen, and the retry found the row
    assert [a.id for a in ana.attempts()] == [first]
    ana.save_reply(first, 0, "非常抱歉", 1.0)
    ana.finish_attempt(first, RESULT)
    with pytest.raises(StorePermissionError, match="all 1 attempts"):
        ana.start_attempt("wrong-size-shoes", mode="exam", assignment_id=exam.id)


def test_a_retried_override_is_audited_once(db):
    sue = db.store_as("sue", "supervisor")
    ana = db.store_as("ana")
    attempt = ana.start_attempt("wrong-size-shoes")
    ana.finish_attempt(attempt, RESULT)
    with answer_lost_once(sue) as lost:
        audit = sue.override_score(attempt, 80, "remedy was right")
    assert lost == [1]
    assert [(o.old_score, o.new_score) for o in sue.overrides(attempt)] == [(62, 80)]
    assert audit.old_score == 62
    # a real second change is audited as usual, and so is going back
    sue.override_score(attempt, 70, "second look")
    sue.override_score(attempt, 80, "remedy was right")
    assert [o.new_score for o in sue.overrides(attempt)] == [80, 70, 80]
