"""Attempts and replies, drill state and settings: what a trainee's session writes.

In team mode the finishing, abandoning and hint-counting writes go through
SECURITY DEFINER functions (see the ``0002`` migration): trainees have no
UPDATE or DELETE privilege on attempts or replies.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator.store import schema as t
from simulator.store.base import (
    MODES,
    Attempt,
    DrillStat,
    Mode,
    StoreError,
    StorePermissionError,
    word,
)
from simulator.store.core import SqlCore, now


class AttemptsMixin(SqlCore):
    """Attempts, replies, drill stats and settings."""

    def start_attempt(
        self,
        scenario_id: str,
        *,
        mode: Mode = "practice",
        seed: int = 0,
        assignment_id: int | None = None,
        started_at: float | None = None,
    ) -> int:
        """Record a new active attempt of the current user; returns its id.

        With an assignment, the mode must be the assignment's and the number of
        attempts must stay within ``attempts_allowed``.
        """
        if mode not in MODES:
            raise StoreError.of("unknown_mode", mode=repr(mode))
        me = self.current_user().name
        values = {
            "user_name": me,
            "scenario_id": scenario_id,
            "mode": mode,
            "seed": int(seed),
            "assignment_id": assignment_id,
            "started_at": now() if started_at is None else float(started_at),
            "status": "active",
            "hints_used": 0,
            "client_token": uuid.uuid4().hex,
        }

        def work(conn: Connection) -> int:
            # A retry after a commit whose answer was lost finds the first try's row.
            a = t.attempts.c
            done = conn.execute(sa.select(a.id).where(a.client_token == values["client_token"]))
            found = done.scalar()
            if found is not None:
                return int(found)
            if assignment_id is not None:
                self._check_assignment_quota(conn, me, assignment_id, mode, scenario_id)
            result = conn.execute(sa.insert(t.attempts).values(**values))
            return self._new_id(result)

        return self._write(work)

    def _check_assignment_quota(
        self, conn: Connection, user: str, assignment_id: int, mode: str, scenario_id: str
    ) -> None:
        """The assignment's mode, and its attempts allowed per scenario (as reports count them).

        On PostgreSQL a trigger checks the same again, under a lock.
        """
        row = conn.execute(
            sa.select(t.assignments).where(t.assignments.c.id == assignment_id)
        ).first()
        if row is None:
            raise StoreError.of("no_assignment", id=assignment_id, where=self.url)
        if row.mode != mode:
            raise StorePermissionError.of(
                "other_mode", id=assignment_id, mode=word(row.mode), wanted=word(mode)
            )
        if row.attempts_allowed is None:
            return
        used = conn.execute(
            sa.select(sa.func.count())
            .select_from(t.attempts)
            .where(
                t.attempts.c.assignment_id == assignment_id,
                t.attempts.c.user_name == user,
                t.attempts.c.scenario_id == scenario_id,
            )
        ).scalar_one()
        if used >= row.attempts_allowed:
            raise StorePermissionError.of(
                "no_tries_left",
                name=user,
                n=row.attempts_allowed,
                id=assignment_id,
                scenario=scenario_id,
            )

    def save_reply(self, attempt_id: int, step: int, text: str, at: float | None) -> None:
        """Store reply ``step`` durably (committed on return).

        Saving the same step again with the same text is a no-op (a retry after
        a lost connection); with a different text it is a StoreError. New
        replies go only to an active attempt.
        """
        if step < 0:
            raise StoreError(f"kefu: reply step must be 0 or more, not {step}")

        def work(conn: Connection) -> None:
            key = (t.replies.c.attempt_id == attempt_id) & (t.replies.c.step == step)
            old = conn.execute(sa.select(t.replies.c.text).where(key)).scalar_one_or_none()
            if old is not None:
                if old != text:
                    raise StoreError.of("reply_differs", step=step, id=attempt_id)
                return
            self._require_active(conn, attempt_id)
            conn.execute(
                sa.insert(t.replies).values(attempt_id=attempt_id, step=step, text=text, at=at)
            )

        self._write(work)

    def _require_active(self, conn: Connection, attempt_id: int) -> sa.Row[Any]:
        row = conn.execute(sa.select(t.attempts).where(t.attempts.c.id == attempt_id)).first()
        if row is None:
            raise StoreError.of("no_attempt", id=attempt_id, where=self.url)
        if row.status != "active":
            raise StoreError.of("closed", id=attempt_id, status=word(row.status))
        return row

    def add_hint(self, attempt_id: int) -> None:
        """Count one more hint used in an active attempt."""

        def work(conn: Connection) -> None:
            if self.team:
                conn.execute(sa.text("SELECT kefu_add_hint(:id)"), {"id": attempt_id})
                return
            self._require_active(conn, attempt_id)
            conn.execute(
                sa.update(t.attempts)
                .where(t.attempts.c.id == attempt_id)
                .values(hints_used=t.attempts.c.hints_used + 1)
            )

        self._write(work)

    def finish_attempt(
        self, attempt_id: int, result: Mapping[str, Any], finished_at: float | None = None
    ) -> None:
        """Record the result of an active attempt: score, ending and criteria come from it.

        Finishing twice with the same result is a no-op; anything else on a
        finished attempt is refused (scores change only by ``override_score``).
        """
        values = _finish_values(result, now() if finished_at is None else float(finished_at))

        def work(conn: Connection) -> None:
            if self.team:
                conn.execute(
                    sa.text(
                        "SELECT kefu_finish_attempt(:id, :finished_at, :score, :ending, "
                        "CAST(:criteria AS json), CAST(:result AS json))"
                    ),
                    {
                        "id": attempt_id,
                        **values,
                        "criteria": _dumps(values["criteria"]),
                        "result": _dumps(values["result"]),
                    },
                )
                return
            row = conn.execute(sa.select(t.attempts).where(t.attempts.c.id == attempt_id)).first()
            if row is not None and row.status == "finished" and _same_finish(row, values):
                return
            self._require_active(conn, attempt_id)
            conn.execute(
                sa.update(t.attempts)
                .where(t.attempts.c.id == attempt_id)
                .values(status="finished", **values)
            )

        self._write(work)

    def abandon_attempt(self, attempt_id: int) -> None:
        """Mark an active attempt abandoned; a no-op if it already is."""

        def work(conn: Connection) -> None:
            if self.team:
                conn.execute(sa.text("SELECT kefu_abandon_attempt(:id)"), {"id": attempt_id})
                return
            row = conn.execute(sa.select(t.attempts).where(t.attempts.c.id == attempt_id)).first()
            if row is not None and row.status == "abandoned":
                return
            self._require_active(conn, attempt_id)
            conn.execute(
                sa.update(t.attempts)
                .where(t.attempts.c.id == attempt_id)
                .values(status="abandoned")
            )

        self._write(work)

    def get_attempt(self, attempt_id: int) -> Attempt:
        """One attempt with its replies; StoreError if unknown (or hidden from the caller)."""

        def work(conn: Connection) -> Attempt:
            row = conn.execute(sa.select(t.attempts).where(t.attempts.c.id == attempt_id)).first()
            if row is None:
                raise StoreError.of("no_attempt", id=attempt_id, where=self.url)
            return self._attempts_of(conn, [row])[0]

        return self._read(work)

    def unfinished_attempts(self, user: str | None = None) -> Sequence[Attempt]:
        """Active attempts of ``user`` (default: the current user), oldest first."""
        name = self._me_name(user)
        query = (
            sa.select(t.attempts)
            .where(self._user_filter(t.attempts.c.user_name, name))
            .where(t.attempts.c.status == "active")
            .order_by(t.attempts.c.started_at, t.attempts.c.id)
        )
        return self._read(lambda conn: self._load_attempts(conn, query))

    def attempts(
        self,
        user: str | None = None,
        scenario_id: str | None = None,
        since: float | None = None,
        limit: int | None = None,
    ) -> Sequence[Attempt]:
        """Attempts with their replies, newest first.

        ``user``: None for the current user, a name, or ``ALL`` for everyone
        the caller may see; ``since`` compares with ``started_at``.
        """
        name = self._me_name(user)
        a = t.attempts.c
        query = sa.select(t.attempts).where(self._user_filter(a.user_name, name))
        if scenario_id is not None:
            query = query.where(a.scenario_id == scenario_id)
        if since is not None:
            query = query.where(a.started_at >= since)
        query = query.order_by(a.started_at.desc(), a.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return self._read(lambda conn: self._load_attempts(conn, query))

    def _load_attempts(self, conn: Connection, query: sa.Select[Any]) -> list[Attempt]:
        return self._attempts_of(conn, conn.execute(query).all())

    # -- drill ----------------------------------------------------------
    def drill_stats(self, set_id: str, user: str | None = None) -> Mapping[str, DrillStat]:
        """Drill state per item id of one set, for ``user`` (default: the current user)."""
        name = self._me_name(user)
        d = t.drill_stats.c
        query = sa.select(t.drill_stats).where(d.user_name == name, d.set_id == set_id)

        def work(conn: Connection) -> dict[str, DrillStat]:
            return {
                r.item_id: DrillStat(
                    r.set_id,
                    r.item_id,
                    r.box,
                    r.due_at,
                    r.seen,
                    r.missed,
                    r.last_score,
                    r.last_elapsed_s,
                )
                for r in conn.execute(query.order_by(d.item_id))
            }

        return self._read(work)

    def record_drill(self, stat: DrillStat, user: str | None = None) -> None:
        """Insert or replace one item's drill state."""
        values = {"user_name": self._me_name(user), **_drill_values(stat)}
        self._write(
            lambda conn: self._upsert(
                conn, t.drill_stats, values, ("user_name", "set_id", "item_id")
            )
        )

    # -- settings -------------------------------------------------------
    def get_setting(self, key: str, default: str | None = None) -> str | None:
        """The current user's setting ``key``, or ``default``."""
        me = self.current_user().name
        s = t.settings.c
        query = sa.select(s.value).where(s.user_name == me, s.key == key)
        value = self._read(lambda conn: conn.execute(query).scalar_one_or_none())
        return default if value is None else value

    def set_setting(self, key: str, value: str) -> None:
        """Set the current user's setting ``key``."""
        values = {"user_name": self.current_user().name, "key": key, "value": value}
        self._write(lambda conn: self._upsert(conn, t.settings, values, ("user_name", "key")))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _finish_values(result: Mapping[str, Any], finished_at: float) -> dict[str, Any]:
    score = result.get("score")
    if score is not None and not isinstance(score, int | float):
        raise StoreError(f"kefu: a result's score must be a number, not {score!r}")
    criteria = result.get("criteria") or {}
    if not isinstance(criteria, Mapping):
        raise StoreError("kefu: a result's criteria must be a mapping of name -> passed")
    try:
        plain = json.loads(json.dumps(dict(result)))
    except (TypeError, ValueError) as e:
        raise StoreError(f"kefu: a result must be JSON data: {e}") from None
    return {
        "finished_at": finished_at,
        "score": None if score is None else round(score),
        "ending": result.get("ending"),
        "criteria": {str(k): bool(v) for k, v in criteria.items()},
        "result": plain,
    }


def _same_finish(row: sa.Row[Any], values: Mapping[str, Any]) -> bool:
    return bool(
        row.score == values["score"]
        and row.ending == values["ending"]
        and (row.criteria or {}) == values["criteria"]
        and (row.result or {}) == values["result"]
    )


def _drill_values(stat: DrillStat) -> dict[str, Any]:
    return {
        "set_id": stat.set_id,
        "item_id": stat.item_id,
        "box": stat.box,
        "due_at": stat.due_at,
        "seen": stat.seen,
        "missed": stat.missed,
        "last_score": stat.last_score,
        "last_elapsed_s": stat.last_elapsed_s,
    }
