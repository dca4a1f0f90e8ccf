"""Home lays its tables out again when the terminal is resized, before and after
a language switch (the switch rebuilds the screen)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from tests.tui.play import make_app, settle


def _title_width(app) -> int:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#home-library", DataTable)
    return next(c.width for c in table.columns.values() if str(c.key.value) == "title")


def _levels(app) -> list[str]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#home-library", DataTable)
    keys = [str(c.key.value) for c in table.columns.values()]
    return [
        str(table.get_row_at(row)[keys.index("difficulty")])
        for row in range(min(3, table.row_count))
    ]


async def _shrink(tmp_path: Path, switches: int) -> tuple[int, int, list[str]]:
    app = make_app(tmp_path)
    async with app.run_test(size=(130, 30)) as pilot:
        await settle(app, pilot)
        for _ in range(switches):
            await pilot.press("f12")
            await settle(app, pilot)
        wide = _title_width(app)
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.5)
        await settle(app, pilot)
        return wide, _title_width(app), _levels(app)


async def test_home_refits_on_resize(tmp_path: Path) -> None:
    for switches in (0, 3):
        wide, narrow, levels = await _shrink(tmp_path / str(switches), switches)
        assert narrow < wide, switches
        assert all("★" in cell for cell in levels), (switches, levels)
