"""The Chat screen, played through the real app on a temp SQLite database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from simulator.session import HINT_COST
from simulator.store import open_store
from simulator.tui.app import KefuApp
from simulator.tui.dialogs import CardDialog, ChoiceDialog
from simulator.tui.screens.chat import MAX_REPLY, ChatScreen
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.widgets.coach import CoachChecklist
from simulator.tui.widgets.mood import MoodMeter
from simulator.tui.widgets.reply_box import ReplyBox
from simulator.tui.widgets.timer import ResponseTimer
from tests.sqlite_lock import locked
from tests.tui.helpers import GOOD_SHOES
from tests.tui.play import (
    BLAME,
    PHONE_CASE,
    PHONE_GOOD,
    SHOES,
    SHOES_FIRST,
    FakeClock,
    bubbles,
    db_url,
    make_app,
    send,
    settle,
    start_chat,
    static_text,
    type_text,
)

OVER_POLICY = "非常抱歉,是我们的错。今天给您补发42码,运费我们承担,再补偿您500元现金。"


@pytest.fixture(autouse=True)
def no_typing_delay(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The buyer answers at once (the typing test sets its own delay)."""
    monkeypatch.setattr(ChatScreen, "TYPING_DELAY", 0)
    yield


async def test_a_whole_scenario_to_its_ending_and_the_debrief(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, PHONE_CASE)
        opening = chat.session.buyer_lines[0][0]
        assert bubbles(app) == [("buyer", opening)]
        assert app.screen.query_one(MoodMeter).mood == 45
        clock.advance(20)
        await send(app, pilot, PHONE_GOOD[0])
        assert [who for who, _ in bubbles(app)] == ["buyer", "me", "buyer"]
        assert app.screen.query_one(MoodMeter).mood == 30  # apology + photo request: -15
        assert "情绪 45 → 30（-15）" in static_text(app, ".chat-note.-calmer")
        assert "先道歉再请她拍照确认" in static_text(app, ".chat-note.-calmer")
        clock.advance(40)
        await send(app, pilot, PHONE_GOOD[1])
        assert isinstance(app.screen, DebriefScreen)
        assert app.screen.session is chat.session and app.screen.mode == "practice"
        assert app.screen.attempt_id == chat.attempt_id
    store = open_store(db_url(tmp_path), user="amy")
    try:
        (attempt,) = store.attempts()
        assert attempt.status == "finished" and attempt.ending == "resolved"
        assert [r.text for r in attempt.replies] == PHONE_GOOD
        assert [r.at for r in attempt.replies] == [clock.now - 40, clock.now]
        assert attempt.result["mode"] == "practice" and attempt.result["hints"] == 0
        assert attempt.score == chat.session.result().conversation.score
    finally:
        store.close()


async def test_the_coach_ticks_as_the_trainee_types(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        coach = app.screen.query_one(CoachChecklist)
        assert coach.ticked() == dict.fromkeys(
            ["apology", "listening", "remedy", "no_blame"], False
        )
        type_text(app, "非常抱歉给您发错了尺码!")
        await pilot.pause(0.1)
        assert coach.ticked() == {
            "apology": True, "listening": False, "remedy": False, "no_blame": True
        }  # fmt: skip
        type_text(app, "方便拍一下鞋盒上的尺码标签吗?")
        await pilot.pause(0.1)
        assert coach.ticked()["listening"] is True
        updates = chat.coach_updates
        for ch in "今天给您换":  # quick keystrokes: one update after the pause, not five
            type_text(app, ch)
        await pilot.pause(0.1)
        assert chat.coach_updates == updates + 1
        app.screen.query_one(ReplyBox).clear()
        await pilot.pause(0.1)
        assert not any(coach.ticked().values())
        type_text(app, BLAME)
        await pilot.pause(0.1)
        assert "-bad" in app.screen.query_one("#coach-no_blame").classes


async def test_exam_mode_hides_the_coach_and_refuses_the_hint(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES, mode="exam")
        assert chat.mode == "exam"
        assert not app.screen.query(CoachChecklist)
        assert "考试" in static_text(app, "#chat-mode")
        type_text(app, SHOES_FIRST)
        await pilot.pause(0.1)
        assert chat.coach_updates == 0
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen is chat and chat.hints == 0
        assert "f3" not in app.screen.active_bindings
        assert any("考试中没有提示" in str(n.message) for n in app._notifications)
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(chat.session.exchanges) == 1
    store = open_store(db_url(tmp_path), user="amy")
    try:
        (attempt,) = store.unfinished_attempts()
        assert attempt.mode == "exam" and attempt.hints_used == 0
    finally:
        store.close()


async def test_the_hint_costs_points_and_the_policy_card_opens_on_f2(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, CardDialog)
        assert "20" in static_text(app, ".dialog-body")  # the coupon limit
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is chat
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # "show the hint" is focused
        await settle(app, pilot)
        assert isinstance(app.screen, CardDialog)
        model = chat.session.scenario.nodes["complaint"].model_reply
        assert model in static_text(app, ".dialog-body")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is chat and chat.hints == 1
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("escape")  # cancelled: no cost
        await settle(app, pilot)
        assert chat.hints == 1
        for reply in GOOD_SHOES:  # play to the end: the hint comes off the score
            await send(app, pilot, reply)
        await settle(app, pilot)
        assert isinstance(app.screen, DebriefScreen)
        conversation = chat.session.result().conversation.score
        assert f"{conversation - HINT_COST}/100" in static_text(app, "#debrief-score")
        assert str(HINT_COST) in static_text(app, "#debrief-score")
    store = open_store(db_url(tmp_path), user="amy")
    try:
        (attempt,) = store.attempts()
        assert attempt.hints_used == 1
        assert attempt.score == conversation - HINT_COST
        assert attempt.result["score_before_hints"] == conversation
    finally:
        store.close()


async def test_empty_and_over_long_replies_are_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "回复是空的" in static_text(app, "#chat-status")
        type_text(app, "  \n\u3000 ")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "回复是空的" in static_text(app, "#chat-status")
        type_text(app, "您好")  # typing clears the complaint about an empty box
        await settle(app, pilot)
        assert not app.screen.query_one("#chat-status").display
        app.screen.query_one(ReplyBox).clear()
        long = "抱" * (MAX_REPLY + 1)
        type_text(app, long)
        await pilot.press("enter")
        await settle(app, pilot)
        status = static_text(app, "#chat-status")
        assert f"最多 {MAX_REPLY} 字" in status and str(MAX_REPLY + 1) in status
        assert app.screen.query_one(ReplyBox).text == long
        assert chat.session.exchanges == [] and len(bubbles(app)) == 1
        app.screen.query_one(ReplyBox).clear()
        await send(app, pilot, SHOES_FIRST)
        assert len(chat.session.exchanges) == 1
        assert not app.screen.query_one("#chat-status").display
    store = open_store(db_url(tmp_path), user="amy")
    try:
        assert [r.text for r in store.unfinished_attempts()[0].replies] == [SHOES_FIRST]
    finally:
        store.close()


async def test_a_failed_save_keeps_the_text_and_does_not_advance(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        app.store = open_store(db_url(tmp_path), user="amy", retry_s=0.2)  # give up quickly
        await settle(app, pilot)
        with locked(tmp_path / "k.sqlite3"):  # another program holds the database
            await send(app, pilot, SHOES_FIRST)
            assert "回复没有保存" in static_text(app, "#chat-status")
            # in the UI language, with where and what to do
            assert "被另一个程序锁住了" in static_text(app, "#chat-status")
            assert "k.sqlite3" in static_text(app, "#chat-status")
            assert app.screen.query_one(ReplyBox).text == SHOES_FIRST
            assert not app.screen.query_one(ReplyBox).read_only
            assert chat.session.exchanges == [] and len(bubbles(app)) == 1
        await pilot.press("enter")  # retry
        await settle(app, pilot)
        assert len(chat.session.exchanges) == 1 and len(bubbles(app)) == 3
        assert app.screen.query_one(ReplyBox).text == ""


async def test_a_language_switch_mid_chat_keeps_the_conversation(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        await send(app, pilot, SHOES_FIRST)
        before = bubbles(app)
        type_text(app, "看到了")
        await pilot.pause(0.1)
        await pilot.press("f12")  # -> Traditional
        await settle(app, pilot)
        await pilot.press("f12")  # -> English
        await settle(app, pilot)
        assert app.lang == "en" and app.screen is chat
        assert bubbles(app) == before
        assert app.screen.query_one(ReplyBox).text == "看到了"
        assert app.screen.query_one(ReplyBox).has_focus
        assert "Mood 65 → 50 (-15)" in static_text(app, ".chat-note")
        assert "Buyer's mood" in static_text(app, "#chat-mood")
        assert app.screen.query_one(CoachChecklist).ticked()["apology"] is False
        type_text(app, ",是我们发错了。今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert chat.session.ending == "resolved"


async def test_mood_reasons_and_a_broken_promise_warning(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await start_chat(app, pilot, SHOES)
        await send(app, pilot, BLAME)
        assert "推卸责任让买家更生气" in static_text(app, ".chat-note.-angrier")
        assert app.screen.query_one(MoodMeter).has_class("-furious")
        await send(app, pilot, OVER_POLICY)
        breach = static_text(app, ".chat-note.-breach")
        assert "违约风险" in breach and "不允许的补救：补偿" in breach


async def test_the_buyer_types_for_a_moment_before_answering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long enough that a loaded machine still sees the typing state after the
    # save (a 0.3 s window failed now and then); the reveal is then waited for.
    monkeypatch.setattr(ChatScreen, "TYPING_DELAY", 1.5)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        await send(app, pilot, SHOES_FIRST)
        assert "王先生正在输入" in static_text(app, ".chat-note.-typing")
        assert [who for who, _ in bubbles(app)] == ["buyer", "me"]
        assert app.screen.query_one(MoodMeter).mood == 65 and chat.busy
        for _ in range(100):  # up to 10 s
            if not chat.busy and chat.revealed == len(chat.session.buyer_lines):
                break
            await pilot.pause(0.1)
        await pilot.pause()
        assert [who for who, _ in bubbles(app)] == ["buyer", "me", "buyer"]
        assert app.screen.query_one(MoodMeter).mood == 50 and not chat.busy
        assert not app.screen.query(".chat-note.-typing")


async def test_the_timer_warns_and_goes_red_past_the_target(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        timer = app.screen.query_one(ResponseTimer)
        target = chat.session.scenario.response_target_s
        assert target and timer.has_class("-ok")
        clock.advance(target * 0.8)
        timer.tick()
        assert timer.has_class("-warn")
        clock.advance(target)
        timer.tick()
        assert timer.has_class("-over")
        await send(app, pilot, SHOES_FIRST)
        assert chat.session.exchanges[0].slow
        assert timer.has_class("-ok") and "0:00" in str(timer.render())


async def test_escape_asks_then_leaves_with_the_attempt_open(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        await send(app, pilot, SHOES_FIRST)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")  # "keep talking" is first
        await pilot.pause()
        assert app.screen is chat
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("tab", "enter")  # "leave"
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert chat.session.scenario.title.zh in static_text(app, "#home-resume")


DRAFT = "真的很抱歉，我马上"


async def _type_a_draft(app: KefuApp, pilot: Pilot[Any], text: str) -> ChatScreen:
    """Open the shoes scenario, send the first reply, and type ``text`` unsent."""
    await settle(app, pilot)
    chat = await start_chat(app, pilot, SHOES)
    await send(app, pilot, SHOES_FIRST)
    type_text(app, text)
    await pilot.pause()
    return chat


async def test_an_unsent_draft_is_back_after_leaving_and_resuming(tmp_path: Path) -> None:
    """Esc, 离开, then c (continue): the reply being typed is still in the box."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = await _type_a_draft(app, pilot, DRAFT)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("tab", "enter")  # "leave"
        await settle(app, pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        await pilot.press("c")  # continue the unfinished session
        await settle(app, pilot)
        back = app.screen
        assert isinstance(back, ChatScreen) and back is not chat
        assert back.attempt_id == chat.attempt_id
        assert back.query_one(ReplyBox).text == DRAFT
        await send(app, pilot, "真的很抱歉，我马上帮您换货。")
        assert app.drafts.get(chat.attempt_id) == ""  # sent: nothing left to bring back


async def _quit_with_a_draft(tmp_path: Path) -> int:
    """Run the app, type a reply without sending it, quit; the attempt's id."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        return (await _type_a_draft(app, pilot, DRAFT)).attempt_id


async def test_an_unsent_draft_survives_quitting_the_app(tmp_path: Path) -> None:
    """Type, quit (no Esc, no wait), start the app again on the same database and
    continue: the reply being typed is back; sending it clears it for good."""
    attempt_id = await _quit_with_a_draft(tmp_path)
    again = make_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(again, pilot)
        assert isinstance(again.screen, ChoiceDialog)  # "continue the unfinished session?"
        await pilot.press("enter")  # continue
        await settle(again, pilot)
        back = again.screen
        assert isinstance(back, ChatScreen) and back.attempt_id == attempt_id
        assert back.query_one(ReplyBox).text == DRAFT
        # the coach reads the draft that came back, before any keystroke
        assert back.query_one(CoachChecklist).ticked()["apology"] is True
        await send(again, pilot, "真的很抱歉，我马上帮您换货。")
        await pilot.pause(again.drafts.SAVE_DELAY + 0.2)  # the debounced save has run
    third = make_app(tmp_path)
    async with third.run_test(size=(80, 24)) as pilot:
        await settle(third, pilot)
        assert (
            third.drafts.texts == {} and third.drafts.get(attempt_id) == ""
        )  # read from the store


async def test_after_a_crash_the_draft_comes_back_with_the_cursor_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Type, wait for the debounced save, then die without closing (as kill -9: the
    store gets nothing more); start again and continue: typing and Backspace work at
    the end of the draft, not in front of it."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        chat = await _type_a_draft(app, pilot, DRAFT)
        await pilot.pause(app.drafts.SAVE_DELAY + 0.3)  # the debounced save has run
        monkeypatch.setattr(app.drafts, "save", lambda: None)  # no save at exit
    again = make_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(again, pilot)
        assert isinstance(again.screen, ChoiceDialog)
        await pilot.press("enter")  # continue
        await settle(again, pilot)
        back = again.screen
        assert isinstance(back, ChatScreen) and back.attempt_id == chat.attempt_id
        box = back.query_one(ReplyBox)
        assert box.text == DRAFT and box.cursor_location == box.document.end
        await pilot.press("x")
        assert box.text == DRAFT + "x"
        await pilot.press("backspace", "backspace")
        assert box.text == DRAFT[:-1]


async def test_discarding_an_unfinished_attempt_at_start(tmp_path: Path) -> None:
    """The start-up offer's second choice (放弃): the attempt is abandoned in the
    store, its unsent reply forgotten, and Home no longer offers to resume it."""
    attempt_id = await _quit_with_a_draft(tmp_path)
    again = make_app(tmp_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(again, pilot)
        assert isinstance(again.screen, ChoiceDialog)
        await pilot.press("tab", "enter")  # discard
        await settle(again, pilot)
        home = again.screen
        assert type(home).__name__ == "HomeScreen"
        assert again.store is not None
        assert again.store.get_attempt(attempt_id).status == "abandoned"
        assert again.drafts.get(attempt_id) == ""
        assert home.unfinished == []  # type: ignore[attr-defined]
