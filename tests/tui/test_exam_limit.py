"""An exam with a time limit: the countdown, the automatic submission, and resume keeping the deadline.

Time is the app's injectable clock (``FakeClock``), moved by hand; the
countdown's tick is called directly instead of waiting for its interval.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from simulator.tui.app import KefuApp
from simulator.tui.dialogs import CardDialog, ChoiceDialog
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.chat import ChatScreen
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.supervisor_attempts import TranscriptScreen
from simulator.tui.widgets.exam_clock import ExamClock, clock_level
from tests.tui.play import FakeClock, make_app, send, settle, static_text
from tests.tui.team_seed import (
    AMY,
    BOSS,
    NOW,
    SHOES_GOOD,
    frozen_store_clock,
    ready,
    store_as,
    team_app,
)

LIMIT_S = 600


@pytest.fixture(autouse=True)
def no_typing_delay(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The buyer answers at once."""
    monkeypatch.setattr(ChatScreen, "TYPING_DELAY", 0)
    yield


def seed_exam(folder: Path, limit_s: int | None = LIMIT_S) -> int:
    """Amy, a supervisor, and a timed exam of the basic-exam set for Amy; returns its id."""
    with frozen_store_clock(NOW - 3600), store_as(folder, BOSS) as boss:
        boss.ensure_user(BOSS, "supervisor")
        boss.ensure_user(AMY, "trainee")
        exam = boss.create_assignment(
            "basic-exam", AMY, mode="exam", pass_mark=75, time_limit_s=limit_s
        )
    return exam.id


async def start_exam(app: KefuApp, pilot: Pilot[Any], assignment_id: int) -> ChatScreen:
    """Home -> the exam assignment -> its briefing -> the chat."""
    await ready(app, pilot)
    table = app.screen.query_one("#home-assignments", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(str(assignment_id)))
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, BriefingScreen) and app.screen.mode == "exam"
    limit = app.screen.time_limit_s
    shown = static_text(app, "#briefing-mode")
    assert ("限时" in shown) == bool(limit)
    # the assignment fixes the mode: no m key offered, and m changes nothing
    assert "按 m" not in static_text(app, "#briefing-ready")
    assert app.screen.check_action("toggle_mode", ()) is False  # hidden from footer and F1
    await pilot.press("m")
    assert app.screen.mode == "exam"
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ChatScreen)
    return app.screen


async def time_passes(app: KefuApp, pilot: Pilot[Any], clock: FakeClock, seconds: float) -> None:
    """Move the clock and let the countdown see it."""
    clock.advance(seconds)
    app.screen.query_one(ExamClock).tick()
    await settle(app, pilot)


async def test_the_exam_is_submitted_at_the_deadline(tmp_path: Path) -> None:
    exam_id = seed_exam(tmp_path)
    clock = FakeClock(NOW)
    app = team_app(tmp_path, user=AMY, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = await start_exam(app, pilot, exam_id)
        assert chat.deadline == NOW + LIMIT_S
        assert static_text(app, "#chat-exam-clock") == "⌛ 剩余 10:00"
        await send(app, pilot, SHOES_GOOD[0])
        await time_passes(app, pilot, clock, LIMIT_S - 61)
        assert static_text(app, "#chat-exam-clock") == "⌛ 剩余 1:01"
        await time_passes(app, pilot, clock, 2)
        assert app.screen.query_one(ExamClock).has_class("-warn")
        assert app.screen is chat
        chat.query_one("#chat-reply").insert("还没发出去的这句不算")  # type: ignore[attr-defined]
        await time_passes(app, pilot, clock, 60)
        assert isinstance(app.screen, DebriefScreen)
        await app.workers.wait_for_complete()
        await settle(app, pilot)
        assert "时间到，对话还没有结束" in static_text(app, "#debrief-score")
        assert "不算通过" in static_text(app, "#debrief-score")
        app.screen.action_next()  # the set's next scenario: its Briefing states the limit too
        await settle(app, pilot)
        assert isinstance(app.screen, BriefingScreen) and app.screen.mode == "exam"
        assert app.screen.time_limit_s == LIMIT_S and "限时" in static_text(app, "#briefing-mode")
    with store_as(tmp_path, AMY) as store:
        (attempt,) = store.attempts()
    assert attempt.status == "finished" and attempt.assignment_id == exam_id
    assert [r.text for r in attempt.replies] == [SHOES_GOOD[0]]
    assert attempt.result["timed_out"] is True
    assert attempt.finished_at == NOW + LIMIT_S + 1  # when the countdown saw it
    boss = team_app(tmp_path)  # the supervisor's transcript says why it ended
    async with boss.run_test(size=(80, 24)) as pilot:
        await ready(boss, pilot)
        boss.push_screen(TranscriptScreen(attempt.id))
        await settle(boss, pilot)
        assert "（时间到，对话未结束：自动交卷，不算通过）" in static_text(
            boss, "#transcript-summary"
        )


async def test_resuming_keeps_the_original_deadline(tmp_path: Path) -> None:
    exam_id = seed_exam(tmp_path)
    clock = FakeClock(NOW)
    app = team_app(tmp_path, user=AMY, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(app, pilot, exam_id)
        await send(app, pilot, SHOES_GOOD[0])
    # the app is gone (a crash): five minutes later Amy starts kefu again
    clock = FakeClock(NOW + 300)
    again = team_app(tmp_path, user=AMY, clock=clock)
    async with again.run_test(size=(80, 24)) as pilot:
        await ready(again, pilot)
        assert isinstance(again.screen, ChoiceDialog)
        await pilot.press("enter")  # resume
        await settle(again, pilot)
        chat = again.screen
        assert isinstance(chat, ChatScreen) and len(chat.session.exchanges) == 1
        assert chat.deadline == NOW + LIMIT_S
        assert static_text(again, "#chat-exam-clock") == "⌛ 剩余 5:00"
        await time_passes(again, pilot, clock, 300)
        assert isinstance(again.screen, DebriefScreen)
    with store_as(tmp_path, AMY) as store:
        (attempt,) = store.attempts()
    assert attempt.status == "finished" and len(attempt.replies) == 1


async def test_an_exam_resumed_after_its_deadline_is_submitted_at_once(tmp_path: Path) -> None:
    exam_id = seed_exam(tmp_path)
    app = team_app(tmp_path, user=AMY, clock=FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(app, pilot, exam_id)
    late = team_app(tmp_path, user=AMY, clock=FakeClock(NOW + 2 * LIMIT_S))
    async with late.run_test(size=(80, 24)) as pilot:
        await ready(late, pilot)
        await pilot.press("enter")  # resume
        await settle(late, pilot)
        assert isinstance(late.screen, DebriefScreen)


async def test_no_countdown_without_a_limit(tmp_path: Path) -> None:
    exam_id = seed_exam(tmp_path, limit_s=None)
    app = team_app(tmp_path, user=AMY, clock=FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        chat = await start_exam(app, pilot, exam_id)
        assert chat.deadline is None and not chat.query(ExamClock)


def _dialog_text(app: KefuApp) -> str:
    dialog = app.screen
    assert isinstance(dialog, ChoiceDialog)
    return static_text(app, ".title") + "\n" + static_text(app, ".dialog-body")


async def test_leaving_an_exam_says_its_clock_keeps_running(tmp_path: Path) -> None:
    """Esc in an exam used to say 'continue this practice later': the clock runs on
    while the trainee is away, and a timed exam is submitted at its deadline."""
    exam_id = seed_exam(tmp_path)
    clock = FakeClock(NOW)
    app = team_app(tmp_path, user=AMY, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(app, pilot, exam_id)
        await time_passes(app, pilot, clock, 100)
        await pilot.press("escape")
        await settle(app, pilot)
        shown = _dialog_text(app)
        assert shown.startswith("离开考试？")
        assert "离开不会暂停计时" in shown and "还剩 8:20" in shown and "练习" not in shown
    (other := tmp_path / "untimed").mkdir()
    untimed = seed_exam(other, limit_s=None)
    app = team_app(other, user=AMY, clock=FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await start_exam(app, pilot, untimed)
        await pilot.press("escape")
        await settle(app, pilot)
        shown = _dialog_text(app)
        assert "离开不会暂停计时" in shown and "还剩" not in shown and "练习" not in shown


async def test_time_up_with_the_policy_card_open_closes_it_and_submits(tmp_path: Path) -> None:
    exam_id = seed_exam(tmp_path)
    clock = FakeClock(NOW)
    app = team_app(tmp_path, user=AMY, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = await start_exam(app, pilot, exam_id)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, CardDialog)
        clock.advance(LIMIT_S)
        chat.query_one(ExamClock).tick()
        await settle(app, pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert [type(s).__name__ for s in app.screen_stack] == ["HomeScreen", "DebriefScreen"]


def test_clock_levels() -> None:
    assert [clock_level(s) for s in (600, 60, 1, 0, -5)] == ["ok", "warn", "warn", "over", "over"]


async def test_no_tries_left_is_a_sentence_not_the_stores_words(tmp_path: Path) -> None:
    """The store refuses a start past the tries allowed in words for a log
    ('kefu: amy has used all 1 attempts of assignment 5 on ...', as the team
    database's trigger words it too); the trainee reads how many tries there
    were, in the UI language, without ids."""
    from simulator.store.base import StoreError, StorePermissionError
    from simulator.store.errors import database_says

    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        screen = BriefingScreen("wrong-size-shoes", "exam")
        await app.push_screen(screen)
        await settle(app, pilot)
        trigger = database_says("amy has used all 2 attempts of assignment 5 on wrong-size-shoes")
        assert trigger is not None
        for error, lang, want in (
            (StorePermissionError.of("no_tries_left", name="amy", n=1, id=5,
                                     scenario="wrong-size-shoes"), "en",
             "No tries left at this exam scenario (1 allowed, all used)."),
            (StorePermissionError(trigger), "zh", "这个考试场景的 2 次机会都已用完，不能再开始。"),
            (StoreError("kefu: database is locked"), "en", "Cannot start: database is locked"),
        ):  # fmt: skip
            await app.set_lang(lang, save=False)
            screen._start_failed(error)
            key, values = screen.error  # type: ignore[misc]
            assert app.t(key, **values) == want
