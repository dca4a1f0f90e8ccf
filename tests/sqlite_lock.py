"""Another program holding a SQLite file: an exclusive lock the store must wait out."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def hold(path: Path | str) -> sqlite3.Connection:
    """Take the exclusive lock on ``path``; the caller rolls back and closes it."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


@contextmanager
def locked(path: Path | str) -> Iterator[sqlite3.Connection]:
    """``path`` locked by another program while the block runs."""
    holder = hold(path)
    try:
        yield holder
    finally:
        holder.rollback()
        holder.close()
