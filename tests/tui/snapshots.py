"""Reusable pieces for snapshot tests: a frozen environment, seeded databases, ``run_before`` steps.

Every snapshot must come out the same on every machine and every day, so:

- the app's clock is a :class:`FakeClock` at :data:`NOW` (due dates and
  "overdue" are computed from it, never from the real date);
- dates are shown in UTC (the ``snapshot_env`` fixture sets ``TZ``);
- database rows are written with fixed timestamps (the store's own clock is
  frozen while seeding) and fixed seeds;
- the buyer answers at once (no "typing…" delay) and cursors do not blink.

A snapshot test is a plain (sync) test::

    def test_home(snap_compare, snapshot_env):
        app = snapshot_app(snapshot_env, lang="en", seed=seed_progress)
        assert snap_compare(app, terminal_size=(80, 24), run_before=run_before())

``run_before(*steps)`` waits for the library and the database, runs each
step (``press``, ``open_briefing``, ``start_chat``, ``send``, ``type_text``,
``set_filter``, ``open_history``, ``advance``, ``call``), waits again after
each, and finally stops every cursor blinking.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any, cast

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, TextArea

from simulator import loader
from simulator.loader import Library
from simulator.session import Session
from simulator.store import open_store
from simulator.store.base import Store
from simulator.tui.app import KefuApp
from simulator.tui.screens.chat import ChatScreen
from tests.tui.play import FakeClock
from tests.tui.team_seed import (  # noqa: F401 - re-exported for the snapshot tests
    HOLDER,
    HOLDER_GOOD,
    SHOES,
    SHOES_BLAME,
    SHOES_GOOD,
    frozen_store_clock,
)

NOW = 1_767_000_000.0  # 2025-12-29 09:20 UTC: "now" for every snapshot
USER = "amy"
LEAD = "wang.lei"
SIZES = {"80x24": (80, 24), "120x36": (120, 36)}

Step = Callable[[Pilot[Any]], Awaitable[None]]
Seeder = Callable[[Store, Library], None]

# Scenarios and replies the seeded history is made of.
PHONE_CASE = "tw-phone-case-wrong-model"
SHOES_FIRST = SHOES_GOOD[0]
PHONE_GOOD = [
    "親，真的很抱歉寄錯型號，害您白跑一趟超商！方便拍一下收到的手機殼和包裝上的型號標籤給我嗎？",
    "確實是我們拿錯了，不好意思！今天下午幫您補寄 iPhone 15 Pro 的殼到原本的 7-11 門市，"
    "拿錯的那個請黑貓到府收回，來回運費由我們出。",
]
HOUR, DAY = 3600.0, 86400.0


# -- the environment ---------------------------------------------------------------------
@pytest.fixture
def snapshot_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A frozen world for one snapshot: UTC dates, a temp KEFU_HOME, no typing delay.

    Yields the folder for the test's database (see :func:`snapshot_app`).
    """
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    monkeypatch.setenv("KEFU_HOME", str(tmp_path / "home"))
    for name in ("KEFU_LANG", "KEFU_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(ChatScreen, "TYPING_DELAY", 0)
    yield tmp_path
    monkeypatch.undo()
    time.tzset()


def db_url(folder: Path) -> str:
    """The SQLite URL of the snapshot database in ``folder``."""
    return f"sqlite:///{folder}/snap.sqlite3"


def snapshot_app(
    folder: Path,
    *,
    lang: str = "zh",
    seed: Seeder | Sequence[Seeder] = (),
    clock: FakeClock | None = None,
) -> KefuApp:
    """The real app on a fresh SQLite file in ``folder``, seeded, at :data:`NOW`."""
    url = db_url(folder)
    shutil.copyfile(_empty_database(), folder / "snap.sqlite3")
    seeders = [seed] if callable(seed) else list(seed)
    with frozen_store_clock(NOW - 30 * DAY):
        store = open_store(url, user=USER)
        try:
            for seeder in seeders:
                seeder(store, library())
        finally:
            store.close()
    return KefuApp(lang=lang, database_url=url, clock=clock or FakeClock(NOW), user=USER)


@cache
def library() -> Library:
    """The shipped scenario library, for seeding (loaded once per test run).

    The app loads its own: handing it this one would make the library arrive
    before Home has mounted, a different (racy) path from a real start.
    """
    return loader.load(None)


@cache
def _empty_database() -> Path:
    """A migrated database with the trainee in it, made once per run and copied per test."""
    path = Path(tempfile.mkdtemp(prefix="kefu-snap-")) / "empty.sqlite3"
    with frozen_store_clock(NOW - 30 * DAY):
        store = open_store(f"sqlite:///{path}", user=USER, announce=lambda _: None)
        try:
            store.ensure_user(USER, "trainee", "Amy")
        finally:
            store.close()
    return path


def iso_day(offset_days: int, at: float = NOW) -> str:
    """The ISO date ``offset_days`` from ``at`` (UTC): due dates relative to the fixed clock."""
    return (datetime.fromtimestamp(at, UTC) + timedelta(days=offset_days)).date().isoformat()


# -- seeding -------------------------------------------------------------------------------
def record(
    store: Store,
    lib: Library,
    scenario_id: str,
    replies: Sequence[str],
    *,
    start: float,
    mode: str = "practice",
    seed: int = 1,
    finish: bool = True,
    assignment_id: int | None = None,
) -> int:
    """Play ``replies`` through the engine and store them as an attempt (finished if ``finish``)."""
    session = Session(lib.scenarios[scenario_id], seed=seed, started_at=start)
    attempt_id = store.start_attempt(
        scenario_id,
        mode="exam" if mode == "exam" else "practice",
        seed=seed,
        assignment_id=assignment_id,
        started_at=start,
    )
    for step, text in enumerate(replies):
        at = start + 40 * (step + 1)
        store.save_reply(attempt_id, step, text, at)
        session.submit(text, at=at)
    if finish:
        result = {**session.result().to_dict("zh"), "mode": mode, "hints": 0}
        store.finish_attempt(attempt_id, result, finished_at=start + 60 * (len(replies) + 1))
    return attempt_id


def seed_history(store: Store, lib: Library) -> None:
    """Six finished attempts over the last week: some good, some blaming, one exam."""
    plays = [
        (HOLDER, HOLDER_GOOD, -6 * DAY, "practice"),
        (SHOES, SHOES_BLAME, -5 * DAY, "practice"),
        (SHOES, SHOES_BLAME, -4 * DAY, "exam"),
        (HOLDER, HOLDER_GOOD, -3 * DAY, "practice"),
        (PHONE_CASE, PHONE_GOOD, -2 * DAY, "practice"),
        (SHOES, SHOES_GOOD, -1 * DAY, "practice"),
    ]
    for scenario_id, replies, offset, mode in plays:
        record(store, lib, scenario_id, replies, start=NOW + offset - 2 * HOUR, mode=mode)


def seed_assignments(store: Store, lib: Library) -> None:
    """Three assignments from the team lead: one due soon, one overdue exam, one undated."""
    store.ensure_user(LEAD, "supervisor", "王磊")
    store.create_assignment("first-week", USER, due=iso_day(3), created_by=LEAD)
    store.create_assignment(
        "basic-exam", USER, mode="exam", due=iso_day(-2), attempts_allowed=2, created_by=LEAD
    )
    store.create_assignment("review-replies", USER, created_by=LEAD)


def seed_unfinished(store: Store, lib: Library) -> None:
    """A chat left mid-way (the app was closed after the first reply): Home offers to resume."""
    record(store, lib, SHOES, [SHOES_FIRST], start=NOW - HOUR, finish=False)


def seed_progress(store: Store, lib: Library) -> None:
    """Assignments and a week of history (no unfinished attempt)."""
    seed_assignments(store, lib)
    seed_history(store, lib)


# -- run_before ----------------------------------------------------------------------------
def run_before(*steps: Step) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """A ``run_before`` for ``snap_compare``: settle, run each step and settle, then freeze."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)
            await settle(pilot)
        still(pilot.app)
        repaint(pilot.app)
        await settle(pilot)

    return run


def kefu(pilot: Pilot[Any]) -> KefuApp:
    """The app under test, typed."""
    return cast(KefuApp, pilot.app)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the library and the store, then for workers and the messages they post."""
    app = kefu(pilot)
    await pilot.pause()
    for _ in range(500):  # they load in workers started after the first frame
        if app.library is not None and (app.store is not None or app.store_error):
            break
        await pilot.pause(0.02)
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause(0.05)
    await pilot.wait_for_scheduled_animations()


def still(app: Any) -> None:
    """No blinking cursor anywhere on the screen stack (a blink is a random frame)."""
    for screen in app.screen_stack:
        for widget in screen.query("TextArea, Input"):
            if isinstance(widget, TextArea | Input):
                widget.cursor_blink = False


def repaint(app: Any) -> None:
    """Lay out and render every widget again at its final size.

    On a busy machine a widget (a plotext chart) can keep a frame drawn during
    an earlier layout pass; this makes the snapshot show the settled screen.
    """
    app.screen.refresh(layout=True)
    for widget in app.screen.walk_children():
        widget.refresh()


def press(*keys: str) -> Step:
    """Press keys (ASCII only: ``pilot.press`` drops full-width punctuation)."""

    async def step(pilot: Pilot[Any]) -> None:
        await pilot.press(*keys)

    return step


def call(fn: Callable[[KefuApp], Any]) -> Step:
    """Run ``fn(app)``, awaiting it if it returns an awaitable."""

    async def step(pilot: Pilot[Any]) -> None:
        result = fn(kefu(pilot))
        if hasattr(result, "__await__"):
            await result

    return step


def advance(clock: FakeClock, seconds: float) -> Step:
    """Let ``seconds`` pass on the app's fake clock (the response timer moves)."""

    async def step(pilot: Pilot[Any]) -> None:
        clock.advance(seconds)
        for timer in pilot.app.screen.query("ResponseTimer"):
            timer.tick()  # type: ignore[attr-defined]

    return step


def dismiss_resume() -> Step:
    """Answer "later" to the resume offer, if it is showing."""

    async def step(pilot: Pilot[Any]) -> None:
        if type(pilot.app.screen).__name__ == "ChoiceDialog":
            pilot.app.screen.dismiss("later")

    return step


def set_filter(name: str, value: str) -> Step:
    """Choose ``value`` in Home's library filter ``name`` (category, channel, ...)."""

    async def step(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one(f"#filter-{name}", Select).value = value

    return step


def open_briefing(scenario_id: str, mode: str = "practice") -> Step:
    """From Home: the Briefing of ``scenario_id`` (Enter on its library row), in ``mode``."""

    async def step(pilot: Pilot[Any]) -> None:
        table = pilot.app.screen.query_one("#home-library", DataTable)
        table.focus()
        table.move_cursor(row=table.get_row_index(scenario_id))
        await pilot.press("enter")
        await settle(pilot)
        if getattr(pilot.app.screen, "mode", mode) != mode:
            await pilot.press("m")

    return step


def start_chat(scenario_id: str, mode: str = "practice") -> Step:
    """From Home: open the briefing, pick the mode and start the conversation."""
    briefing = open_briefing(scenario_id, mode)

    async def step(pilot: Pilot[Any]) -> None:
        await briefing(pilot)
        await pilot.press("enter")

    return step


def type_text(text: str) -> Step:
    """Type into the chat's reply box (inserted: ``pilot.press`` drops full-width punctuation)."""

    async def step(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        screen.query_one("#chat-reply", TextArea).insert(text)
        await pilot.pause(0.15)  # past the coach's debounce
        # On a loaded machine the debounce timer can fire late: wait (up to
        # 5 s) until the checklist shows the verdict on the whole draft.
        for _ in range(100):
            if not isinstance(screen, ChatScreen) or screen.exam:
                break
            if screen._coached == screen.draft:
                break
            await pilot.pause(0.05)

    return step


def send(text: str) -> Step:
    """Type ``text`` in the reply box and press Enter (saved, then the buyer answers)."""
    typing = type_text(text)

    async def step(pilot: Pilot[Any]) -> None:
        await typing(pilot)
        screen = pilot.app.screen
        sent = len(screen.session.exchanges) if isinstance(screen, ChatScreen) else 0
        await pilot.press("enter")
        # Wait (up to 5 s) until the reply is saved and the buyer's answer is
        # shown, or the chat has ended: a loaded machine can be slow at either.
        for _ in range(100):
            if not isinstance(screen, ChatScreen) or not screen.is_attached:
                break
            s = screen.session
            if screen.finished or (
                len(s.exchanges) > sent
                and not screen.busy
                and screen.revealed == len(s.buyer_lines)
            ):
                break
            await pilot.pause(0.05)

    return step


def open_history() -> Step:
    """The History screen (as from the palette or ``h`` on Home)."""

    async def step(pilot: Pilot[Any]) -> None:
        kefu(pilot).command_history()

    return step
