"""Code run in child processes by the concurrency and crash tests (importable under spawn)."""

from __future__ import annotations

import sys
import time
from typing import Any


def save_many(url: str, user: str, count: int, go: Any, out: Any) -> None:
    """Say ready, wait for ``go``, then save ``count`` replies; report the attempt id."""
    from simulator.store import open_store

    store = open_store(url, user=user, announce=lambda _m: None, retry_s=60.0)
    aid = store.start_attempt("crowd")
    out.put(("ready", user))
    go.wait()
    for step in range(count):
        store.save_reply(aid, step, f"{user} 第{step}句:非常抱歉 sorry", time.time())
    store.close()
    out.put(("done", aid))


def save_until_killed(url: str, user: str) -> None:
    """Save replies forever, printing each step once it is committed."""
    from simulator.store import open_store

    store = open_store(url, user=user, announce=lambda _m: None)
    aid = store.start_attempt("crash")
    print(f"attempt {aid}", flush=True)
    step = 0
    while True:
        store.save_reply(aid, step, f"reply {step} 抱歉", time.time())
        print(f"saved {step}", flush=True)
        step += 1


if __name__ == "__main__":
    save_until_killed(sys.argv[1], sys.argv[2])
