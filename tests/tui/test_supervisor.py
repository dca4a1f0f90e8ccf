"""The supervisor screens, driven through the real app on a real SQLite file.

A supervisor sees the roster of two trainees with their seeded attempts,
opens a transcript with the evidence, overrides a score (a reason is
required; a refusal by the store is shown), creates an assignment that
then appears on the trainee's Home. A trainee gets none of it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from simulator import supervision
from simulator.tui.app import KefuApp
from simulator.tui.screens.help import HelpScreen
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.supervisor import RosterScreen
from simulator.tui.screens.supervisor_assign import (
    AssignmentsScreen,
    FormError,
    NewAssignmentDialog,
    check_form,
)
from simulator.tui.screens.supervisor_attempts import TraineeScreen, TranscriptScreen
from simulator.tui.screens.supervisor_override import OverrideDialog
from simulator.tui.widgets.evidence import COST_STYLE, EARN_STYLE
from tests.tui.helpers import all_text, span_styles
from tests.tui.play import settle
from tests.tui.team_seed import AMY, BOB, BOSS, ready, seed_team, store_as, team_app


def row_of(table: DataTable[Any], key: str) -> list[str]:
    """The plain text of a table row."""
    return [c.plain if isinstance(c, Text) else str(c) for c in table.get_row(key)]


async def open_roster(app: KefuApp, pilot: Pilot[Any]) -> RosterScreen:
    """From Home: the team key."""
    await ready(app, pilot)
    await pilot.press("t")
    await settle(app, pilot)
    assert isinstance(app.screen, RosterScreen)
    return app.screen


async def open_transcript(app: KefuApp, pilot: Pilot[Any], user: str, attempt_id: int) -> None:
    """Roster -> the trainee's attempts -> one attempt's transcript."""
    roster = await open_roster(app, pilot)
    table = roster.query_one("#roster-table", DataTable)
    table.move_cursor(row=table.get_row_index(user))
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, TraineeScreen)
    attempts = app.screen.query_one("#trainee-table", DataTable)
    attempts.move_cursor(row=attempts.get_row_index(str(attempt_id)))
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, TranscriptScreen)


async def test_roster_lists_both_trainees_with_progress(tmp_path: Path) -> None:
    seed_team(tmp_path)
    app = team_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        roster = await open_roster(app, pilot)
        table = roster.query_one("#roster-table", DataTable)
        assert table.row_count == 2
        amy, bob = row_of(table, AMY), row_of(table, BOB)
        assert amy[:3] == ["Amy", "@new-hires", "3"]
        assert bob[:3] == ["Bob", "@night-shift", "2"]
        assert amy[8] == "↑" and bob[8] == "↓"  # Amy improves, Bob slips
        assert amy[9].startswith("进行中 1/8 ≥75")  # the exam: one of eight scenarios passed
        assert bob[9] == "—"  # no exam for the night shift
        assert bob[10] == "及时道歉"  # the blaming first reply is no apology either
        assert amy[11] == "12-28 09:20" or amy[11].startswith("12-28")
        # the group filter keeps one trainee; sorting by score puts Amy first
        roster.query_one("#roster-group", Select).value = "night-shift"
        await settle(app, pilot)
        assert roster.query_one("#roster-table", DataTable).row_count == 1
        roster.query_one("#roster-group", Select).clear()
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert roster.sort == "score"
        assert [r.user for r in roster.rows] == [AMY, BOB]


async def test_a_narrow_roster_keeps_the_exam_and_weakest_in_view(tmp_path: Path) -> None:
    """Below 100 cells the group, trend and last-active columns go (they cut
    the exam and weakest off at 80×24); widening brings them back."""
    seed_team(tmp_path)
    app = team_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        roster = await open_roster(app, pilot)

        def columns() -> list[str]:
            table = roster.query_one("#roster-table", DataTable)
            return [str(c.key.value) for c in table.columns.values()]

        assert {"group", "trend", "last"} <= set(columns())
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert columns() == ["trainee", "attempts", "avg", "timely_apology", "listening", "remedy",
                             "no_blame", "exam", "weakest"]  # fmt: skip
        table = roster.query_one("#roster-table", DataTable)
        assert table.virtual_size.width <= table.size.width  # nothing to scroll to
        assert row_of(table, BOB)[-1] == "及时道歉"
        await pilot.resize_terminal(120, 36)
        await settle(app, pilot)
        assert {"group", "trend", "last"} <= set(columns())


async def test_transcript_shows_the_evidence_and_an_override_needs_a_reason(
    tmp_path: Path,
) -> None:
    ids = seed_team(tmp_path)
    app = team_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_transcript(app, pilot, AMY, ids["amy_blame"])
        screen = app.screen
        assert isinstance(screen, TranscriptScreen)
        mine = [w.content for w in screen.query(".transcript-mine").results(Static)]
        first = mine[0]
        assert isinstance(first, Text)
        assert COST_STYLE in span_styles(first, "您自己下单的时候没看清")
        assert EARN_STYLE in span_styles(mine[1], "非常抱歉")  # type: ignore[arg-type]
        assert "没有改过分" in all_text(app)
        recorded = screen.attempt.score  # type: ignore[union-attr]
        # without a reason: refused in the dialog, nothing stored
        await pilot.press("o")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, OverrideDialog)
        dialog.query_one("#override-score", Input).value = "80"
        await pilot.press("enter", "enter")  # score -> reason (empty) -> save
        await settle(app, pilot)
        assert app.screen is dialog
        assert "必须填写理由" in str(dialog.query_one("#override-error", Static).render())
        with store_as(tmp_path, BOSS) as store:
            assert list(store.overrides(ids["amy_blame"])) == []
        # with a reason: saved, the audit trail shows it, the score counts everywhere
        dialog.query_one("#override-reason", Input).value = "买家第一句的情况特殊，酌情加分"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen
        audit = str(screen.query_one("#transcript-audit", Static).render())
        assert f"{BOSS}：{recorded} → 80 — 买家第一句的情况特殊，酌情加分" in audit
        assert "得分 80" in all_text(app) and f"（原分 {recorded}）" in all_text(app)
        with store_as(tmp_path, BOSS) as store:
            trail = store.overrides(ids["amy_blame"])
        assert [(o.by, o.old_score, o.new_score) for o in trail] == [(BOSS, recorded, 80)]


async def test_a_refused_override_says_why(tmp_path: Path) -> None:
    ids = seed_team(tmp_path)
    app = team_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_transcript(app, pilot, BOB, ids["bob_last"])
        with store_as(tmp_path, "admin") as other:
            other.ensure_user(BOSS, "trainee")  # demoted meanwhile: the store refuses
        await pilot.press("o")
        await settle(app, pilot)
        app.screen.query_one("#override-score", Input).value = "90"
        app.screen.query_one("#override-reason", Input).value = "复核后加分"
        await pilot.press("tab", "enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, TranscriptScreen)
        status = str(screen.query_one("#transcript-status", Static).render())
        assert status == "改分被拒绝：只有主管或管理员可以改分（wang.lei 是学员）"
        assert screen.query_one("#transcript-status").display
        with store_as(tmp_path, BOSS) as store:
            assert list(store.overrides(ids["bob_last"])) == []


async def test_a_trainee_gets_no_team_entry(tmp_path: Path) -> None:
    seed_team(tmp_path)
    app = team_app(tmp_path, user=AMY)
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        keys = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
        assert "team" not in keys
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        commands = [c.title for c in app.get_system_commands(app.screen)]
        assert "团队花名册" not in commands
        await pilot.press("f1")  # F1 listed "t 团队" although it does nothing for a trainee
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        assert "t" not in dict(app.screen.rows())
    boss = team_app(tmp_path)
    async with boss.run_test(size=(120, 36)) as pilot:
        await ready(boss, pilot)
        assert "团队花名册" in [c.title for c in boss.get_system_commands(boss.screen)]
        await pilot.press("f1")
        await settle(boss, pilot)
        assert isinstance(boss.screen, HelpScreen)
        assert dict(boss.screen.rows())["t"] == "团队"


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_form_keeps_its_buttons_on_screen_at_80x24(tmp_path: Path, lang: str) -> None:
    """An error under the fields pushed Create and Cancel out of a 24-line terminal."""
    seed_team(tmp_path)
    app = team_app(tmp_path, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NewAssignmentDialog)
        await pilot.press("ctrl+s")  # nothing filled in: "pick a set"
        await settle(app, pilot)
        error = app.screen.query_one("#form-error", Static)
        assert error.display and str(error.render()).strip()
        for id in ("#form-error", "#form-save", "#form-cancel", "#form-time_limit"):
            widget = app.screen.query_one(id)
            region = widget.region
            seen, _ = app.screen.get_widget_at(region.x + 1, region.y)
            assert seen is widget, (id, region, seen)  # drawn, not hidden or clipped


async def test_a_new_assignment_appears_on_the_trainees_home(tmp_path: Path) -> None:
    seed_team(tmp_path)
    app = team_app(tmp_path, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AssignmentsScreen)
        table = app.screen.query_one("#assign-table", DataTable)
        assert table.row_count == 1
        assert row_of(table, "1")[-1] == "0/1 (passed 0)"
        await pilot.press("n")
        await settle(app, pilot)
        form = app.screen
        assert isinstance(form, NewAssignmentDialog)
        form.query_one("#form-set", Select).value = "first-week"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.screen is form  # no assignee yet
        assert "Choose who gets it" in str(form.query_one("#form-error", Static).render())
        form.query_one("#form-to", Select).value = BOB
        form.query_one("#form-due", Input).value = "2026-01-09"
        form.query_one("#form-attempts", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AssignmentsScreen)
        table = app.screen.query_one("#assign-table", DataTable)
        assert table.row_count == 2
        assert row_of(table, "2")[:6] == ["First week", BOB, "Practice", "70", "2026-01-09", "2"]
    home = team_app(tmp_path, user=BOB, lang="en")
    async with home.run_test(size=(120, 36)) as pilot:
        await ready(home, pilot)
        shown = home.screen.query_one("#home-assignments", DataTable)
        assert shown.row_count == 1
        assert [str(c) for c in shown.get_row("2")][:3] == ["First week", "2026-01-09", "Practice"]


def test_the_form_checks_each_field() -> None:
    import datetime as dt

    today = dt.date(2025, 12, 29)
    good = {"set": "basic-exam", "to": "@new-hires", "mode": "exam", "pass_mark": "80",
            "due": "2026-01-10", "attempts": "2", "time_limit": "30"}  # fmt: skip
    assert check_form(good, today) == {
        "set_id": "basic-exam", "assignee": "@new-hires", "mode": "exam", "pass_mark": 80,
        "due": "2026-01-10", "attempts_allowed": 2, "time_limit_s": 1800,
    }  # fmt: skip
    bad = [
        ({"set": ""}, "set"),
        ({"pass_mark": "101"}, "pass_mark"),
        ({"attempts": "0"}, "attempts"),
        ({"due": "2025-12-28"}, "due"),
        ({"due": "next week"}, "due"),
        ({"mode": "practice"}, "time_limit"),
    ]
    for change, field in bad:
        with pytest.raises(FormError) as caught:
            check_form({**good, **change}, today)
        assert caught.value.field == field


def test_trend_arrows_and_sorting() -> None:
    rows = [
        supervision.RosterRow("b", "", (), 2, 60.0, trend=-5.0, last_active=2.0),
        supervision.RosterRow("a", "", (), 0, None, trend=None),
        supervision.RosterRow("c", "", ("x",), 4, 90.0, trend=1.0, last_active=1.0),
    ]
    assert [r.arrow for r in rows] == ["↓", "·", "→"]
    assert [r.user for r in supervision.sort_rows(rows, "score")] == ["c", "b", "a"]
    assert [r.user for r in supervision.sort_rows(rows, "last")] == ["b", "c", "a"]
    assert [r.user for r in supervision.filter_group(rows, "x")] == ["c"]


async def test_keyboard_only_filter_and_form(tmp_path: Path) -> None:
    seed_team(tmp_path)
    app = team_app(tmp_path, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        roster = await open_roster(app, pilot)
        await pilot.press("g", "enter", "down", "enter")  # the first group: @new-hires
        await settle(app, pilot)
        assert roster.group == "new-hires"
        assert [r.user for r in roster.rows] == [AMY]
        await pilot.press("a")  # the table has the focus again
        await settle(app, pilot)
        assert isinstance(app.screen, AssignmentsScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, NewAssignmentDialog)
        await pilot.press("enter", "down", "enter")  # set: the first (basic-exam)
        await pilot.press("tab", "enter", "down", "down", "enter")  # to: @night-shift
        await pilot.press("tab", "enter", "down", "enter")  # mode: exam
        await pilot.press("tab", *"80", "tab", *"2026-01-09", "tab", "tab", *"15")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AssignmentsScreen)
    with store_as(tmp_path, BOSS) as store:
        made = store.list_assignments()[-1]
    assert (made.set_id, made.assignee, made.mode, made.pass_mark) == (
        "basic-exam",
        "@night-shift",
        "exam",
        80,
    )
    assert (made.due, made.attempts_allowed, made.time_limit_s) == ("2026-01-09", None, 900)
