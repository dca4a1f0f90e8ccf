"""Published material the app leaves out (an installed id, a text that no longer
parses) is said in the app's language of the moment, like every other notice."""

from __future__ import annotations

from pathlib import Path

from simulator import papers
from simulator.store.base import Paper
from tests.tui.play import make_app, settle


def _left_out() -> list:
    """What papers.merge says of two rows: one under an installed id, one broken."""
    from simulator import loader

    lib = loader.load()
    rows = [
        Paper("wrong-size-shoes", "id: wrong-size-shoes\n", False, "sue", 0.0),
        Paper("broken", "id: [unclosed\n", False, "sue", 0.0),
    ]
    return papers.merge(lib, rows, [])


async def test_left_out_material_is_said_in_the_apps_language(tmp_path: Path) -> None:
    skipped = [*_left_out(), "a store error, as the store says it"]
    app = make_app(tmp_path, lang="zh")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        app._say_skipped(skipped)
        await pilot.pause()
        said = str(list(app._notifications)[-1].message)
        assert "published:wrong-size-shoes: 已略过：有内置场景使用这个编号" in said
        assert "published:broken:" in said and "没有闭合" in said
        assert "a store error, as the store says it" in said
        await app.set_lang("en")
        app._say_skipped(skipped)
        await pilot.pause()
        said = str(list(app._notifications)[-1].message)
        assert "published:wrong-size-shoes: left out, an installed scenario has this id" in said
        assert "is not closed" in said
