"""PostgreSQL unreachable, stopped mid-run or locked: a clear message, retries, no lost reply."""

from __future__ import annotations

import threading
import time

import pytest

from simulator.store import StoreError, open_store
from tests.pg import PgServer, free_port, start_server


def _team_db(server: PgServer) -> str:
    server.ensure_role("boss", "LOGIN CREATEROLE")
    name = server.create_database(owner="boss").rsplit("/", 1)[1]
    admin = open_store(server.url(name, "boss"), announce=lambda _m: None)
    admin.create_person("ana")
    admin.close()
    return server.url(name, None)


def test_a_closed_port_is_a_clear_error_without_the_password():
    port = free_port()
    url = f"postgresql://ana:hunter2@127.0.0.1:{port}/kefu"
    started = time.monotonic()
    with pytest.raises(StoreError) as info:
        open_store(url, retry_s=1.0)
    message = str(info.value)
    assert f"127.0.0.1:{port}/kefu" in message and "cannot reach" in message
    assert "hunter2" not in message and "Traceback" not in message
    assert time.monotonic() - started >= 0.9  # it retried before giving up


def test_an_unknown_database_is_not_retried(pg_server):
    started = time.monotonic()
    with pytest.raises(StoreError, match='database "nope" does not exist'):
        open_store(pg_server.url("nope"), retry_s=5.0)
    assert time.monotonic() - started < 3


def test_a_server_stopped_mid_run_loses_no_reply(own_server):
    url = _team_db(own_server)
    ana = open_store(url, user="ana", retry_s=30.0)
    aid = ana.start_attempt("kettle")
    progress, halted = threading.Event(), threading.Event()
    errors: list[BaseException] = []
    waited: list[float] = []

    def write() -> None:
        try:
            for step in range(60):
                if step == 20:
                    progress.set()
                    halted.wait(30)
                    started = time.monotonic()
                ana.save_reply(aid, step, f"第{step}句 抱歉", float(step))
                if step == 20:
                    waited.append(time.monotonic() - started)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    writer = threading.Thread(target=write)
    writer.start()
    assert progress.wait(30)
    own_server.halt()  # fast shutdown: the pooled sessions are cut
    halted.set()
    time.sleep(1.5)
    own_server.resume()
    writer.join(60)
    assert not writer.is_alive() and errors == []
    assert waited[0] >= 1.0  # reply 20 was retried until the server came back
    steps = [r.step for r in ana.get_attempt(aid).replies]
    assert steps == list(range(60))
    ana.close()


def test_a_stopped_server_is_a_clear_error_and_the_reply_can_be_saved_later(own_server):
    url = _team_db(own_server).replace("127.0.0.1", "ana:s3cret@127.0.0.1")
    ana = open_store(url, retry_s=1.0)
    aid = ana.start_attempt("kettle")
    own_server.halt()
    try:
        with pytest.raises(StoreError) as info:
            ana.save_reply(aid, 0, "非常抱歉", 1.0)
    finally:
        own_server.resume()
    message = str(info.value)
    assert "cannot reach the database" in message and "nothing was lost" in message
    assert f"127.0.0.1:{own_server.port}/" in message and "s3cret" not in message
    ana.save_reply(aid, 0, "非常抱歉", 1.0)  # the app kept the reply and tries again
    assert [r.text for r in ana.get_attempt(aid).replies] == ["非常抱歉"]
    ana.close()


def _hold_lock(server: PgServer, dbname: str, seconds: float, ready: threading.Event) -> None:
    import psycopg

    with psycopg.connect(server.url(dbname)) as conn:
        conn.execute("LOCK TABLE replies IN ACCESS EXCLUSIVE MODE")
        ready.set()
        time.sleep(seconds)


def test_a_locked_table_is_waited_for_then_a_clear_error(pg_db, pg_server):
    ana = pg_db.store_as("ana", retry_s=5.0)
    aid = ana.start_attempt("kettle")
    dbname = pg_db.url.rsplit("/", 1)[1]
    ready = threading.Event()
    holder = threading.Thread(target=_hold_lock, args=(pg_server, dbname, 1.0, ready))
    holder.start()
    assert ready.wait(10)
    started = time.monotonic()
    ana.save_reply(aid, 0, "抱歉让您久等了", 1.0)
    assert time.monotonic() - started >= 0.5
    holder.join()

    impatient = pg_db.store_as("bo", retry_s=1.0)
    mine = impatient.start_attempt("kettle")
    ready.clear()
    holder = threading.Thread(target=_hold_lock, args=(pg_server, dbname, 2.5, ready))
    holder.start()
    assert ready.wait(10)
    try:
        with pytest.raises(StoreError, match="is locked by another program") as info:
            impatient.save_reply(mine, 0, "抱歉", 1.0)
        assert dbname in str(info.value)
    finally:
        holder.join()
    impatient.save_reply(mine, 0, "抱歉", 1.0)
    assert len(impatient.get_attempt(mine).replies) == 1


def test_kefu_require_pg_turns_a_missing_server_into_a_failure(monkeypatch):
    import tests.pg

    monkeypatch.setattr(tests.pg, "find_bindir", lambda: None)
    monkeypatch.setenv("KEFU_REQUIRE_PG", "1")
    with pytest.raises(pytest.fail.Exception, match="KEFU_REQUIRE_PG=1"):
        start_server()
    monkeypatch.delenv("KEFU_REQUIRE_PG")
    with pytest.raises(pytest.skip.Exception):
        start_server()


def test_plain_postgresql_urls_get_the_psycopg_3_driver():
    from simulator.store.engine import describe, normalize_url

    for given in ("postgresql://ana:pw@db/kefu", "postgres://ana:pw@db/kefu",
                  "postgresql+psycopg2://ana:pw@db/kefu"):  # fmt: skip
        url = normalize_url(given)
        assert url.drivername == "postgresql+psycopg"
        assert describe(url) == "postgresql://ana:***@db/kefu"
    assert normalize_url("postgresql://db/kefu", user="bo").username == "bo"


def test_an_owner_without_createrole_is_told_what_to_do(own_server):
    own_server.ensure_role("plain")
    name = own_server.create_database(owner="plain").rsplit("/", 1)[1]
    with pytest.raises(StoreError, match="may not create it; give plain CREATEROLE"):
        open_store(own_server.url(name, "plain"), announce=lambda _m: None)


def test_an_unknown_login_is_told_to_ask_an_admin(pg_db):
    with pytest.raises(StoreError, match="no login 'nobody'; ask an admin to run: kefu user add"):
        open_store(pg_db.url, user="nobody", retry_s=5.0)
