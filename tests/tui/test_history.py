"""The History screen, driven through the real app on a temp SQLite database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.widgets import DataTable

from simulator import advice
from simulator.tui.app import KefuApp
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.history import HistoryScreen
from simulator.tui.widgets.trend import TrendChart
from tests.tui.helpers import BLAME, FIX, GOOD_SHOES, SHOES, SORRY, T0, all_text, make_app, play

HOLDER = "car-vent-phone-holder-falls-off"
GOOD_HOLDER = ["非常抱歉给您添麻烦了!方便拍张照片吗?", "今天给您补发一个新的,运费我们承担。"]


def record_some(app: KefuApp) -> None:
    """Four finished attempts, alternating a good and a blaming one, an hour apart."""
    play(app, HOLDER, GOOD_HOLDER, start=T0)
    play(app, SHOES, [BLAME, SORRY, FIX], start=T0 + 3600, mode="exam")
    play(app, HOLDER, GOOD_HOLDER, start=T0 + 7200)
    play(app, SHOES, [BLAME, SORRY, FIX], start=T0 + 10800)


async def open_history(app: KefuApp, pilot) -> HistoryScreen:  # type: ignore[no-untyped-def]
    app.command_history()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


async def test_table_chart_weakest_and_suggestion(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        record_some(app)
        screen = await open_history(app, pilot)
        table = screen.query_one("#history-table", DataTable)
        assert table.row_count == 4
        newest = [str(c) for c in table.get_row_at(0)]
        assert re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d", newest[0])  # not 26-12-07
        assert newest[1] == "发错尺码的休闲皮鞋" and newest[2] == "练习" and newest[3] == "55"
        assert newest[4] == "歉✗ 听✓ 补✓ 责✗"
        assert [str(c) for c in table.get_row_at(2)][2] == "考试"
        chart = screen.query_one("#history-chart", TrendChart)
        assert list(chart.series) == ["及时道歉", "倾听询问", "具体补救", "不推卸责任"]
        assert chart.series["不推卸责任"] == pytest.approx([100.0, 50.0, 200 / 3, 50.0])
        text = all_text(app)
        assert "最需要加强：及时道歉（最近 4 次通过 50%）" in text
        rows = app.store.attempts()  # type: ignore[union-attr]
        tip = advice.suggest_next(rows, app.library, user_lang="zh")  # type: ignore[arg-type]
        assert tip is not None and screen.suggestion == tip
        assert app.library.scenarios[tip.scenario_id].title.zh in text  # type: ignore[union-attr]
        assert tip.reason.zh in text
        await pilot.press("s")
        await pilot.pause()
        assert type(app.screen).__name__ == "BriefingScreen"
        assert getattr(app.screen, "scenario_id", None) == tip.scenario_id
        assert isinstance(app.screen_stack[-2], HistoryScreen)


async def test_enter_opens_the_debrief_of_that_attempt_and_escape_comes_back(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        record_some(app)
        await open_history(app, pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        debrief = app.screen
        assert isinstance(debrief, DebriefScreen)
        assert debrief.mode == "exam" and debrief.attempt_id is not None
        assert [e.reply for e in debrief.session.exchanges] == [BLAME, SORRY, FIX]
        assert debrief.result.conversation.score == 55
        assert BLAME in all_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_empty_and_single_attempt_histories(tmp_path: Path) -> None:
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        screen = await open_history(app, pilot)
        text = all_text(app)
        assert "No finished attempts yet" in text
        assert "Start at entry level" in text  # a suggestion even with no history
        assert screen.suggestion is not None
        play(app, SHOES, GOOD_SHOES)
        await pilot.press("r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.query_one("#history-table", DataTable).row_count == 1
        assert "appears after two finished attempts" in all_text(app)
        assert "You passed every criterion lately" in all_text(app)


async def test_language_switch_keeps_rows_chart_and_suggestion(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        record_some(app)
        screen = await open_history(app, pilot)
        await app.set_lang("en")
        await pilot.pause()
        table = screen.query_one("#history-table", DataTable)
        assert table.row_count == 4
        assert [str(c) for c in table.get_row_at(0)][1] == "Wrong shoe size shipped"
        chart = screen.query_one("#history-chart", TrendChart)
        assert "No blame-shifting" in chart.series
        text = all_text(app)
        assert "Weakest: Timely apology" in text and "Suggested next:" in text
        assert screen.suggestion is not None and screen.suggestion.reason.en in text


async def test_80x24_layout_and_the_palette_entry(tmp_path: Path) -> None:
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        record_some(app)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "History" in titles
        screen = await open_history(app, pilot)
        assert screen.has_class("-narrow")
        table = screen.query_one("#history-table")
        chart = screen.query_one("#history-chart")
        assert chart.region.y >= table.region.bottom and chart.region.height >= 5
        assert screen.query_one("#history-suggestion").region.bottom <= 23
        app.command_history()  # already open: not pushed twice
        await pilot.pause()
        assert sum(isinstance(s, HistoryScreen) for s in app.screen_stack) == 1
