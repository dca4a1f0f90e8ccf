"""An installed scenario in a trainee's open exam keeps its model replies from
practice runs until the trainee has submitted it in the exam."""

from __future__ import annotations

from pathlib import Path

from tests.tui.team_seed import (
    AMY,
    NOW,
    SHOES,
    SHOES_GOOD,
    exam_for,
    open_debrief,
    ready,
    record,
    store_as,
    team_app,
)


async def _practice_debrief(tmp_path: Path, submitted: bool) -> str:
    exam = exam_for(tmp_path, AMY, pass_mark=60)
    with store_as(tmp_path, AMY) as amy:
        if submitted:
            record(amy, SHOES, SHOES_GOOD, NOW - 7200, "exam", exam.id)
        done = record(amy, SHOES, SHOES_GOOD, NOW - 3600)  # practice
        attempt = amy.get_attempt(done)
    app = team_app(tmp_path, user=AMY, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(app, pilot)
        assert app.library is not None
        model = app.library.scenarios[SHOES].nodes["complaint"].model_reply
        assert app.exam_holds(SHOES) is not submitted
        screen = await open_debrief(app, pilot, attempt, "practice")
        shown = str(screen.query_one("#debrief-model-0").render())
        assert (model in shown) is submitted
        return shown


async def test_practice_before_the_exam_does_not_show_its_answers(tmp_path: Path) -> None:
    shown = await _practice_debrief(tmp_path, submitted=False)
    assert "open once you have submitted it in an exam" in shown


async def test_after_the_exam_practice_shows_the_answers(tmp_path: Path) -> None:
    await _practice_debrief(tmp_path, submitted=True)


async def test_the_exam_briefing_states_the_pass_mark_and_tries_left(tmp_path: Path) -> None:
    from simulator.tui.screens.briefing import BriefingScreen

    exam = exam_for(tmp_path, AMY, pass_mark=80, attempts_allowed=2)
    with store_as(tmp_path, AMY) as amy:
        record(amy, SHOES, SHOES_GOOD, NOW - 3600, "exam", exam.id)
    app = team_app(tmp_path, user=AMY, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(app, pilot)
        screen = BriefingScreen(SHOES, "exam", assignment_id=exam.id)
        await app.push_screen(screen)
        await ready(app, pilot)
        text = str(screen.query_one("#briefing-mode").render())
        assert "Pass mark 80; 1 of 2 tries left at this scenario." in text


async def test_r_on_home_reads_a_set_published_while_the_app_is_open(tmp_path: Path) -> None:
    """A supervisor publishes a set while the trainee's app is open; r on Home
    brings it in (it used to need a restart)."""
    from tests.published import SET, publication, write_material

    with store_as(tmp_path, "boss") as boss:
        boss.ensure_user("boss", "supervisor")
        boss.ensure_user(AMY, "trainee")
    app = team_app(tmp_path, user=AMY, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(app, pilot)
        assert app.library is not None and SET not in app.library.sets
        with store_as(tmp_path, "boss") as boss:
            boss.publish(*publication(write_material(tmp_path / "ours"), exam=False))
        await pilot.press("r")
        await ready(app, pilot)
        assert SET in app.library.sets


async def test_no_retry_past_the_exams_tries(tmp_path: Path) -> None:
    """After the last allowed try the debrief's Retry is off, and r says why."""
    from textual.widgets import Button

    exam = exam_for(tmp_path, AMY, pass_mark=99, attempts_allowed=1)
    with store_as(tmp_path, AMY) as amy:
        done = record(amy, SHOES, SHOES_GOOD, NOW - 3600, "exam", exam.id)
        attempt = amy.get_attempt(done)
    app = team_app(tmp_path, user=AMY, lang="en")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(app, pilot)
        screen = await open_debrief(app, pilot, attempt, "exam")
        assert screen.retry_left == 0
        assert screen.query_one("#debrief-retry", Button).disabled
        screen.action_retry()
        await ready(app, pilot)
        assert app.screen is screen  # no briefing to start a try that does not exist


async def test_practice_of_a_scenario_an_open_exam_holds_says_so_before_f3(
    tmp_path: Path,
) -> None:
    """The briefing promised 'F3 shows a hint (it costs points)' and F3 asked to pay,
    only to say afterwards that the exam keeps the model replies: now the briefing
    says so, F3 leaves the footer, and pressing it says why without a price."""
    from simulator.tui.screens.briefing import BriefingScreen
    from simulator.tui.screens.chat import ChatScreen
    from tests.tui.play import settle, static_text

    exam_for(tmp_path, AMY, pass_mark=80)
    app = team_app(tmp_path, user=AMY, lang="zh")
    async with app.run_test(size=(120, 36)) as pilot:
        await ready(app, pilot)
        briefing = BriefingScreen(SHOES, "practice")
        await app.push_screen(briefing)
        await ready(app, pilot)
        mode = static_text(app, "#briefing-mode")
        assert "没有提示" in mode and "F3 查看提示" not in mode
        await pilot.press("enter")
        await ready(app, pilot)
        chat = app.screen
        assert isinstance(chat, ChatScreen) and chat.mode == "practice"
        assert "f3" not in chat.active_bindings
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen is chat and chat.hints == 0  # no dialog asked for points
        assert any("考试中提交后才开放" in str(n.message) for n in app._notifications)
