"""Snapshots of the supervisor screens (roster, assignments, a transcript) at 80×24 and 120×36, zh and en.

The SVGs live in ``__snapshots__/test_supervisor_snapshots/``; after a
deliberate change, look at the failing run's report, then regenerate with
``uv run pytest tests/tui/test_supervisor_snapshots.py --snapshot-update``.
Everything on screen is fixed: the app's clock, the store's clock while
seeding, the seeds and the time zone (UTC).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from tests.tui.team_seed import (
    AMY,
    BOSS,
    DAY,
    NOW,
    frozen_store_clock,
    ready,
    seed_team,
    store_as,
    team_app,
)

SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
LANGS = ("zh", "en")
REASON = {
    "zh": "第一句是系统误判，复核后加分",
    "en": "The first line was misjudged; raised on review",
}


@pytest.fixture
def frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """UTC dates, a temp KEFU_HOME; yields the folder of the seeded team database."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("KEFU_HOME", str(tmp_path / "home"))
    for name in ("KEFU_LANG", "KEFU_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


def seed(folder: Path, lang: str) -> dict[str, int]:
    """The team, plus one audited override of Amy's blaming attempt."""
    ids = seed_team(folder)
    with frozen_store_clock(NOW - DAY), store_as(folder, BOSS) as boss:
        boss.override_score(ids["amy_blame"], 60, REASON[lang])
    return ids


def steps(
    *keys: str, then: Callable[[Any], Any] | None = None
) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before``: wait for the data, press ``t`` (the roster) and ``keys``, then ``then``."""

    async def run(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await ready(app, pilot)
        for key in ("t", *keys):
            await pilot.press(key)
            await ready(app, pilot)
        if then is not None:
            result = then(app)
            if hasattr(result, "__await__"):
                await result
            await ready(app, pilot)
        for widget in app.screen.query("Input, TextArea"):
            if isinstance(widget, Input | TextArea):
                widget.cursor_blink = False
        await pilot.pause()

    return run


def to_transcript(attempt_id: int) -> Callable[[Any], Awaitable[None]]:
    """Amy's attempts -> the transcript of ``attempt_id``."""

    async def go(app: Any) -> None:
        from simulator.tui.screens.supervisor_attempts import TraineeScreen, TranscriptScreen

        app.push_screen(TraineeScreen(AMY))
        await app.workers.wait_for_complete()
        app.push_screen(TranscriptScreen(attempt_id))

    return go


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_roster(snap_compare: Any, frozen: Path, lang: str, size: str) -> None:
    seed(frozen, lang)
    app = team_app(frozen, lang=lang)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps())


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_assignments(snap_compare: Any, frozen: Path, lang: str, size: str) -> None:
    seed(frozen, lang)
    app = team_app(frozen, lang=lang)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=steps("a"))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", LANGS)
def test_transcript(snap_compare: Any, frozen: Path, lang: str, size: str) -> None:
    ids = seed(frozen, lang)
    app = team_app(frozen, lang=lang)
    assert snap_compare(
        app, terminal_size=SIZES[size], run_before=steps(then=to_transcript(ids["amy_blame"]))
    )


def test_roster_table_is_in_the_snapshot_order(frozen: Path) -> None:
    """The roster lists trainees by name until sorted otherwise (what the snapshots show)."""
    seed(frozen, "en")
    app = team_app(frozen, lang="en")

    async def check() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            await steps()(pilot)
            table = app.screen.query_one("#roster-table", DataTable)
            assert [str(k.value) for k in table.rows] == [AMY, "bob"]

    import asyncio

    asyncio.run(check())
