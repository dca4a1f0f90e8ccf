"""SQLite specifics: pragmas, a locked file, the online backup, clean errors."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from simulator.store import StoreError, open_store
from tests.sqlite_lock import hold, locked


def _path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_wal_foreign_keys_and_busy_timeout(sqlite_url):
    store = open_store(sqlite_url, user="ana", announce=lambda _m: None)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 50
    store.close()


def test_a_bare_path_and_the_default_location(tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    store = open_store(str(tmp_path / "sub" / "k.db"), user="ana", announce=lambda _m: None)
    assert store.url == str(tmp_path / "sub" / "k.db")
    store.close()
    monkeypatch.setenv("KEFU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KEFU_DATABASE_URL", raising=False)
    store = open_store(user="ana", announce=lambda _m: None)
    assert store.backend == "sqlite" and store.url.startswith(str(tmp_path / "home"))
    store.close()


def test_a_missing_folder_is_an_error_not_created(tmp_path):
    """A typo or an unmounted drive: no new folders, no empty database elsewhere."""
    for given in (str(tmp_path / "nope" / "k.sqlite3"), f"sqlite:///{tmp_path}/nope/k.sqlite3"):
        with pytest.raises(StoreError) as info:
            open_store(given, user="ana", announce=lambda _m: None)
        assert str(info.value) == (
            f"kefu: cannot open the database {tmp_path / 'nope' / 'k.sqlite3'}: the folder "
            f"{tmp_path / 'nope'} does not exist; correct the path, or create the folder first"
        )
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file, not a folder"):
        open_store(str(tmp_path / "file" / "k.sqlite3"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_a_bare_word_is_not_a_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for word in ("garbage", "postgres", "kefu"):
        with pytest.raises(StoreError) as info:
            open_store(word)
        assert str(info.value).startswith(
            f"kefu: {word!r} is not a database URL or SQLite file; give a file path"
        )
    assert list(tmp_path.iterdir()) == []
    # a SQLite suffix, a folder in the name or an existing file is a path
    for name in ("k.sqlite", "k.sqlite3", "k.DB", "./plain", str(tmp_path / "t")):
        open_store(name, user="ana", announce=lambda _m: None).close()
    open_store("plain", user="ana", announce=lambda _m: None).close()  # exists now
    assert {"k.sqlite", "k.sqlite3", "k.DB", "plain", "t"} <= {p.name for p in tmp_path.iterdir()}


def test_without_create_a_missing_file_is_an_error(tmp_path):
    missing = tmp_path / "k.sqlite3"
    with pytest.raises(StoreError) as info:
        open_store(str(missing), user="ana", create=False)
    assert str(info.value).startswith(f"kefu: there is no database at {missing} (only kefu")
    assert not missing.exists()
    open_store(str(missing), user="ana", announce=lambda _m: None).close()
    open_store(str(missing), user="ana", create=False).close()  # exists now: opens


def test_os_login_is_the_default_user(sqlite_url, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "lin")
    store = open_store(sqlite_url, announce=lambda _m: None)
    assert store.current_user().name == "lin"
    store.close()


def test_no_login_name_falls_back_to_me(sqlite_url, monkeypatch):
    def broken() -> str:
        raise OSError("no login")

    monkeypatch.setattr("getpass.getuser", broken)
    store = open_store(sqlite_url, announce=lambda _m: None)
    assert store.current_user().name == "me"
    store.close()


def test_locked_database_is_retried_until_released(sqlite_url):
    store = open_store(sqlite_url, user="ana", announce=lambda _m: None, retry_s=4.0)
    aid = store.start_attempt("s")
    holder = hold(_path(sqlite_url))
    threading.Timer(1.0, holder.rollback).start()
    started = time.monotonic()
    store.save_reply(aid, 0, "抱歉让您久等了", 1.0)
    assert time.monotonic() - started >= 0.9
    assert [r.text for r in store.get_attempt(aid).replies] == ["抱歉让您久等了"]
    holder.close()
    store.close()


def test_locked_database_too_long_is_a_clear_error(sqlite_url):
    store = open_store(sqlite_url, user="ana", announce=lambda _m: None, retry_s=1.0)
    aid = store.start_attempt("s")
    with locked(_path(sqlite_url)), pytest.raises(StoreError) as info:
        store.save_reply(aid, 0, "抱歉", 1.0)
    message = str(info.value)
    assert "locked" in message and str(_path(sqlite_url)) in message
    assert "Traceback" not in message
    store.save_reply(aid, 0, "抱歉", 1.0)  # the caller kept the reply and retries
    assert len(store.get_attempt(aid).replies) == 1
    store.close()


def test_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "junk.sqlite3"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="junk.sqlite3"):
        open_store(str(bad), user="ana", announce=lambda _m: None)


def test_unsupported_url():
    with pytest.raises(StoreError, match="unsupported database"):
        open_store("mysql://root:hunter2@db/kefu")
    with pytest.raises(StoreError) as info:
        open_store("mysql://root:hunter2@db/kefu")
    assert "hunter2" not in str(info.value)


def test_backup_is_a_valid_copy(sqlite_url, tmp_path):
    store = open_store(sqlite_url, user="ana", announce=lambda _m: None)
    aid = store.start_attempt("s")
    for step in range(5):
        store.save_reply(aid, step, f"第{step}句", float(step))
    dest = store.backup(tmp_path / "backups" / "copy.sqlite3")
    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    texts = [r[0] for r in copy.execute("SELECT text FROM replies ORDER BY step")]
    copy.close()
    assert texts == [f"第{step}句" for step in range(5)]
    restored = open_store(str(dest), user="ana", announce=lambda _m: None)
    assert restored.get_attempt(aid) == store.get_attempt(aid)
    assert list(restored.export_records()) == list(store.export_records())
    restored.close()
    store.close()
