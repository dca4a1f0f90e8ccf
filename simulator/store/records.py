"""The export/import records (JSON lines) and their checks: one problem per
field amiss, in plain words, before anything touches the database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from simulator.store.base import MODES, ROLES

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
    key = record_key(record)
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


def record_key(record: Mapping[str, Any]) -> Any:
    return record.get("id", record.get("name"))
