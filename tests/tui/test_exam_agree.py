"""One exam, three readers: the trainee's Home, the team report and the team
screen say the same of it, on a real database (open, timed out, overridden)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from simulator import supervision
from simulator.exams import SetInfo
from simulator.session import Session
from simulator.store.base import ALL, Store
from simulator.team_data_cli import gather
from simulator.tui.screens.home_rows import assignment_rows
from tests.tui.team_seed import AMY, BOSS, SHOES, library, store_as

TODAY = dt.date(2026, 6, 1)
START = 1_780_000_000.0  # 2026-05-28


def _home(amy: Store) -> tuple[str, int, int | None]:
    """What Amy's Home says of her one assignment: status, scenarios passed, best."""
    (row,) = assignment_rows(
        amy.assignments_for(), amy.attempts(), amy.unfinished_attempts(), library(), TODAY
    )
    return row.status, row.passed, row.best


def _report(boss: Store) -> tuple[str, int]:
    """What ``kefu report --user amy`` says of her exam: result, scenarios passed."""
    filters = {"user": AMY, "group": None, "set": None, "since": None}
    (exam,) = gather(boss, library(), filters, None)["exams"]
    return exam["result"], exam["scenarios_passed"]


def _team_screen(boss: Store) -> tuple[str, int]:
    """What the supervisor's team screen says of Amy's latest exam."""
    attempts = list(boss.attempts(user=ALL))
    overrides = {a.id: list(boss.overrides(a.id)) for a in attempts if a.status == "finished"}
    sets = {s.id: SetInfo(s.id, s.pass_mark, s.scenarios) for s in library().sets.values()}
    people = [p for p in boss.list_users() if p.name == AMY]
    (row,) = supervision.roster(
        people, attempts, overrides, list(boss.list_assignments()), {}, sets, TODAY
    )
    assert row.exam is not None
    return row.exam.result, row.exam.passed


def test_home_reads_an_exam_as_the_report_and_the_team_screen_do(tmp_path: Path) -> None:
    """An open attempt is in progress everywhere (Home said 'failed 0/8' while the
    only try was still open); timed out below the mark it fails everywhere; the
    supervisor's override lets it pass everywhere (Home still said 'failed')."""
    with store_as(tmp_path, BOSS) as boss:
        boss.ensure_user(BOSS, "supervisor")
        boss.ensure_user(AMY, "trainee")
        exam = boss.create_assignment(
            "basic-exam", AMY, mode="exam", pass_mark=80, due="2099-12-31",
            attempts_allowed=1, time_limit_s=60,
        )  # fmt: skip
    with store_as(tmp_path, AMY) as amy:
        attempt = amy.start_attempt(
            SHOES, mode="exam", seed=1, assignment_id=exam.id, started_at=START
        )
        reply = "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?"
        amy.save_reply(attempt, 0, reply, START + 20)
        # Left with Esc: the attempt is open, its score unknown.
        assert _home(amy) == ("in_progress", 0, None)
    with store_as(tmp_path, BOSS) as boss:
        assert _report(boss) == ("in_progress", 0)
        assert _team_screen(boss) == ("in_progress", 0)

    session = Session(library().scenarios[SHOES], seed=1, started_at=START)
    session.submit(reply, at=START + 20)
    result = {**session.result().to_dict("zh"), "mode": "exam", "hints": 0, "timed_out": True}
    assert not result["ending"] and result["score"] < 80
    with store_as(tmp_path, AMY) as amy:
        amy.finish_attempt(attempt, result, finished_at=START + 65)
        # The clock submitted it: the one try is used, below the mark.
        assert _home(amy)[:2] == ("failed", 0)
    with store_as(tmp_path, BOSS) as boss:
        assert _report(boss) == ("failed", 0)
        assert _team_screen(boss) == ("failed", 0)
        boss.override_score(attempt, 85, "the buyer's last line was cut off")
        assert _report(boss) == ("in_progress", 1)
        assert _team_screen(boss) == ("in_progress", 1)
    with store_as(tmp_path, AMY) as amy:
        assert _home(amy) == ("in_progress", 1, 85)
