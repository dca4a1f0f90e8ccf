"""Shared by the Home, Briefing and Chat tests: the real app on a temp SQLite file, a fake clock,
and helpers that play a scenario through the screens the way a trainee would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from simulator.tui.app import KefuApp
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.chat import ChatScreen
from simulator.tui.widgets.bubbles import Bubble
from simulator.tui.widgets.reply_box import ReplyBox

T0 = 1_767_000_000.0  # 2025-12-29

PHONE_CASE = "tw-phone-case-wrong-model"  # resolves in two good replies
PHONE_GOOD = [
    "親，真的很抱歉寄錯型號，害您白跑一趟超商！方便拍一下收到的手機殼和包裝上的型號標籤給我嗎？",
    "確實是我們拿錯了，不好意思！今天下午幫您補寄 iPhone 15 Pro 的殼到原本的 7-11 門市，"
    "拿錯的那個請黑貓到府收回，來回運費由我們出。",
]
SHOES = "wrong-size-shoes"
SHOES_FIRST = "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?"
BLAME = "您自己下单的时候没看清楚吧"


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        self.now += seconds


def db_url(tmp_path: Path) -> str:
    """The SQLite URL every test app of ``tmp_path`` shares."""
    return f"sqlite:///{tmp_path}/k.sqlite3"


def make_app(tmp_path: Path, clock: FakeClock | None = None, lang: str = "zh") -> KefuApp:
    """The real app on a SQLite file in ``tmp_path`` with a fake clock."""
    return KefuApp(
        database_url=db_url(tmp_path),
        library_paths=None,
        clock=clock or FakeClock(),
        lang=lang,
        user="amy",
    )


async def settle(app: KefuApp, pilot: Pilot[Any]) -> None:
    """Wait for workers (library, store, saves) and the messages they post."""
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def open_briefing(app: KefuApp, pilot: Pilot[Any], scenario_id: str) -> BriefingScreen:
    """Pick ``scenario_id`` in Home's library table and press Enter."""
    table = app.screen.query_one("#home-library", DataTable)
    table.focus()
    table.move_cursor(row=table.get_row_index(scenario_id))
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, BriefingScreen)
    return app.screen


async def start_chat(
    app: KefuApp, pilot: Pilot[Any], scenario_id: str, mode: str = "practice"
) -> ChatScreen:
    """From Home: open the briefing, pick the mode, press Enter; returns the chat."""
    briefing = await open_briefing(app, pilot, scenario_id)
    if mode != briefing.mode:
        await pilot.press("m")
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ChatScreen)
    return app.screen


def type_text(app: KefuApp, text: str) -> None:
    """Type into the reply box (insert, since pilot.press drops full-width punctuation)."""
    app.screen.query_one(ReplyBox).insert(text)


async def send(app: KefuApp, pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` and press Enter, then wait for the save and the buyer."""
    type_text(app, text)
    await pilot.press("enter")
    await settle(app, pilot)


def bubbles(app: KefuApp) -> list[tuple[str, str]]:
    """(who, text) of every bubble in the chat transcript."""
    return [(b.who, b.text) for b in app.screen.query(Bubble).results(Bubble)]


def static_text(app: KefuApp, selector: str) -> str:
    """The plain text a Static on the current screen shows."""
    return str(app.screen.query_one(selector, Static).render())
