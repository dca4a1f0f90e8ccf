"""Export and import as JSON-lines records, and an online backup of the SQLite file.

Records, in dependency order: ``group``, ``user`` (with its groups),
``assignment``, ``attempt`` (with its replies and score overrides). Ids are
kept, so export -> import into an empty database -> export is identical.
Importing a record that already exists unchanged is skipped; one that exists
with different content is an error, and nothing of that import is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator.store import schema as t
from simulator.store.base import MODES, ROLES, StoreError
from simulator.store.core import SqlCore

KINDS = ("group", "user", "assignment", "attempt")
ASSIGNMENT_FIELDS = (
    "id",
    "set_id",
    "assignee",
    "mode",
    "pass_mark",
    "due",
    "attempts_allowed",
    "time_limit_s",
    "created_by",
    "created_at",
)
ATTEMPT_FIELDS = (
    "id",
    "scenario_id",
    "mode",
    "seed",
    "assignment_id",
    "started_at",
    "finished_at",
    "status",
    "score",
    "ending",
    "criteria",
    "result",
    "hints_used",
)


STATUSES = ("active", "finished", "abandoned")


def record_problems(record: Mapping[str, Any]) -> list[str]:
    """What is wrong with one import record (with ``kind``), in plain words; [] if nothing.

    The same rules the commands apply (``kefu user add``, ``kefu assign``, an
    attempt as the app records it), so the database never sees a bad value.
    """
    kind = record.get("kind")
    check = _Check(record)
    if kind == "group":
        check.name("name")
        check.number("created_at")
    elif kind == "user":
        check.name("name")
        check.choice("role", ROLES)
        check.text("display", optional=True)
        check.names("groups")
        check.number("created_at")
    elif kind == "assignment":
        check.whole("id", 1)
        check.text("set_id")
        check.text("assignee")
        check.choice("mode", MODES)
        check.whole("pass_mark", 0, 100, optional=True)
        check.date("due")
        check.whole("attempts_allowed", 1, optional=True)
        check.whole("time_limit_s", 1, optional=True)
        check.text("created_by")
        check.number("created_at")
    elif kind == "attempt":
        _check_attempt(check)
    return check.problems


def record_label(record: Mapping[str, Any]) -> str:
    """How a message names a record: ``user 'zoe'``, ``assignment 77``, or just its kind."""
    key = _key(record)
    if isinstance(key, str | int) and not isinstance(key, bool):
        return f"{record.get('kind')} {key!r}"
    return str(record.get("kind"))


def _check_attempt(check: _Check) -> None:
    check.whole("id", 1)
    check.text("user")
    check.text("scenario_id")
    check.choice("mode", MODES)
    check.whole("seed", None)
    check.whole("assignment_id", 1, optional=True)
    check.number("started_at")
    check.number("finished_at", optional=True)
    check.choice("status", STATUSES)
    check.whole("score", 0, 100, optional=True)
    check.text("ending", optional=True)
    check.mapping("criteria")
    check.mapping("result")
    check.whole("hints_used", 0)
    for i, item in enumerate(check.items("replies")):
        reply = _Check(item, f"replies[{i}].")
        reply.whole("step", 0)
        reply.text("text")
        reply.number("at", optional=True)
        check.problems += reply.problems
    for i, item in enumerate(check.items("overrides")):
        audit = _Check(item, f"overrides[{i}].")
        audit.text("by")
        audit.whole("old_score", 0, 100, optional=True)
        audit.whole("new_score", 0, 100)
        audit.text("reason")
        audit.number("at")
        check.problems += audit.problems


class _Check:
    """Collects what is wrong with the fields of one record (or one of its items)."""

    def __init__(self, record: Any, prefix: str = "") -> None:
        self.record = record if isinstance(record, Mapping) else {}
        self.prefix = prefix
        self.problems: list[str] = (
            [] if isinstance(record, Mapping) else [f"{prefix}is not an object"]
        )

    def _get(self, key: str, optional: bool) -> tuple[bool, Any]:
        if key not in self.record or (self.record[key] is None and not optional):
            if not optional:
                self.problems.append(f'missing field "{self.prefix}{key}"')
            return False, None
        value = self.record[key]
        return value is not None, value

    def _bad(self, key: str, value: Any, what: str) -> None:
        self.problems.append(
            f'"{self.prefix}{key}" must be {what}, not {json.dumps(value, ensure_ascii=False)}'
        )

    def text(self, key: str, optional: bool = False) -> None:
        ok, value = self._get(key, optional)
        if ok and not (isinstance(value, str) and (value.strip() or optional)):
            self._bad(key, value, "a non-empty text" if not optional else "a text")

    def name(self, key: str) -> None:
        ok, value = self._get(key, False)
        if ok and not _is_name(value):
            self._bad(key, value, "a name of 1-63 characters, not starting with @")

    def names(self, key: str) -> None:
        ok, value = self._get(key, True)
        if ok and not (isinstance(value, list) and all(_is_name(v) for v in value)):
            self._bad(key, value, "a list of group names")

    def choice(self, key: str, options: Iterable[str]) -> None:
        ok, value = self._get(key, False)
        if ok and value not in tuple(options):
            self._bad(key, value, "one of " + ", ".join(options))

    def whole(
        self, key: str, low: int | None, high: int | None = None, optional: bool = False
    ) -> None:
        ok, value = self._get(key, optional)
        if not ok:
            return
        if not isinstance(value, int) or isinstance(value, bool):
            self._bad(key, value, "a whole number")
        elif (low is not None and value < low) or (high is not None and value > high):
            span = f"from {low} to {high}" if high is not None else f"{low} or more"
            self._bad(key, value, f"a whole number {span}")

    def number(self, key: str, optional: bool = False) -> None:
        ok, value = self._get(key, optional)
        if ok and (not isinstance(value, int | float) or isinstance(value, bool)):
            self._bad(key, value, "a number (POSIX seconds)")

    def date(self, key: str) -> None:
        ok, value = self._get(key, True)
        if not ok:
            return
        try:
            dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self._bad(key, value, "a date, YYYY-MM-DD")

    def mapping(self, key: str) -> None:
        ok, value = self._get(key, True)
        if ok and not isinstance(value, Mapping):
            self._bad(key, value, "an object")

    def items(self, key: str) -> list[Any]:
        ok, value = self._get(key, True)
        if not ok:
            return []
        if not isinstance(value, list):
            self._bad(key, value, "a list")
            return []
        return value


def _is_name(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= 63
        and value == value.strip()
        and not value.startswith("@")
    )


def to_jsonl_line(record: Mapping[str, Any]) -> str:
    """One record as one JSON line (keys sorted, UTF-8 kept), without the newline."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, allow_nan=False)


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
            existing = {k: {_key(r): r for r in _export_kind(conn, k)} for k in KINDS}
            for kind in KINDS:
                for record in by_kind[kind]:
                    old = existing[kind].get(_key(record))
                    if old is not None:
                        if _canonical(old) != _canonical(record):
                            raise StoreError(
                                f"kefu: {kind} {_key(record)} already exists with other data"
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


def _key(record: Mapping[str, Any]) -> Any:
    return record.get("id", record.get("name"))


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
