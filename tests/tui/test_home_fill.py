"""Home fills its tables even when store rows land in the middle of a recompose.

The library's arrival and a language switch recompose Home: the top level mounts
before the boxes' children, and the store rows (read in a thread) can be handed over
in between. That once crashed Home with ``NoMatches: #home-assignments``.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import DataTable

from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.home_rows import matching
from tests.tui.play import make_app, settle

# What Home fills in; half of these are briefly missing during a recompose.
FILLED = (
    "home-resume",
    "home-assignments",
    "home-assignments-note",
    "home-recent",
    "home-recent-note",
    "home-library",
    "home-library-note",
)


async def test_rows_landing_mid_recompose_are_filled_in(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, HomeScreen) and app.library is not None
        store = app.store
        assert store is not None
        assignments, attempts = list(store.assignments_for()), list(store.attempts())
        recompose = asyncio.ensure_future(screen.recompose())
        partial = 0  # times the rows landed while some part was missing
        for _ in range(10_000):
            if recompose.done():
                break
            present = [bool(screen.query(f"#{id}")) for id in FILLED]
            partial += any(present) and not all(present)
            screen._rows_loaded(
                assignments, attempts, []
            )  # what load_rows hands over from its thread
            await asyncio.sleep(0)
        else:
            raise AssertionError("the recompose did not finish")
        await recompose
        await settle(app, pilot)
        assert partial, "the recompose never showed a half-mounted Home: the test lost its race"
        library = screen.query_one("#home-library", DataTable)
        assert library.row_count == len(matching(app.library, {}))
        assert screen.query_one("#home-assignments", DataTable).row_count == len(assignments)
