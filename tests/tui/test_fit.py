"""At 80×24, text that does not fit ends with "…" instead of being cut mid-word.

Scenario titles in Home's library, "recent results" and History, and the
footer's keys: a QA pass found them chopped ("Phone case for the wr",
「寄錯型號的手機殼（臺灣蝦皮」, "f1 帮▏", "^q" without its word).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding

from simulator.tui.widgets.fit import FitFooter, one_line
from tests.tui.play import FakeClock
from tests.tui.snapshots import (  # noqa: F401 - snapshot_env is a fixture
    NOW,
    open_history,
    run_before,
    seed_history,
    snapshot_app,
    snapshot_env,
)


def screen_lines(app: Any) -> list[str]:
    """The screen as text rows, from the SVG screenshot."""
    rows: dict[float, list[tuple[float, str]]] = {}
    svg = app.export_screenshot()
    for m in re.finditer(r'<text[^>]*?x="([\d.]+)"[^>]*?y="([\d.]+)"[^>]*>(.*?)</text>', svg):
        text = html.unescape(re.sub("<[^>]+>", "", m.group(3))).replace("\xa0", " ")
        rows.setdefault(float(m.group(2)), []).append((float(m.group(1)), text))
    return ["".join(t for _, t in sorted(row)).rstrip() for _, row in sorted(rows.items())]


async def shot(folder: Path, lang: str, steps: list[Any], seed: Any = ()) -> list[str]:
    clock = FakeClock(NOW)
    app = snapshot_app(folder, lang=lang, seed=seed, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_before(*steps)(pilot)
        return screen_lines(app)


@pytest.mark.parametrize(
    ("lang", "cut", "footer"),
    [
        ("en", "Promised spare filter never se…", "f1 Help"),
        ("zh", "回馈卡写好的 100 元，客服却临时加条件（台湾…", "f1 帮助"),
    ],
)
async def test_home_titles_and_footer_end_with_an_ellipsis(
    snapshot_env: Path,  # noqa: F811
    lang: str,
    cut: str,
    footer: str,
) -> None:
    lines = await shot(snapshot_env, lang, [])
    assert any(cut in line for line in lines)
    assert "…" in lines[-1] and footer in lines[-1]
    assert "▏" not in lines[-1].split("…")[0]  # nothing cut against the palette key


@pytest.mark.parametrize(
    ("lang", "cut"),
    [("en", "Phone case for the wron…"), ("zh-Hant", "寄錯型號的手機殼（臺灣 …")],
)
async def test_history_titles_end_with_an_ellipsis(
    snapshot_env: Path,  # noqa: F811
    lang: str,
    cut: str,
) -> None:
    lines = await shot(snapshot_env, lang, [open_history()], seed=seed_history)
    assert any(cut in line for line in lines), "\n".join(lines)


async def test_a_footer_behind_another_screen_stops_waiting_for_its_layout(
    snapshot_env: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Home's footer is never laid out while History covers it: it waits a few
    refreshes and stops (it once retried after every refresh, spinning a core
    for as long as History or a dialog was open)."""
    import asyncio

    from simulator.tui.widgets import fit

    calls = 0
    original = FitFooter._fit

    def counted(self: FitFooter) -> None:
        nonlocal calls
        calls += 1
        original(self)

    monkeypatch.setattr(FitFooter, "_fit", counted)
    app = snapshot_app(snapshot_env, lang="zh", seed=seed_history, clock=FakeClock(NOW))
    async with app.run_test(size=(80, 24)) as pilot:
        await run_before(open_history())(pilot)
        await pilot.pause(0.3)
        before = calls
        await asyncio.sleep(0.5)
        assert calls - before <= fit.MAX_WAITS
        await pilot.press("escape")  # back on Home, its footer fits itself again
        await pilot.pause(0.3)
        assert "f1" in screen_lines(app)[-1]


def test_a_title_cut_to_a_width_ends_with_an_ellipsis():
    title = "A keyboard promised in 3 working days, delivered in 9 - replying to a review"
    assert one_line(title, 20).plain == "A keyboard promised…"
    assert one_line("说好三个工作天、九天才到的键盘", 9).plain == "说好三个…"
    assert one_line("Short", 20).plain == "Short"


class Keys(App[None]):
    BINDINGS = [Binding(k, f"key_{k}", f"Description {k}") for k in "abcdefgh"] + [
        Binding("f1", "help", "Help")
    ]

    def compose(self) -> ComposeResult:
        yield FitFooter()


@pytest.mark.parametrize("width", [60, 80, 120])
async def test_the_footer_leaves_out_whole_keys_and_keeps_f1(width):
    app = Keys()
    async with app.run_test(size=(width, 4)) as pilot:
        for _ in range(40):  # the footer lays out, then fits: wait for both
            await pilot.pause(0.05)
            footer = screen_lines(app)[-1]
            if "…" in footer:
                break
    shown = re.findall(r"Description ([a-h])\b", footer)
    assert shown == list("abcdefgh"[: len(shown)]) and 0 < len(shown) < 8
    assert footer.count("Description") == len(shown)  # no key cut in half
    assert "… f1 Help" in footer


@pytest.mark.parametrize(("lang", "label"), [("zh", "关闭菜单"), ("en", "Close menu")])
async def test_an_open_filter_menu_has_its_key_in_the_ui_language(
    snapshot_env: Path,  # noqa: F811
    lang: str,
    label: str,
) -> None:
    """Textual's Select menu brings its own "esc Dismiss menu" key, in English."""
    from textual.widgets import Select

    clock = FakeClock(NOW)
    app = snapshot_app(snapshot_env, lang=lang, clock=clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await run_before()(pilot)
        app.screen.query(Select).first().focus()
        await pilot.press("enter")  # opens the menu
        for _ in range(5):
            await pilot.pause()
        footer = screen_lines(app)[-1]
    assert label in footer
    assert lang == "en" or "Dismiss" not in footer
