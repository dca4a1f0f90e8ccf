"""Published exam material in the app, on a real PostgreSQL server as real login roles.

The trainee's app reads the scenario's paper from the team database. Its
model replies stay with the database until she has submitted it in the exam:
a practice run of it gets no hint (and pays nothing), and the Debrief after
the exam fetches them. The supervisor's transcript shows them too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from simulator.tui import app as app_module
from simulator.tui.app import KefuApp
from simulator.tui.screens.briefing import BriefingScreen
from simulator.tui.screens.chat import ChatScreen
from simulator.tui.screens.debrief import DebriefScreen
from simulator.tui.screens.home import HomeScreen
from simulator.tui.screens.home_rows import matching
from simulator.tui.screens.supervisor_attempts import TranscriptScreen
from tests.pg import pg_server  # noqa: F401  (a session fixture)
from tests.published import SCENARIO, SET, publication, write_material
from tests.store.conftest import Db, _pg_db
from tests.tui.play import FakeClock, send, settle, static_text
from tests.tui.team_seed import NOW, SHOES_GOOD, ready


@pytest.fixture(autouse=True)
def no_typing_delay(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(ChatScreen, "TYPING_DELAY", 0)
    yield


@pytest.fixture
def team(pg_server, tmp_path: Path) -> Iterator[tuple[Db, dict[str, str]]]:  # noqa: F811
    """sue (supervisor) published the exam material; ana is a trainee. Returns the key."""
    db = _pg_db(pg_server)
    sue = db.store_as("sue", "supervisor")
    db.store_as("ana")
    sue.publish(*publication(write_material(tmp_path / "ours"), exam=True))
    key = dict(sue.scenario_key(SCENARIO) or {})
    assert key
    yield db, key
    db.close()


def app_as(db: Db, user: str) -> KefuApp:
    return KefuApp(database_url=db.url, user=user, lang="zh", clock=FakeClock(NOW))


async def open_assignment(app: KefuApp, pilot, assignment_id: int) -> ChatScreen:  # type: ignore[no-untyped-def]
    await ready(app, pilot)
    for _ in range(250):  # with a slow store the published scenarios come a moment later
        if app.library is not None and SCENARIO in app.library.papers:
            break
        await pilot.pause(0.02)
    await settle(app, pilot)
    # The library's arrival recomposes Home (moving the focus to the library table):
    # pick the assignment once Home is whole and the focus has stayed where we put it.
    for _ in range(50):
        home = app.screen
        assert isinstance(home, HomeScreen)
        tables = home.query("#home-assignments").results(DataTable)
        table = next(iter(tables), None)
        if home.recomposing or table is None or str(assignment_id) not in table.rows:
            await pilot.pause(0.02)
            continue
        table.focus()
        table.move_cursor(row=table.get_row_index(str(assignment_id)))
        await pilot.pause()
        if app.focused is table:
            await pilot.press("enter")
            break
    await settle(app, pilot)
    assert isinstance(app.screen, BriefingScreen)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, ChatScreen) and app.screen.session.scenario.id == SCENARIO
    return app.screen


async def test_practice_on_exam_material_gets_no_hint_and_pays_nothing(team) -> None:
    db, key = team
    sue = db.store_as("sue", "supervisor")
    practice = sue.create_assignment(SET, "ana", mode="practice")
    app = app_as(db, "ana")
    async with app.run_test(size=(100, 30)) as pilot:
        chat = await open_assignment(app, pilot, practice.id)
        assert app.library is not None and SCENARIO in app.library.papers
        assert SCENARIO not in {s.id for s in matching(app.library, {})}  # not in the library list
        assert all(not n.model_reply for n in chat.session.scenario.nodes.values())
        await settle(app, pilot)
        assert "f3" not in chat.active_bindings  # no hint to pay for
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen is chat and chat.hints == 0
        said = [str(n.message) for n in app._notifications]
        assert any("考试中提交后才开放" in m for m in said)
        assert not any(text in m for m in said for text in key.values())
        for reply in SHOES_GOOD:  # a practice run does not open the key either
            await send(app, pilot, reply)
        await settle(app, pilot)
        assert isinstance(app.screen, DebriefScreen) and app.screen.key == {}
        assert "考试中提交后才开放" in static_text(app, "#debrief-model-0")
    (attempt,) = sue.attempts(user="ana")
    assert attempt.status == "finished" and attempt.hints_used == 0


@pytest.mark.parametrize("store_wait", [1.0, 0.0], ids=["store-first", "library-first"])
async def test_the_debrief_after_the_exam_shows_the_model_replies(
    team, store_wait: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Also when the library is shown before the store opens (a slow server): the
    published scenarios join it a moment later."""
    monkeypatch.setattr(app_module, "STORE_WAIT", store_wait)
    if not store_wait:  # the store opens well after the library is parsed
        import simulator.store

        real_open = simulator.store.open_store

        def slow_open(*args: Any, **kwargs: Any) -> Any:
            time.sleep(1.0)
            return real_open(*args, **kwargs)

        monkeypatch.setattr(simulator.store, "open_store", slow_open)
    db, key = team
    sue = db.store_as("sue", "supervisor")
    exam = sue.create_assignment(SET, "ana", mode="exam", attempts_allowed=1)
    app = app_as(db, "ana")
    async with app.run_test(size=(100, 30)) as pilot:
        await open_assignment(app, pilot, exam.id)
        for reply in SHOES_GOOD:
            await send(app, pilot, reply)
        await settle(app, pilot)
        assert isinstance(app.screen, DebriefScreen)
        debrief = app.screen
        first = static_text(app, "#debrief-model-0")
        assert debrief.key == key and key[debrief.session.exchanges[0].node] in first
    (attempt,) = sue.attempts(user="ana")
    assert attempt.status == "finished" and attempt.assignment_id == exam.id
    boss = app_as(db, "sue")
    async with boss.run_test(size=(100, 30)) as pilot:
        await ready(boss, pilot)
        boss.push_screen(TranscriptScreen(attempt.id))
        await settle(boss, pilot)
        shown = "\n".join(str(w.render()) for w in boss.screen.query(".transcript-model"))
        assert key["complaint"] in shown
