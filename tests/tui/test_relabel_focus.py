"""F12 keeps the reader's place: the focused widget keeps the focus and a
scrolled body stays scrolled. The language switch rebuilds a screen's widgets;
the focus went to nothing, so PageDown and the arrows did nothing on the
Debrief (and the Briefing) until Tab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.containers import VerticalScroll
from textual.widgets import Button

from tests.tui.helpers import BLAME, FIX, SHOES, SORRY, make_app, play
from tests.tui.play import open_briefing, settle
from tests.tui.test_debrief import show


async def blamed_debrief(app: Any, pilot: Any) -> Any:
    """The Debrief of a played conversation (blame, then an apology and a fix)."""
    await app.workers.wait_for_complete()
    session, attempt_id = play(app, SHOES, [BLAME, SORRY, FIX])
    return await show(app, pilot, session, attempt_id)


async def test_debrief_scrolls_with_the_keys_after_a_language_switch(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await blamed_debrief(app, pilot)
        assert app.focused is screen.query_one("#debrief-body")
        await pilot.press("pagedown")
        await pilot.pause()
        place = screen.query_one("#debrief-body").scroll_y
        assert place > 0
        for lang in ("zh-Hant", "en", "zh"):
            await pilot.press("f12")
            await settle(app, pilot)
            assert app.lang == lang
            body = screen.query_one("#debrief-body", VerticalScroll)
            assert app.focused is body, lang
            assert body.scroll_y > 0, lang  # still where the reader was, not the top
        body.scroll_home(animate=False)
        await pilot.pause()
        await pilot.press("pagedown")
        await pilot.pause()
        assert body.scroll_y > 0  # no Tab needed
        await pilot.press("down")
        await pilot.pause()
        assert body.scroll_y > place


async def test_a_focused_button_keeps_the_focus(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await blamed_debrief(app, pilot)
        screen.query_one("#debrief-home").focus()
        await pilot.pause()
        await pilot.press("f12")
        await settle(app, pilot)
        focused = app.focused
        assert isinstance(focused, Button) and focused.id == "debrief-home"
        assert str(focused.label) == "首頁"  # the rebuilt button, in the new language
        await pilot.press("enter")  # Enter still presses it: home
        await settle(app, pilot)
        assert len(app.screen_stack) == 1


async def test_briefing_keeps_the_focus_on_its_body(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        briefing = await open_briefing(app, pilot, SHOES)
        assert app.focused is briefing.query_one("#briefing-body")
        await pilot.press("f12")
        await settle(app, pilot)
        assert app.focused is briefing.query_one("#briefing-body")


async def test_home_keeps_the_focus_on_a_filter(tmp_path: Path) -> None:
    """Home relies on the shared restore too: a focused filter stays focused."""
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#filter-channel").focus()
        await pilot.pause()
        await pilot.press("f12")
        await settle(app, pilot)
        assert app.focused is not None and app.focused.id == "filter-channel"
