"""The command palette speaks the UI language: its footer label and its prompt."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from simulator.tui.app import KefuApp
from tests.tui.helpers import make_app


def palette_label(app) -> str:  # type: ignore[no-untyped-def]
    """The footer label of the palette key on the current screen."""
    return app.screen.active_bindings["ctrl+p"].binding.description


async def test_palette_label_and_prompt_follow_the_language(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert palette_label(app) == "命令面板"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder == "搜索命令…"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f12", "f12")  # zh -> zh-Hant -> en
        await pilot.pause()
        assert palette_label(app) == "Commands"
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(Input).placeholder == "Search for commands…"


async def no_matches_line(app: KefuApp, pilot: Pilot[None]) -> str:
    """Open the palette, search for what no command is called, read the answer."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    await pilot.press(*"qqqq")
    await pilot.pause(CommandPalette._NO_MATCHES_COUNTDOWN + 0.3)
    option = palette.query_one(CommandList).get_option(CommandPalette._NO_MATCHES)
    await pilot.press("escape")
    await pilot.pause()
    prompt = option.prompt
    return str(getattr(prompt, "renderable", prompt))


async def test_no_matches_is_said_in_the_ui_language(tmp_path: Path) -> None:
    """A search that matches nothing said "No matches found" in English on a
    Chinese screen (Textual writes it itself)."""
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert await no_matches_line(app, pilot) == "没有匹配的命令"
        await pilot.press("f12")  # zh-Hant
        await pilot.pause()
        assert await no_matches_line(app, pilot) == "沒有匹配的命令"
        await pilot.press("f12")  # en
        await pilot.pause()
        assert await no_matches_line(app, pilot) == "No matches found"
