"""Export and import as JSON-lines records, and an online backup of the SQLite file.

Records, in dependency order: ``group``, ``user`` (with its groups),
``assignment``, ``attempt`` (with its replies and score overrides). Ids are
kept, so export -> import into an empty database -> export is identical.
Importing a record that already exists unchanged is skipped; one that exists
with different content is an error, and nothing of that import is kept.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator.store import schema as t
from simulator.store.base import StoreError
from simulator.store.core import SqlCore
from simulator.store.records import (  # noqa: F401 - record_label, record_problems re-exported
    ASSIGNMENT_FIELDS,
    ATTEMPT_FIELDS,
    KINDS,
    record_key,
    record_label,
    record_problems,
    to_jsonl_line,
)


class TransferMixin(SqlCore):
    """``export_records``, ``import_records`` and ``backup``."""

    def export_records(self) -> Iterator[dict[str, Any]]:
        """Every group, user, assignment and attempt the caller may see, in a stable order."""
        yield from self._read(_export_all)

    def import_records(self, records: Iterable[Mapping[str, Any]]) -> Mapping[str, int]:
        """Load exported records in one transaction; returns how many of each kind were added."""
        by_kind: dict[str, list[Mapping[str, Any]]] = {k: [] for k in KINDS}
        for number, record in enumerate(records, 1):
            kind = record.get("kind") if isinstance(record, Mapping) else None
            if kind not in by_kind:
                raise StoreError(f"kefu: record {number}: unknown kind {kind!r}")
            problems = record_problems(record)
            if problems:
                raise StoreError(f"kefu: {record_label(record)}: " + "; ".join(problems))
            by_kind[str(kind)].append(record)

        def work(conn: Connection) -> dict[str, int]:
            counts = {kind: 0 for kind in KINDS}
            existing = {k: {record_key(r): r for r in _export_kind(conn, k)} for k in KINDS}
            for kind in KINDS:
                for record in by_kind[kind]:
                    old = existing[kind].get(record_key(record))
                    if old is not None:
                        if _canonical(old) != _canonical(record):
                            raise StoreError(
                                f"kefu: {kind} {record_key(record)} already exists with other data"
                            )
                        continue
                    _insert(conn, kind, record)
                    counts[kind] += 1
            if self.team:
                _bump_identities(conn)
            return counts

        try:
            return self._write(work)
        except (KeyError, TypeError, ValueError) as e:
            raise StoreError(f"kefu: a record is incomplete or malformed: {e!r}") from None

    def backup(self, dest: str | Path) -> Path:
        """Copy the SQLite database to ``dest`` with SQLite's online backup API.

        Safe while kefu is in use; written to a temporary file and renamed, so
        ``dest`` is never half-written. PostgreSQL has its own tools: refused.
        """
        if self.team:
            raise StoreError(
                "kefu: backup copies the local SQLite file; for a PostgreSQL team "
                "database use pg_dump (or kefu export)"
            )
        target = Path(dest).expanduser()
        if target.is_dir():
            target = target / "kefu-backup.sqlite3"
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        tmp.unlink(missing_ok=True)
        raw = self.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            with sqlite3.connect(tmp) as copy:
                source.backup(copy)
            copy.close()
        except sqlite3.Error as e:
            tmp.unlink(missing_ok=True)
            raise StoreError(f"kefu: backup of {self.url} to {target} failed: {e}") from None
        finally:
            raw.close()
        os.replace(tmp, target)
        return target


def _canonical(record: Mapping[str, Any]) -> str:
    return to_jsonl_line(record)


def _export_all(conn: Connection) -> list[dict[str, Any]]:
    return [record for kind in KINDS for record in _export_kind(conn, kind)]


def _export_kind(conn: Connection, kind: str) -> list[dict[str, Any]]:
    if kind == "group":
        rows = conn.execute(sa.select(t.groups).order_by(t.groups.c.name))
        return [{"kind": "group", "name": r.name, "created_at": r.created_at} for r in rows]
    if kind == "user":
        return _export_users(conn)
    if kind == "assignment":
        rows = conn.execute(sa.select(t.assignments).order_by(t.assignments.c.id))
        return [
            {"kind": "assignment", **{f: getattr(r, f) for f in ASSIGNMENT_FIELDS}} for r in rows
        ]
    return _export_attempts(conn)


def _export_users(conn: Connection) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    m = t.memberships.c
    for row in conn.execute(sa.select(m.user_name, m.group_name).order_by(m.group_name)):
        groups.setdefault(row.user_name, []).append(row.group_name)
    return [
        {
            "kind": "user",
            "name": r.name,
            "role": r.role,
            "display": r.display,
            "created_at": r.created_at,
            "groups": groups.get(r.name, []),
        }
        for r in conn.execute(sa.select(t.users).order_by(t.users.c.name))
    ]


def _export_attempts(conn: Connection) -> list[dict[str, Any]]:
    replies: dict[int, list[dict[str, Any]]] = {}
    r = t.replies.c
    for row in conn.execute(sa.select(t.replies).order_by(r.attempt_id, r.step)):
        replies.setdefault(row.attempt_id, []).append(
            {"step": row.step, "text": row.text, "at": row.at}
        )
    audits: dict[int, list[dict[str, Any]]] = {}
    o = t.score_overrides.c
    for row in conn.execute(sa.select(t.score_overrides).order_by(o.attempt_id, o.id)):
        audits.setdefault(row.attempt_id, []).append(
            {
                "by": row.by,
                "old_score": row.old_score,
                "new_score": row.new_score,
                "reason": row.reason,
                "at": row.at,
            }
        )
    out = []
    for row in conn.execute(sa.select(t.attempts).order_by(t.attempts.c.id)):
        record: dict[str, Any] = {"kind": "attempt", "user": row.user_name}
        record.update({f: getattr(row, f) for f in ATTEMPT_FIELDS})
        record["criteria"] = record["criteria"] or {}
        record["result"] = record["result"] or {}
        record["replies"] = replies.get(row.id, [])
        record["overrides"] = audits.get(row.id, [])
        out.append(record)
    return out


def _insert(conn: Connection, kind: str, record: Mapping[str, Any]) -> None:
    if kind == "group":
        conn.execute(
            sa.insert(t.groups).values(name=record["name"], created_at=record["created_at"])
        )
    elif kind == "user":
        _insert_user(conn, record)
    elif kind == "assignment":
        conn.execute(sa.insert(t.assignments).values(**{f: record[f] for f in ASSIGNMENT_FIELDS}))
    else:
        _insert_attempt(conn, record)


def _insert_user(conn: Connection, record: Mapping[str, Any]) -> None:
    conn.execute(
        sa.insert(t.users).values(
            name=record["name"],
            role=record["role"],
            display=record.get("display", ""),
            created_at=record["created_at"],
        )
    )
    for group in record.get("groups", []):
        g = t.groups.c
        if conn.execute(sa.select(g.name).where(g.name == group)).first() is None:
            conn.execute(sa.insert(t.groups).values(name=group, created_at=record["created_at"]))
        conn.execute(sa.insert(t.memberships).values(group_name=group, user_name=record["name"]))


def _insert_attempt(conn: Connection, record: Mapping[str, Any]) -> None:
    values = {f: record[f] for f in ATTEMPT_FIELDS}
    values["user_name"] = record["user"]
    conn.execute(sa.insert(t.attempts).values(**values))
    replies = [
        {"attempt_id": record["id"], "step": r["step"], "text": r["text"], "at": r["at"]}
        for r in record.get("replies", [])
    ]
    if replies:
        conn.execute(sa.insert(t.replies), replies)
    audits = [{"attempt_id": record["id"], **a} for a in record.get("overrides", [])]
    if audits:
        conn.execute(sa.insert(t.score_overrides), audits)


def _bump_identities(conn: Connection) -> None:
    """After explicit ids, make PostgreSQL's identity sequences continue past them."""
    for table in ("assignments", "attempts", "score_overrides"):
        conn.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(max(id), 0) + 1 FROM {table}), false)"
            )
        )
