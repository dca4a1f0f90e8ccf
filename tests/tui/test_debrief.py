"""The Debrief screen, driven through the real app on a temp SQLite database."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from simulator import advice
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.widgets.evidence import COST_STYLE, EARN_STYLE
from tests.tui.helpers import (
    BLAME,
    FIX,
    GOOD_SHOES,
    SHOES,
    SORRY,
    all_text,
    content,
    make_app,
    play,
    span_styles,
)


async def show(app, pilot, session, attempt_id=None, mode="practice") -> DebriefScreen:  # type: ignore[no-untyped-def]
    screen = DebriefScreen(session=session, attempt_id=attempt_id, mode=mode)
    await app.push_screen(screen)
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen


async def test_evidence_is_highlighted_in_the_trainees_own_words(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        session, attempt_id = play(app, SHOES, [BLAME, SORRY, FIX])
        await show(app, pilot, session, attempt_id)
        mine = app.screen.query(".debrief-mine").results(Static)
        first, second = (w.content for w in list(mine)[:2])
        assert COST_STYLE in span_styles(first, "您自己下单的时候没看清")  # type: ignore[arg-type]
        assert EARN_STYLE in span_styles(second, "非常抱歉")  # type: ignore[arg-type]
        assert EARN_STYLE in span_styles(second, "运费我们承担")  # type: ignore[arg-type]
        assert COST_STYLE not in span_styles(second, "非常抱歉")  # type: ignore[arg-type]
        # under the problem: the message and a better phrasing (the finding's fix)
        assert "把责任推给了买家" in first.plain  # type: ignore[union-attr]
        assert "可能是我们的说明不够清楚" in first.plain  # type: ignore[union-attr]
        # the model reply of the node each reply answered
        models = [w.content.plain for w in app.screen.query(".debrief-model").results(Static)]  # type: ignore[union-attr]
        scenario = app.library.scenarios[SHOES]  # type: ignore[union-attr]
        assert scenario.nodes["complaint"].model_reply in models[0]
        assert scenario.nodes["furious"].model_reply in models[1]
        text = all_text(app)
        assert "得分 55/100" in text
        assert "买家接受了换货方案" in text
        criteria = content(app, "#debrief-criteria").plain
        assert "✗ 及时道歉" in criteria and "✓ 倾听询问" in criteria and "✗ 不推卸责任" in criteria
        checks = content(app, "#debrief-checks").plain
        # the texts say what to do, must-not ones too: no "必须"/"不可" label before them
        assert checks == "✓ 说明运费由店铺承担\n✓ 不让买家垫付运费"
        assert "65 → 90（+25）" in text and "推卸责任让买家更生气" in text


async def test_policy_breaches_and_exam_mode_are_shown(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        over = "非常抱歉给您发错了!方便拍一下标签吗?我马上给您退款500元,今天到账。"
        session, attempt_id = play(app, SHOES, [over, FIX], mode="exam")
        await show(app, pilot, session, attempt_id, mode="exam")
        assert "考试" in content(app, "#debrief-title").plain
        breaches = content(app, "#debrief-breaches").plain
        assert "超过了政策上限" in breaches
        # exam attempts are submitted by now: the model replies are shown
        assert app.library.scenarios[SHOES].nodes["complaint"].model_reply in all_text(app)  # type: ignore[union-attr]


async def test_next_is_the_suggestion_and_opens_its_briefing(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        session, attempt_id = play(app, SHOES, GOOD_SHOES)
        screen = await show(app, pilot, session, attempt_id)
        rows = app.store.attempts()  # type: ignore[union-attr]
        tip = advice.suggest_next(rows, app.library, user_lang="zh")  # type: ignore[arg-type]
        assert tip is not None and screen.next_id == tip.scenario_id
        title = app.library.scenarios[tip.scenario_id].title.zh  # type: ignore[union-attr]
        assert title in content(app, "#debrief-next").plain
        assert tip.reason.zh in content(app, "#debrief-next").plain
        await pilot.press("n")
        await pilot.pause()
        assert type(app.screen).__name__ == "BriefingScreen"
        assert getattr(app.screen, "scenario_id", None) == tip.scenario_id
        assert not any(isinstance(s, DebriefScreen) for s in app.screen_stack)


async def test_retry_opens_the_same_briefing_and_home_goes_home(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        session, attempt_id = play(app, SHOES, GOOD_SHOES)
        await show(app, pilot, session, attempt_id)
        await pilot.press("r")
        await pilot.pause()
        assert type(app.screen).__name__ == "BriefingScreen"
        assert getattr(app.screen, "scenario_id", None) == SHOES
        await show(app, pilot, session, attempt_id)
        await pilot.press("h")
        await pilot.pause()
        assert len(app.screen_stack) == 1


async def test_language_switch_keeps_the_conversation_and_highlights(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        session, attempt_id = play(app, SHOES, [BLAME, SORRY, FIX])
        await show(app, pilot, session, attempt_id)
        await app.set_lang("en")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = all_text(app)
        assert "Debrief: Wrong shoe size shipped (practice)" in text
        assert "Score 55/100" in text and "The buyer accepted the exchange." in text
        first = app.screen.query(".debrief-mine").results(Static).__next__().content
        assert BLAME in first.plain  # type: ignore[union-attr]
        assert COST_STYLE in span_styles(first, "您自己下单的时候没看清")  # type: ignore[arg-type]
        assert "Blamed the buyer" in first.plain  # type: ignore[union-attr]
        assert "✓ says the shop pays the postage" in text
        await app.set_lang("zh-Hant")
        await pilot.pause()
        assert "買家接受了換貨方案" in all_text(app)


async def test_80x24_stacks_the_model_reply_under_the_trainees(tmp_path: Path) -> None:
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        session, attempt_id = play(app, SHOES, [BLAME, SORRY, FIX])
        screen = await show(app, pilot, session, attempt_id)
        assert screen.has_class("-narrow")
        mine = screen.query(".debrief-mine").first()
        model = screen.query(".debrief-model").first()
        assert model.region.y > mine.region.y and model.region.x == mine.region.x
        screen.query_one("#debrief-body").scroll_end(animate=False)
        await pilot.pause()
        assert screen.query_one("#debrief-buttons").region.bottom <= 23


async def test_palette_lists_the_screens_commands(tmp_path: Path) -> None:
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        session, attempt_id = play(app, SHOES, GOOD_SHOES)
        screen = await show(app, pilot, session, attempt_id)
        titles = [c.title for c in app.get_system_commands(screen)]
        assert {"Retry", "Next", "Home", "History"} <= set(titles)
