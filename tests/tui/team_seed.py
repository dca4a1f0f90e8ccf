"""A small team on a real SQLite file for the supervisor tests: a supervisor, two trainees, attempts.

``seed_team`` writes everything through the store API (each trainee's
attempts with their own store, as the app would) at fixed times, with the
store's own clock frozen too, so snapshots come out the same every run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

from textual.pilot import Pilot

from simulator.loader import Library
from simulator.session import Session
from simulator.store import open_store
from simulator.store.base import Assignment, Attempt, Store
from simulator.tui.app import KefuApp
from tests.tui.play import FakeClock

NOW = 1_767_000_000.0  # 2025-12-29 09:20 UTC
HOUR, DAY = 3600.0, 86400.0
BOSS, AMY, BOB = "wang.lei", "amy", "bob"

HOLDER = "car-vent-phone-holder-falls-off"
SHOES = "wrong-size-shoes"
HOLDER_GOOD = ["非常抱歉给您添麻烦了!方便拍张照片吗?", "今天给您补发一个新的,运费我们承担。"]
SHOES_BLAME = [
    "您自己下单的时候没看清楚吧",
    "非常抱歉,是我们的错。今天给您补发42码,运费我们承担。方便拍一下标签吗?",
    "今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。",
]
SHOES_GOOD = [
    "非常抱歉给您发错了尺码!方便拍一下鞋盒上的尺码标签吗?",
    "看到了,是我们发错了。今天给您寄42码,错的那双顺丰到付寄回,运费我们承担。",
]


def db_url(folder: Path) -> str:
    """The SQLite URL of the team database in ``folder``."""
    return f"sqlite:///{folder}/team.sqlite3"


@cache
def library() -> Library:
    """The shipped scenario library (loaded once per test run)."""
    from simulator import loader

    return loader.load(None)


@contextmanager
def frozen_store_clock(at: float) -> Iterator[None]:
    """The store's own clock (created_at, an override's time) stands still at ``at``."""
    import simulator.store.core as core

    targets = [core.__name__]
    for name in ("simulator.store.people", "simulator.store.attempts"):
        module = __import__(name, fromlist=["now"])
        if getattr(module, "now", None) is core.now:
            targets.append(name)
    patches = [mock.patch(f"{t}.now", lambda: at) for t in targets]
    for p in patches:
        p.start()
    try:
        yield
    finally:
        for p in reversed(patches):
            p.stop()


@contextmanager
def store_as(folder: Path, user: str) -> Iterator[Store]:
    """The team database opened as ``user``."""
    store = open_store(db_url(folder), user=user)
    try:
        yield store
    finally:
        store.close()


def record(
    store: Store,
    scenario_id: str,
    replies: Sequence[str],
    start: float,
    mode: str = "practice",
    assignment_id: int | None = None,
) -> int:
    """Play ``replies`` through the engine and store them as a finished attempt."""
    session = Session(library().scenarios[scenario_id], seed=1, started_at=start)
    attempt_id = store.start_attempt(
        scenario_id,
        mode="exam" if mode == "exam" else "practice",
        seed=1,
        assignment_id=assignment_id,
        started_at=start,
    )
    for step, text in enumerate(replies):
        at = start + 40 * (step + 1)
        store.save_reply(attempt_id, step, text, at)
        session.submit(text, at=at)
    result = {**session.result().to_dict("zh"), "mode": mode, "hints": 0}
    store.finish_attempt(attempt_id, result, finished_at=start + 60 * (len(replies) + 1))
    return attempt_id


def seed_team(folder: Path) -> dict[str, int]:
    """The supervisor, Amy (@new-hires, improving) and Bob (@night-shift, blaming), an exam.

    Returns the attempt ids by name: ``amy_blame``, ``bob_last`` ...
    """
    ids: dict[str, int] = {}
    with frozen_store_clock(NOW - 10 * DAY):
        with store_as(folder, BOSS) as boss:
            boss.ensure_user(BOSS, "supervisor", "Wang Lei")
            boss.ensure_user(AMY, "trainee", "Amy")
            boss.ensure_user(BOB, "trainee", "Bob")
            boss.add_to_group(AMY, "new-hires")
            boss.add_to_group(BOB, "night-shift")
            exam = boss.create_assignment(
                "basic-exam", "@new-hires", mode="exam", pass_mark=75, due="2026-01-05"
            )
        with store_as(folder, AMY) as amy:
            ids["amy_blame"] = record(amy, SHOES, SHOES_BLAME, NOW - 5 * DAY)
            ids["amy_holder"] = record(amy, HOLDER, HOLDER_GOOD, NOW - 3 * DAY)
            ids["amy_exam"] = record(amy, SHOES, SHOES_GOOD, NOW - 1 * DAY, "exam", exam.id)
        with store_as(folder, BOB) as bob:
            ids["bob_first"] = record(bob, HOLDER, HOLDER_GOOD, NOW - 4 * DAY)
            ids["bob_last"] = record(bob, SHOES, SHOES_BLAME, NOW - 2 * DAY)
    return ids


def team_app(
    folder: Path, user: str = BOSS, lang: str = "zh", clock: Callable[[], float] | None = None
) -> KefuApp:
    """The real app on the team database as ``user``, at :data:`NOW`."""
    return KefuApp(database_url=db_url(folder), lang=lang, clock=clock or FakeClock(NOW), user=user)


async def ready(app: KefuApp, pilot: Pilot[Any]) -> None:
    """Wait until the library and the store are in (their workers may start after the
    first frame), then for every worker and the messages they post."""
    for _ in range(500):
        if app.library is not None and (app.store is not None or app.store_error):
            break
        await pilot.pause(0.02)
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


def exam_for(folder: Path, user: str, **terms: Any) -> Assignment:
    """A supervisor (``boss``) and trainee ``user`` registered, and basic-exam assigned
    to ``user`` as an exam with ``terms`` (pass_mark, attempts_allowed ...)."""
    with store_as(folder, "boss") as boss:
        boss.ensure_user("boss", "supervisor")
        boss.ensure_user(user, "trainee")
        return boss.create_assignment("basic-exam", user, mode="exam", **terms)


async def open_debrief(app: KefuApp, pilot: Pilot[Any], attempt: Attempt, mode: str) -> Any:
    """The Debrief of a stored ``attempt``, pushed and settled (its workers done)."""
    from simulator.attempts import session_from_attempt
    from simulator.tui.screens.debrief import DebriefScreen

    assert app.library is not None
    session = session_from_attempt(attempt, app.library.scenarios[attempt.scenario_id])
    screen = DebriefScreen(session=session, attempt_id=attempt.id, mode=mode)
    await app.push_screen(screen)
    await ready(app, pilot)
    return screen
