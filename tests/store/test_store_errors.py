"""A StoreError says what and where in any UI language; the commands print English.

Real parts: a SQLite file held by another connection, a folder made read-only
for real (tests/read_only.py), the team database's own refusals on PostgreSQL.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from simulator.store import StoreError, StorePermissionError, open_store
from simulator.store.errors import database_says
from tests.read_only import read_only
from tests.sqlite_lock import locked


def _open(url: str, **kw: object):  # type: ignore[no-untyped-def]
    return open_store(url, user="ana", announce=lambda _m: None, **kw)  # type: ignore[arg-type]


def test_a_locked_file_in_each_language(tmp_path: Path) -> None:
    path = tmp_path / "kefu.sqlite3"
    store = _open(str(path), retry_s=0.3)
    aid = store.start_attempt("s")
    try:
        with locked(path), pytest.raises(StoreError) as info:
            store.save_reply(aid, 0, "抱歉", 1.0)
    finally:
        store.close()
    error = info.value
    assert str(error) == (
        f"kefu: the database {path} is locked by another program (waited 0.3 s); "
        "nothing was lost, try again"
    )  # the commands' English, as before
    assert error.retry and error.key == "store.locked"
    assert (
        error.text("zh")
        == f"数据库 {path} 被另一个程序锁住了（已等待 0.3 秒）；没有丢失任何内容，请重试"
    )
    assert error.text("zh-Hant").startswith(f"資料庫 {path} 被另一個程式鎖住了")
    assert error.text("en") == str(error).removeprefix("kefu: ")


def test_a_plain_message_is_said_as_it_is() -> None:
    error = StoreError("kefu: a result must be JSON data")
    assert error.key is None and not error.retry
    assert error.text("zh") == error.text("en") == "a result must be JSON data"


def test_a_read_only_folder_is_named_with_what_to_do(tmp_path: Path) -> None:
    """No working files can be made beside the database: it cannot open, and says why."""
    folder = tmp_path / "data"
    folder.mkdir()
    _open(str(folder / "kefu.sqlite3")).close()
    with read_only(folder), pytest.raises(StoreError) as info:
        _open(str(folder / "kefu.sqlite3"))
    error = info.value
    assert error.key == "store.cannot_open_read_only" and not error.retry
    assert f"its folder {folder} is read-only" in str(error) and "KEFU_HOME" in str(error)
    assert f"所在文件夹 {folder} 是只读的" in error.text("zh")


def test_a_write_to_a_read_only_file_is_not_to_be_retried(tmp_path: Path) -> None:
    """Readable (another program has it open, so its working files are there), not writable."""
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'kefu.sqlite3'}"
    writer = _open(url)
    aid = writer.start_attempt("s")
    try:
        with read_only(folder):
            reader = _open(url)
            try:
                assert reader.get_attempt(aid).status == "active"
                with pytest.raises(StoreError) as info:
                    reader.save_reply(aid, 0, "抱歉", 1.0)
            finally:
                reader.close()
    finally:
        writer.close()
    error = info.value
    assert error.key == "store.read_only" and not error.retry
    assert "attempt to write a readonly database" not in str(error)
    assert f"the database {folder / 'kefu.sqlite3'} is read-only here" in str(error)
    assert "只读" in error.text("zh") and "唯讀" in error.text("zh-Hant")


def test_the_team_databases_own_refusals_are_said_in_each_language(pg_db) -> None:  # type: ignore[no-untyped-def]
    """The database's functions and triggers word their refusals as the English catalog."""
    ana = pg_db.store_as("ana")
    aid = ana.start_attempt("kettle")
    ana.finish_attempt(aid, {"score": 60, "criteria": {}}, finished_at=9.0)
    with pytest.raises(StorePermissionError) as info:
        ana.finish_attempt(aid, {"score": 99, "criteria": {}}, finished_at=10.0)
    error = info.value
    assert str(error) == f"kefu: attempt {aid} is finished; it cannot change"
    assert error.key == "store.closed"
    assert error.text("zh") == f"练习 {aid} 已结束，不能再更改"
    sue = pg_db.store_as("sue", "supervisor")
    own = sue.start_attempt("kettle")
    sue.finish_attempt(own, {"score": 60, "criteria": {}}, finished_at=9.0)
    with pytest.raises(StorePermissionError) as info:
        sue.override_score(own, 90, "typo")
    assert info.value.key == "store.own_score"
    assert info.value.text("zh") == "sue 不能修改自己的分数"


def test_a_database_line_that_is_no_catalog_message_stays_as_it_is() -> None:
    assert database_says("attempt 3 is finished; it cannot change") is not None
    assert database_says("something else went wrong") is None


def test_a_deleted_file_is_said_and_nothing_seems_saved(tmp_path: Path) -> None:
    """``rm kefu.sqlite3*`` while the store is open: SQLite would go on writing to
    the deleted file (lost at close) or start an empty one; the store says so."""
    path = tmp_path / "kefu.sqlite3"
    store = _open(str(path))
    aid = store.start_attempt("s")
    store.save_reply(aid, 0, "非常抱歉", 1.0)
    for file in tmp_path.glob("kefu.sqlite3*"):
        file.unlink()
    try:
        with pytest.raises(StoreError) as info:
            store.save_reply(aid, 1, "今天给您补发", 2.0)
        error = info.value
        assert error.key == "store.file_gone" and not error.retry
        assert str(error).startswith(f"kefu: the database file {path} was deleted or replaced")
        assert f"数据库文件 {path} 在 kefu 打开期间被删除或替换了" in error.text("zh")
        with pytest.raises(StoreError, match="deleted or replaced"):
            store.attempts()  # a read would start an empty database at the path
    finally:
        store.close()
    assert list(tmp_path.iterdir()) == []


def test_a_file_replaced_under_the_store_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "kefu.sqlite3"
    store = _open(str(path))
    aid = store.start_attempt("s")
    store.backup(tmp_path / "old.sqlite3")
    os.replace(tmp_path / "old.sqlite3", path)  # restored from a backup meanwhile
    try:
        with pytest.raises(StoreError, match="deleted or replaced"):
            store.save_reply(aid, 0, "非常抱歉", 1.0)
    finally:
        store.close()
    again = _open(str(path))
    try:
        assert again.get_attempt(aid).replies == ()  # the restored file, untouched
    finally:
        again.close()


def test_reading_needs_no_write_lock(tmp_path: Path) -> None:
    """Who the caller is, and so their assignments, is read without the write lock:
    another program writing (holding it) does not keep the trainee's list away."""
    path = tmp_path / "kefu.sqlite3"
    setup = open_store(str(path), user="lin", announce=lambda _m: None)
    setup.ensure_user("ana")
    setup.add_to_group("ana", "new")
    setup.create_assignment("first-week", "@new")
    setup.close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a write under way elsewhere; readers go on in WAL
    try:
        store = _open(str(path), retry_s=0.5)
        try:
            assert [a.set_id for a in store.assignments_for()] == ["first-week"]
            assert store.current_user().groups == ("new",)
        finally:
            store.close()
    finally:
        writer.rollback()
        writer.close()


def test_a_newcomer_on_a_read_only_file_still_reads(tmp_path: Path) -> None:
    """Registering a newcomer is a write; on a read-only file they read as an
    unregistered trainee, and only a write says the file is read-only."""
    folder = tmp_path / "data"
    folder.mkdir()
    url = f"sqlite:///{folder / 'kefu.sqlite3'}"
    writer = _open(url)  # keeps the working files there, as a program using it would
    writer.ensure_user("ana")
    writer.add_to_group("ana", "new")
    writer.create_assignment("first-week", "@new", created_by="lin")
    try:
        with read_only(folder):
            for name, assigned in (("ana", ["first-week"]), ("dan", [])):
                store = open_store(url, user=name, announce=lambda _m: None)
                try:
                    assert store.current_user().name == name
                    assert [a.set_id for a in store.assignments_for()] == assigned
                    assert store.unfinished_attempts() == []
                    with pytest.raises(StoreError) as info:
                        store.start_attempt("s")
                    assert info.value.key == "store.read_only"
                finally:
                    store.close()
    finally:
        writer.close()


def test_the_catalog_words_each_message_as_the_team_database_raises_it() -> None:
    """database_says reads the migrations' RAISE EXCEPTION texts back by the
    English catalog: each must be there word for word (with % for the values)."""
    import re

    from simulator.i18n import catalog
    from simulator.store.errors import DATABASE_SAYS

    folder = Path(__file__).parents[2] / "simulator" / "store" / "migrations" / "versions"
    raised = set()
    for path in folder.glob("*.py"):
        for statement in re.findall(r"RAISE EXCEPTION ((?:'[^']*'\s*)+)", path.read_text("utf-8")):
            raised.add("".join(re.findall(r"'([^']*)'", statement)))
    english = catalog("en")
    for key in DATABASE_SAYS:
        worded = "kefu: " + re.sub(r"\{\w+\}", "%", english[f"store.{key}"])
        assert worded in raised, key
