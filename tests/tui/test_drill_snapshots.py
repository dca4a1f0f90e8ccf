"""Snapshots of the Script drill at 80×24 and 120×36, in Chinese and English.

Everything shown is frozen: the app's clock is a ``FakeClock`` (the typing
time is the clock moved by hand), the database is a fresh SQLite file seeded
with fixed drill state, and the answer box's cursor does not blink.
Regenerate with ``uv run pytest tests/tui/test_drill_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, TextArea

from simulator.store import open_store
from simulator.store.base import DrillStat
from simulator.tui.app import KefuApp
from simulator.tui.widgets.drill_box import DrillBox
from tests.tui.play import T0, FakeClock, settle

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
# (UI language, set, a line typed with a missing chunk, a moved chunk and an extra word)
CASES = {
    "zh": ("chat-zh-hans", "我是客服小安，您好，很高兴为您服务呀，有什么可以帮您？"),
    "en": (
        "chat-en",
        "I'm so sorry for the wait. Your parcel is held at the sorting centre, "
        "I've checked the tracking. I'll chase the courier to prioritise it and update you soon.",
    ),
}
Step = Callable[[Pilot[Any]], Awaitable[None]]


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A temp KEFU_HOME and database folder; no language from the environment."""
    monkeypatch.setenv("KEFU_HOME", str(tmp_path / "home"))
    for name in ("KEFU_LANG", "KEFU_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path


def drill_app(folder: Path, lang: str, clock: FakeClock) -> KefuApp:
    """The real app on a SQLite file where some lines of each set were practised before."""
    url = f"sqlite:///{folder}/snap.sqlite3"
    store = open_store(url, user="amy")
    try:
        for set_id in ("chat-zh-hans", "chat-en"):
            store.record_drill(DrillStat(set_id, "closing", 2, T0 + 86400, 3, 1, 92.0, 14.0))
            store.record_drill(DrillStat(set_id, "wrong-item", 1, T0 + 600, 1, 0, 88.0, 20.0))
        # English: the opening is learned too, so the round starts with the late parcel.
        store.record_drill(DrillStat("chat-en", "opening", 1, T0 + 60, 1, 0, 95.0, 9.0))
    finally:
        store.close()
    return KefuApp(lang=lang, database_url=url, clock=clock, user="amy")


def steps(
    app: KefuApp, clock: FakeClock, set_id: str | None, typed: str | None, light: bool = False
) -> Step:
    """Open the drill list, then (if ``set_id``) the set, then (if ``typed``) check a line."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(app, pilot)
        if light:
            await pilot.press("ctrl+t")
        await pilot.press("d")
        await settle(app, pilot)
        if set_id is not None:
            table = app.screen.query_one("#drill-sets", DataTable)
            table.move_cursor(row=table.get_row_index(set_id))
            await pilot.press("enter")
            await settle(app, pilot)
        if typed is not None:
            app.screen.query_one(DrillBox).insert(typed)
            clock.advance(17)
            await pilot.press("enter")
            await settle(app, pilot)
        for area in app.screen.query(TextArea):
            area.cursor_blink = False
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", CASES)
def test_drill_verdict(snap_compare: Any, folder: Path, lang: str, size: str) -> None:
    """A checked line: missing, extra and moved chunks, key points, the standard line."""
    clock = FakeClock()
    app = drill_app(folder, lang, clock)
    set_id, typed = CASES[lang]
    run = steps(app, clock, set_id, typed)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", CASES)
def test_drill_item(snap_compare: Any, folder: Path, lang: str, size: str) -> None:
    """An item before the answer: situation, key points, the empty answer box."""
    clock = FakeClock()
    app = drill_app(folder, lang, clock)
    run = steps(app, clock, CASES[lang][0], None)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", CASES)
def test_drill_sets(snap_compare: Any, folder: Path, lang: str, size: str) -> None:
    """The list of script sets with progress, filtered to the UI language."""
    clock = FakeClock()
    app = drill_app(folder, lang, clock)
    run = steps(app, clock, None, None)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run)


def test_drill_verdict_light_theme(snap_compare: Any, folder: Path) -> None:
    """The markers and text styles still tell missing, extra and moved apart in the light theme."""
    clock = FakeClock()
    app = drill_app(folder, "zh", clock)
    set_id, typed = CASES["zh"]
    run = steps(app, clock, set_id, typed, light=True)
    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=run)
