"""Home's assignment rows read an exam as the team report does."""

from __future__ import annotations

import datetime as dt

from simulator import loader
from simulator.store.base import Assignment, Attempt
from simulator.tui.screens.home_rows import assignment_row

T0 = 1_800_000_000.0
DAY = dt.date(2027, 1, 15)  # when Home is read: T0's day


def _attempt(aid: int, scenario: str, status: str, score: int | None, assignment: int) -> Attempt:
    return Attempt(
        id=aid, user="bob", scenario_id=scenario, mode="exam", seed=1, started_at=T0 + aid,
        status=status, assignment_id=assignment, finished_at=T0 + aid + 60 if score else None,
        score=score,
    )  # fmt: skip


def test_an_exam_with_a_try_used_up_reads_failed_not_not_started() -> None:
    lib = loader.load()
    exam = Assignment(5, "basic-exam", "bob", "exam", 80, None, 1, None, "lin", T0)
    # Discarded at the resume prompt: no score, but the one try is gone.
    row = assignment_row(
        exam, [_attempt(1, "wrong-size-shoes", "abandoned", None, 5)], [], lib, DAY
    )
    assert row.status == "failed"
    # Failed the only try of one scenario: failed, though others are untried.
    row = assignment_row(exam, [_attempt(2, "wrong-size-shoes", "finished", 40, 5)], [], lib, DAY)
    assert row.status == "failed"
    # Two tries allowed and one used: still in progress.
    two = Assignment(6, "basic-exam", "bob", "exam", 80, None, 2, None, "lin", T0)
    row = assignment_row(two, [_attempt(3, "wrong-size-shoes", "finished", 40, 6)], [], lib, DAY)
    assert row.status == "in_progress"
    # One try under way, listed with the attempts and as unfinished: counted once.
    active = _attempt(4, "wrong-size-shoes", "active", None, 6)
    assert assignment_row(two, [active], [active], lib, DAY).attempts_left("wrong-size-shoes") == 1
    # Nothing yet.
    assert assignment_row(exam, [], [], lib, DAY).status == "not_started"


def test_an_exam_scenario_the_clock_cut_short_is_not_passed_on_home() -> None:
    """As in the report: a high score on a conversation the clock ended early is no pass."""
    from dataclasses import replace

    lib = loader.load()
    one = Assignment(7, "basic-exam", "bob", "exam", 60, None, 2, None, "lin", T0)
    cut = replace(_attempt(1, "wrong-size-shoes", "finished", 90, 7), result={"timed_out": True})
    row = assignment_row(one, [cut], [], lib, DAY)
    assert row.best == 90 and row.passed == 0
    whole = replace(cut, id=2, result={"timed_out": True, "ending": "resolved"})
    assert assignment_row(one, [cut, whole], [], lib, DAY).passed == 1
