"""When the database fails under the app: said in the UI language, with what
and where, and what to do; the trainee's reply is never lost.

Real parts: a PostgreSQL server of the test's own that it stops and starts, a
SQLite file on a folder made read-only for real (tests/read_only.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable

from simulator.store import open_store
from simulator.tui.app import KefuApp
from simulator.tui.dialogs import ChoiceDialog
from simulator.tui.screens.chat import ChatScreen
from simulator.tui.widgets.reply_box import ReplyBox
from tests.pg import PgServer
from tests.read_only import read_only
from tests.tui.play import SHOES, SHOES_FIRST, FakeClock, send, settle, start_chat, static_text

SECOND = "看到了，是我们发错了。今天给您寄42码，运费我们承担。"


@pytest.fixture(autouse=True)
def no_typing_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """The buyer answers at once."""
    monkeypatch.setattr(ChatScreen, "TYPING_DELAY", 0)


async def _resume(app: KefuApp, pilot: Pilot[Any]) -> ChatScreen:
    """Home offers the unfinished attempt at start: take it up."""
    await settle(app, pilot)
    dialog = app.screen
    assert isinstance(dialog, ChoiceDialog)
    dialog.dismiss("resume")
    await settle(app, pilot)
    assert isinstance(app.screen, ChatScreen)
    return app.screen


async def test_a_stopped_server_is_said_in_the_apps_language(own_server: PgServer) -> None:
    own_server.ensure_role("boss", "LOGIN CREATEROLE")
    name = own_server.create_database(owner="boss").rsplit("/", 1)[1]
    admin = open_store(own_server.url(name, "boss"), announce=lambda _m: None)
    admin.create_person("ana")
    admin.close()
    url = own_server.url(name, "ana")
    app = KefuApp(database_url=url, lang="zh", clock=FakeClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        app.store = open_store(url, retry_s=0.5)  # give up quickly
        await settle(app, pilot)
        own_server.halt()
        try:
            chat.query_one(ReplyBox).insert(SHOES_FIRST)
            await pilot.press("enter")
            await settle(app, pilot)
            status = static_text(app, "#chat-status")
            where = f"postgresql://ana@127.0.0.1:{own_server.port}/{name}"
            assert status.startswith("回复没有保存，买家还没看到，请重试（Enter）：")
            assert f"无法连接数据库 {where}（已尝试 0.5 秒：" in status
            assert "没有丢失任何内容" in status
            assert "cannot reach" not in status and "kefu:" not in status
            assert chat.query_one(ReplyBox).text == SHOES_FIRST and chat.session.exchanges == []
            await pilot.press("f12")  # the message follows the language
            await settle(app, pilot)
            assert "無法連線資料庫" in static_text(app, "#chat-status")
            await pilot.press("f12")
            await settle(app, pilot)
            assert f"cannot reach the database {where}" in static_text(app, "#chat-status")
        finally:
            own_server.resume()
        await pilot.press("enter")  # the server is back: the same reply is saved
        await settle(app, pilot)
        assert len(chat.session.exchanges) == 1 and chat.query_one(ReplyBox).text == ""
        app.store.close()


async def test_a_read_only_file_says_so_and_asks_for_no_retry(tmp_path: Path) -> None:
    """Saving to a SQLite file on a read-only drive can never succeed: the trainee
    is told the file is read-only and what to do, not to try again."""
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder}/kefu.sqlite3"
    setup = open_store(url, user="amy", announce=lambda _m: None)
    setup.start_attempt(SHOES, seed=1, started_at=FakeClock().now)  # left unfinished
    try:
        with read_only(folder):
            app = KefuApp(database_url=url, lang="zh", clock=FakeClock(), user="amy")
            async with app.run_test(size=(100, 30)) as pilot:
                chat = await _resume(app, pilot)
                chat.query_one(ReplyBox).insert(SHOES_FIRST)
                await pilot.press("enter")
                await settle(app, pilot)
                status = static_text(app, "#chat-status")
                assert status.startswith("回复没有保存，买家还没看到（回复仍留在输入框里）：")
                assert f"数据库 {folder}/kefu.sqlite3 在这里是只读的" in status
                assert f"文件夹 {folder} 的权限" in status and "KEFU_HOME" in status
                assert "重试" not in status and "readonly" not in status
                assert chat.query_one(ReplyBox).text == SHOES_FIRST
                assert chat.session.exchanges == []
    finally:
        setup.close()


async def test_a_database_deleted_mid_run_is_said_and_the_reply_kept(tmp_path: Path) -> None:
    """``rm kefu.sqlite3*`` during a practice run, then the last reply: no debrief
    as if saved, but what happened, and the reply still in the box to copy."""
    folder = tmp_path / "data"
    folder.mkdir()
    app = KefuApp(
        database_url=f"sqlite:///{folder}/kefu.sqlite3", lang="zh", clock=FakeClock(), user="amy"
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        chat = await start_chat(app, pilot, SHOES)
        await send(app, pilot, SHOES_FIRST)
        assert len(chat.session.exchanges) == 1
        for file in folder.glob("kefu.sqlite3*"):
            file.unlink()
        await send(app, pilot, SECOND)
        assert app.screen is chat and len(chat.session.exchanges) == 1
        status = static_text(app, "#chat-status")
        assert status.startswith("回复没有保存，买家还没看到（回复仍留在输入框里）：")
        assert f"数据库文件 {folder}/kefu.sqlite3 在 kefu 打开期间被删除或替换了" in status
        assert chat.query_one(ReplyBox).text == SECOND
    assert list(folder.iterdir()) == []  # no empty database started in its place


def _home_assignments(app: KefuApp) -> tuple[list[str], str]:
    """The set titles Home's 我的作业 shows, and its note ("" when hidden)."""
    table = app.screen.query_one("#home-assignments", DataTable)
    titles = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
    note = app.screen.query_one("#home-assignments-note")
    shown = static_text(app, "#home-assignments-note") if note.display else ""
    return (titles if table.display else []), shown


async def test_home_on_a_read_only_file_lists_the_assignments_or_says_why(
    tmp_path: Path,
) -> None:
    """我的作业 on a read-only file: read (reading needs no write), for a newcomer
    too; where the database cannot even be opened there, a note says why."""
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder}/kefu.sqlite3"
    writer = open_store(url, user="lin", announce=lambda _m: None)
    writer.ensure_user("amy")
    writer.add_to_group("amy", "new")
    writer.create_assignment("first-week", "@new")
    try:
        with read_only(folder):  # the writer keeps its working files open there
            for user, want in (("amy", (["新人第一周"], "")), ("dan", ([], "暂无作业"))):
                app = KefuApp(database_url=url, lang="zh", clock=FakeClock(), user=user)
                async with app.run_test(size=(120, 30)) as pilot:
                    await settle(app, pilot)
                    assert app.store is not None, app.store_error
                    assert _home_assignments(app) == want
    finally:
        writer.close()
    with read_only(folder):  # nobody has it open: SQLite cannot make its working files
        app = KefuApp(database_url=url, lang="zh", clock=FakeClock(), user="amy")
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(app, pilot)
            rows, note = _home_assignments(app)
            assert rows == [] and note.startswith(
                f"无法读取练习记录：无法打开数据库 {folder}/kefu.sqlite3：所在文件夹 {folder} 是只读的"
            )
            assert "KEFU_HOME" in note
