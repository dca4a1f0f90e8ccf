"""Many writers at once lose nothing; a killed writer loses nothing it was told is saved."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from simulator.store import ALL
from tests.store.workers import save_many

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 20
REPLIES = 100


def test_twenty_processes_saving_at_once_lose_nothing(db):
    names = [f"t{i:02d}" for i in range(WRITERS)]
    for name in names:
        db.admin.create_person(name)
    # forkserver: each worker is a fresh process forked from a server that has
    # imported the store once, so 20 processes start in a second, not 20 imports.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["simulator.store", "tests.store.workers", "psycopg"])
    go = ctx.Event()
    out = ctx.Queue()
    workers = [ctx.Process(target=save_many, args=(db.url, n, REPLIES, go, out)) for n in names]
    for worker in workers:
        worker.start()
    try:
        ready = [out.get(timeout=120) for _ in names]
        assert all(kind == "ready" for kind, _ in ready)
        go.set()  # every store is open: they all write at once
        ids = [out.get(timeout=120)[1] for _ in names]
    finally:
        for worker in workers:
            worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * WRITERS
    assert len(set(ids)) == WRITERS
    attempts = db.admin.attempts(user=ALL)
    texts = {(a.user, r.step): r.text for a in attempts for r in a.replies}
    assert len(texts) == WRITERS * REPLIES
    for name in names:
        for step in range(REPLIES):
            assert texts[(name, step)] == f"{name} 第{step}句:非常抱歉 sorry"
    with db.admin.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM replies")).scalar() == 2000


def test_kill_9_loses_no_saved_reply(db):
    db.admin.create_person("ana")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.store.workers", db.url, "ana"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    assert child.stdout is not None
    attempt_id = int(child.stdout.readline().split()[1])
    saved = -1
    for line in child.stdout:
        saved = int(line.split()[1])
        if saved >= 40:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    steps = [r.step for r in db.admin.get_attempt(attempt_id).replies]
    assert steps[: saved + 1] == list(range(saved + 1))
    assert all(r.text.endswith("抱歉") for r in db.admin.get_attempt(attempt_id).replies)
