"""Storage: a SQLite file by default, a shared PostgreSQL database in team mode.

``open_store()`` returns a :class:`Store`; see :mod:`simulator.store.base` for
the rows and the API, :mod:`simulator.store.team` for what PostgreSQL enforces.
"""

from __future__ import annotations

from simulator.store.base import (
    ALL,
    MODES,
    ROLES,
    Assignment,
    Attempt,
    DrillStat,
    Mode,
    Override,
    Paper,
    Reply,
    Role,
    SetPaper,
    Status,
    Store,
    StoreError,
    StorePermissionError,
    User,
)
from simulator.store.sql import SqlStore, open_store
from simulator.store.transfer import to_jsonl_line

__all__ = [
    "ALL",
    "MODES",
    "ROLES",
    "Assignment",
    "Attempt",
    "DrillStat",
    "Mode",
    "Override",
    "Paper",
    "Reply",
    "Role",
    "SetPaper",
    "SqlStore",
    "Status",
    "Store",
    "StoreError",
    "StorePermissionError",
    "User",
    "open_store",
    "to_jsonl_line",
]
