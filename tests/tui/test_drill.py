"""The Script drill (话术练习), played through the real app on a temp SQLite database.

Lines are typed with ``insert`` (``pilot.press`` drops full-width
punctuation); the clock is a ``FakeClock`` moved by hand, so the recorded
typing times and due dates are exact.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable

from simulator.drill import MISS_DELAY_S
from simulator.drill_round import ROUND_SIZE
from simulator.store import StoreError, open_store
from simulator.tui.app import KefuApp
from simulator.tui.screens.drill import DrillScreen
from simulator.tui.screens.drill_sets import DrillSetsScreen
from simulator.tui.screens.help import HelpScreen
from simulator.tui.widgets.drill_box import DrillBox
from simulator.tui.widgets.drill_view import MISSING_STYLE, MOVED_STYLE
from tests.tui.helpers import content, span_styles
from tests.tui.play import T0, FakeClock, db_url, make_app, settle, static_text

OPENING = "您好，我是客服小安，很高兴为您服务，请问有什么可以帮您？"
NO_ASK = "您好，我是客服小安，很高兴为您服务。"
SWAPPED = "我是客服小安，您好，很高兴为您服务，请问有什么可以帮您？"
LATE_PARCEL = (
    "非常抱歉让您久等了！我刚查了物流，包裹停在中转站，我已经联系快递加急派送，"
    "今天下午五点前给您回复最新进度。"
)
OPENING_HANT = "您好，這裡是客服小晴，很高興為您服務，請問有什麼可以幫您的呢？"


async def open_drill(app: KefuApp, pilot: Pilot[Any], set_id: str) -> DrillScreen:
    """From Home: press d, pick ``set_id`` and press Enter."""
    await settle(app, pilot)
    await pilot.press("d")
    await settle(app, pilot)
    assert isinstance(app.screen, DrillSetsScreen)
    table = app.screen.query_one("#drill-sets", DataTable)
    table.move_cursor(row=table.get_row_index(set_id))
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, DrillScreen)
    return app.screen


async def answer(app: KefuApp, pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` into the answer box and press Enter (check and save)."""
    app.screen.query_one(DrillBox).insert(text)
    await pilot.press("enter")
    await settle(app, pilot)


async def next_line(app: KefuApp, pilot: Pilot[Any]) -> None:
    """Enter after a verdict: the next item."""
    await pilot.press("enter")
    await settle(app, pilot)


def stats(tmp_path: Path, set_id: str) -> dict[str, Any]:
    """The drill state saved in the SQLite file, per item."""
    store = open_store(db_url(tmp_path), user="amy")
    try:
        return dict(store.drill_stats(set_id))
    finally:
        store.close()


async def test_a_perfect_line(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(app, pilot, "chat-zh-hans")
        assert drill.round is not None and drill.round.current == "opening"
        assert "买家刚进店" in static_text(app, "#drill-situation")
        assert static_text(app, "#drill-points") == "要点： · 问好  · 说明自己是客服  · 询问需要"
        clock.advance(12)
        await answer(app, pilot, OPENING)
        assert drill.result is not None and drill.result.passed and drill.result.exact
        assert static_text(app, "#drill-verdict") == "✓ 通过 · 相似度 100% · 得分 100 · 用时 12 秒"
        assert static_text(app, "#drill-marked") == OPENING  # nothing marked
        assert not app.screen.query("#drill-legend")
        assert "✗" not in static_text(app, "#drill-points")
        assert static_text(app, "#drill-standard") == "▶ " + OPENING
        assert "本轮 1/6 · 已掌握 1/10" in static_text(app, "#drill-progress")
        assert not app.screen.query(DrillBox)  # Enter now moves on
    stat = stats(tmp_path, "chat-zh-hans")["opening"]
    assert (stat.box, stat.seen, stat.missed, stat.last_score) == (1, 1, 0, 100.0)
    assert stat.last_elapsed_s == 12


async def test_a_line_missing_a_key_point(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(app, pilot, "chat-zh-hans")
        await answer(app, pilot, NO_ASK)
        assert drill.result is not None and not drill.result.passed
        assert static_text(app, "#drill-verdict").startswith("✗ 再练练")
        points = static_text(app, "#drill-points")
        assert "✓ 问好" in points and "✓ 说明自己是客服" in points and "✗ 询问需要" in points
        marked = content(app, "#drill-marked")
        assert "〔缺：请问有什么可以帮您〕" in marked.plain
        assert MISSING_STYLE in span_styles(marked, "请问有什么可以帮您")
        standard = content(app, "#drill-standard")
        assert MISSING_STYLE in span_styles(standard, "请问有什么可以帮您")
        assert "〔缺：漏掉〕" in static_text(app, "#drill-legend")


async def test_an_out_of_order_line(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(app, pilot, "chat-zh-hans")
        await answer(app, pilot, SWAPPED)
        assert drill.result is not None
        assert [s.text for s in drill.result.of_kind("moved")] == ["您好"]
        marked = content(app, "#drill-marked")
        assert marked.plain == "我是客服小安，〔移：您好〕，很高兴为您服务，请问有什么可以帮您？"
        assert MOVED_STYLE in span_styles(marked, "您好")
        assert "✓ 问好" in static_text(app, "#drill-points")  # said, in the wrong place


async def test_stats_are_saved_and_a_missed_line_comes_back_sooner(tmp_path: Path) -> None:
    clock = FakeClock()
    app = make_app(tmp_path, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(app, pilot, "chat-zh-hans")
        clock.advance(5)
        await answer(app, pilot, "在吗")  # missed
        missed_at = clock.now
        assert stats(tmp_path, "chat-zh-hans")["opening"].missed == 1  # saved before moving on
        await next_line(app, pilot)
        assert drill.round is not None and drill.round.current == "late-parcel"  # not due yet
        clock.advance(8)
        await answer(app, pilot, LATE_PARCEL)
        assert drill.result is not None and drill.result.passed
        clock.advance(MISS_DELAY_S)
        await next_line(app, pilot)
        assert drill.round.current == "opening"  # due again: before the five new lines
        assert "（第 2 次）" in static_text(app, ".drill-head")
    saved = stats(tmp_path, "chat-zh-hans")
    assert set(saved) == {"opening", "late-parcel"}
    opening, late = saved["opening"], saved["late-parcel"]
    assert (opening.box, opening.seen, opening.missed) == (0, 1, 1)
    assert opening.due_at == missed_at + MISS_DELAY_S
    assert (late.box, late.missed, late.last_elapsed_s) == (1, 0, 8)
    assert opening.due_at < late.due_at

    # A new session starts with the missed line.
    app = make_app(tmp_path, FakeClock(T0 + 3600))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        table = app.screen.query_one("#drill-sets", DataTable)
        row = table.get_row("chat-zh-hans")
        assert str(row[3]) == "1/10"  # learned
        drill = await open_drill_from_list(app, pilot, "chat-zh-hans")
        assert drill.round is not None and drill.round.item_ids[:2] == ("opening", "late-parcel")


async def open_drill_from_list(app: KefuApp, pilot: Pilot[Any], set_id: str) -> DrillScreen:
    """On the list of sets: pick ``set_id`` and press Enter."""
    table = app.screen.query_one("#drill-sets", DataTable)
    table.move_cursor(row=table.get_row_index(set_id))
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, DrillScreen)
    return app.screen


async def test_language_switch_mid_drill_keeps_the_state(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(app, pilot, "chat-zh-hans")
        app.screen.query_one(DrillBox).insert(NO_ASK)
        await pilot.press("f12")
        await settle(app, pilot)
        assert app.lang == "zh-Hant" and app.screen is drill
        assert "買家剛進店" in static_text(app, "#drill-situation")
        box = app.screen.query_one(DrillBox)
        assert box.text == NO_ASK and box.has_focus
        await pilot.press("enter")
        await settle(app, pilot)
        assert static_text(app, "#drill-verdict").startswith("✗ 再練練")
        assert "✗ 詢問需要" in static_text(app, "#drill-points")
        await pilot.press("f12")
        await settle(app, pilot)
        assert app.lang == "en"
        assert static_text(app, "#drill-verdict").startswith("✗ Not yet")
        assert "[missing: 请问有什么可以帮您]" in static_text(app, "#drill-marked")
        assert "✗ Ask what they need" in static_text(app, "#drill-points")
        assert "Round 0/6 · learned 0/10" in static_text(app, "#drill-progress")
        assert drill.round is not None and len(drill.round.attempts) == 1


async def test_a_traditional_chinese_set(tmp_path: Path) -> None:
    app = make_app(tmp_path, lang="zh-Hant")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        table = app.screen.query_one("#drill-sets", DataTable)
        assert [k.value for k in table.rows] == ["chat-zh-hant", "review-zh-hant"]
        await pilot.press("a")  # every language
        await settle(app, pilot)
        assert app.screen.query_one("#drill-sets", DataTable).row_count == 6
        await pilot.press("a")
        await settle(app, pilot)
        drill = await open_drill_from_list(app, pilot, "chat-zh-hant")
        assert "買家剛傳來第一則訊息" in static_text(app, "#drill-situation")
        await answer(app, pilot, OPENING_HANT)
        assert drill.result is not None and drill.result.passed
        assert static_text(app, "#drill-verdict").startswith("✓ 通過")
        await next_line(app, pilot)
        item = drill.round.item() if drill.round else None
        assert item is not None and item.id == "late-parcel"
        await answer(app, pilot, item.lines[0].replace("您", "你"))  # a small slip
        assert drill.result is not None and "✓" in static_text(app, "#drill-points")
    assert stats(tmp_path, "chat-zh-hant")["opening"].box == 1


async def test_a_whole_round_ends_with_a_summary(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(app, pilot, "review-zh-hans")
        rnd = drill.round
        assert rnd is not None and len(rnd.item_ids) == ROUND_SIZE
        await answer(app, pilot, "谢谢")  # the first line missed once
        while drill.round is not None and drill.round.current is not None:
            await next_line(app, pilot)
            item = drill.round.item()
            if item is None:
                break
            await answer(app, pilot, item.lines[0])
        summary = static_text(app, "#drill-summary")
        assert summary.startswith(
            f"{ROUND_SIZE} 句里 {ROUND_SIZE - 1} 句一次答对，{ROUND_SIZE} 句最终答对"
        )
        first = rnd.script_set.items[0]
        assert first.lines[0] in static_text(app, "#drill-weakest")
        await pilot.press("enter")  # another round
        await settle(app, pilot)
        assert drill.round is not rnd and drill.round is not None and drill.round.current
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DrillSetsScreen)


async def test_the_drill_is_in_the_palette_and_its_keys_in_help(tmp_path: Path) -> None:
    app = make_app(tmp_path, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Script drill" in titles
        home_keys = {b.id: b.description for _, b in app.screen._bindings}
        assert home_keys["home.drill"] == "Script drill"
        app.command_drill()
        await settle(app, pilot)
        assert isinstance(app.screen, DrillSetsScreen)
        await open_drill_from_list(app, pilot, "chat-en")
        await pilot.press("f1")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = dict((text, key) for key, text in app.screen.rows())
        assert {"Back", "Check/next", "New line"} <= set(rows)


async def test_empty_answer_is_refused(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(app, pilot, "chat-zh-hans")
        await pilot.press("enter")
        await settle(app, pilot)
        assert drill.result is None and "先打出这句话术" in static_text(app, "#drill-status")
        assert "error" in app.screen.query_one("#drill-status").classes
        app.screen.query_one(DrillBox).insert("您好")  # typing answers the complaint
        await settle(app, pilot)
        assert "先打出这句话术" not in static_text(app, "#drill-status")
        assert "error" not in app.screen.query_one("#drill-status").classes


async def test_a_failed_save_shows_no_verdict_and_enter_tries_again(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        drill = await open_drill(app, pilot, "chat-zh-hans")
        store = app.store
        assert store is not None
        real = store.record_drill

        def locked(stat: Any, user: str | None = None) -> None:
            raise StoreError("database is locked")

        store.record_drill = locked  # type: ignore[method-assign]
        await answer(app, pilot, OPENING)
        assert drill.result is None and drill.round is not None and not drill.round.attempts
        assert "database is locked" in static_text(app, "#drill-status")
        box = app.screen.query_one(DrillBox)
        assert box.text == OPENING and not box.read_only
        store.record_drill = real  # type: ignore[method-assign]
        await pilot.press("enter")
        await settle(app, pilot)
        assert drill.result is not None and drill.result.passed
    assert stats(tmp_path, "chat-zh-hans")["opening"].seen == 1


def test_a_missing_marker_is_spaced_from_english_words_not_chinese():
    """``[missing: this is Amy]from`` ran into the next word; Chinese needs no space."""
    from simulator.drill import check_line
    from simulator.drill_loader import load_scripts
    from simulator.i18n import Translator
    from simulator.tui.widgets.drill_view import marked_line

    sets = load_scripts().sets
    en = sets["chat-en"].item("opening")
    typed = "Hi, I'm Sam from customer service. Thanks for reaching out, how can I help you"
    line = marked_line(check_line(en, typed), Translator("en")).plain
    assert "[missing: this is Amy] from customer" in line
    assert line.endswith("help you [missing: today]")
    zh = sets["chat-zh-hans"].item("opening")
    line = marked_line(
        check_line(zh, "您好，我是小安，请问有什么可以帮您？"), Translator("zh")
    ).plain
    assert "我是〔缺：客服〕小安" in line
