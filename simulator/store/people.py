"""People, groups, assignments and score overrides: what supervisors and admins manage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from simulator.store import schema as t
from simulator.store.base import (
    MODES,
    Assignment,
    Mode,
    Override,
    Role,
    StoreError,
    StorePermissionError,
    User,
    word,
)
from simulator.store.core import SqlCore, now

STAFF = ("supervisor", "admin")


class PeopleMixin(SqlCore):
    """Users, groups, assignments and the audited score overrides."""

    def ensure_user(self, name: str, role: Role = "trainee", display: str = "") -> User:
        """Create ``name`` with ``role``, or set an existing user's role (and display, if given).

        In team mode (admins) a change of role also moves the person's login
        role, if there is one, to the matching group; :meth:`create_person`
        also creates the login role.
        """
        role = self._check_role(role)
        _check_name(name)
        user = self._write(lambda conn: self._ensure(conn, name, role, display))
        if self._me is not None and self._me.name == name:
            self._me = user
        return user

    def _ensure(self, conn: Connection, name: str, role: Role, display: str) -> User:
        old = self._load_user(conn, name)
        if old is None:
            self._insert_user(conn, name, role, display)
        elif old.role != role or (display and old.display != display):
            conn.execute(
                sa.update(t.users)
                .where(t.users.c.name == name)
                .values(role=role, display=display or old.display)
            )
        if self.team and (old is None or old.role != role):
            from simulator.store import team

            if team.role_exists(conn, name):
                team.sync_group(conn, name, role)
        user = self._load_user(conn, name)
        assert user is not None
        return user

    def create_person(
        self, name: str, role: Role = "trainee", password: str | None = None, display: str = ""
    ) -> User:
        """Add a person. Team mode (admins): also their login role in ``kefu_<role>``.

        An existing login role of that name is adopted (put in the group, its
        password set if one is given). Local mode has no logins, so a password
        is an error there.
        """
        if not self.team:
            if password is not None:
                raise StoreError("kefu: passwords are for team mode (PostgreSQL) only")
            return self.ensure_user(name, role, display)
        from simulator.store import team

        role = self._check_role(role)
        team.check_role_name(name)

        def work(conn: Connection) -> User:
            team.create_login_role(conn, name, role, password)
            return self._ensure(conn, name, role, display)

        return self._write(work)

    def get_user(self, name: str) -> User | None:
        """One user, or None if unknown (or hidden from the caller)."""
        return self._read(lambda conn: self._load_user(conn, name))

    def list_users(self) -> Sequence[User]:
        """Every user the caller may see, by name, with their groups."""

        def work(conn: Connection) -> list[User]:
            groups: dict[str, list[str]] = {}
            m = t.memberships.c
            for row in conn.execute(sa.select(m.user_name, m.group_name).order_by(m.group_name)):
                groups.setdefault(row.user_name, []).append(row.group_name)
            rows = conn.execute(sa.select(t.users).order_by(t.users.c.name))
            return [User(r.name, r.role, r.display, tuple(groups.get(r.name, ()))) for r in rows]

        return self._read(work)

    def add_to_group(self, user: str, group: str) -> None:
        """Put ``user`` (who must exist) in ``group``, creating the group if new."""
        group = _group_name(group)

        def work(conn: Connection) -> None:
            if self._load_user(conn, user) is None:
                raise StoreError.of("no_user", name=repr(user), where=self.url)
            g = t.groups.c
            if conn.execute(sa.select(g.name).where(g.name == group)).first() is None:
                conn.execute(sa.insert(t.groups).values(name=group, created_at=now()))
            m = t.memberships.c
            here = (m.group_name == group) & (m.user_name == user)
            if conn.execute(sa.select(m.user_name).where(here)).first() is None:
                conn.execute(sa.insert(t.memberships).values(group_name=group, user_name=user))

        self._write(work)
        self._me = None if self._me and self._me.name == user else self._me

    def remove_from_group(self, user: str, group: str) -> None:
        """Take ``user`` out of ``group``; a no-op if not there."""
        group = _group_name(group)
        m = t.memberships.c
        stmt = sa.delete(t.memberships).where(m.group_name == group, m.user_name == user)
        self._write(lambda conn: conn.execute(stmt))
        self._me = None if self._me and self._me.name == user else self._me

    def group_members(self, group: str) -> Sequence[str]:
        """The user names in ``group`` (with or without the ``@``), sorted."""
        m = t.memberships.c
        query = (
            sa.select(m.user_name).where(m.group_name == _group_name(group)).order_by(m.user_name)
        )
        return self._read(lambda conn: list(conn.execute(query).scalars()))

    # -- assignments ----------------------------------------------------
    def create_assignment(
        self,
        set_id: str,
        assignee: str,
        *,
        mode: Mode = "practice",
        pass_mark: int | None = None,
        due: str | None = None,
        attempts_allowed: int | None = None,
        time_limit_s: int | None = None,
        created_by: str | None = None,
    ) -> Assignment:
        """Assign a scenario set to a user or ``@group`` (both must exist)."""
        values = _assignment_values(mode, pass_mark, due, attempts_allowed, time_limit_s)
        values.update(
            set_id=set_id,
            assignee=assignee,
            created_by=created_by or self.actor(),
            created_at=now(),
        )

        def work(conn: Connection) -> Assignment:
            self._check_assignee(conn, assignee)
            new_id = self._new_id(conn.execute(sa.insert(t.assignments).values(**values)))
            row = conn.execute(sa.select(t.assignments).where(t.assignments.c.id == new_id)).one()
            return self._assignment(row)

        return self._write(work)

    def _check_assignee(self, conn: Connection, assignee: str) -> None:
        if assignee.startswith("@"):
            g = t.groups.c
            if conn.execute(sa.select(g.name).where(g.name == assignee[1:])).first() is None:
                raise StoreError.of("no_group", group=repr(assignee))
        elif self._load_user(conn, assignee) is None:
            raise StoreError.of("no_user", name=repr(assignee), where=self.url)

    def list_assignments(self, set_id: str | None = None) -> Sequence[Assignment]:
        """Every assignment the caller may see (optionally of one set), oldest first."""
        a = t.assignments.c
        query = sa.select(t.assignments).order_by(a.created_at, a.id)
        if set_id is not None:
            query = query.where(a.set_id == set_id)
        return self._read(lambda conn: [self._assignment(r) for r in conn.execute(query)])

    def get_assignment(self, assignment_id: int) -> Assignment:
        """One assignment; StoreError if unknown or hidden."""
        query = sa.select(t.assignments).where(t.assignments.c.id == assignment_id)
        row = self._read(lambda conn: conn.execute(query).first())
        if row is None:
            raise StoreError.of("no_assignment", id=assignment_id, where=self.url)
        return self._assignment(row)

    def assignments_for(self, user: str | None = None) -> Sequence[Assignment]:
        """Assignments to ``user`` (default: the current user) or their groups, oldest first."""
        name = self._me_name(user)

        def work(conn: Connection) -> list[Assignment]:
            m = t.memberships.c
            groups = conn.execute(sa.select(m.group_name).where(m.user_name == name)).scalars()
            targets = [name, *(f"@{g}" for g in groups)]
            a = t.assignments.c
            query = (
                sa.select(t.assignments).where(a.assignee.in_(targets)).order_by(a.created_at, a.id)
            )
            return [self._assignment(r) for r in conn.execute(query)]

        return self._read(work)

    # -- overrides ------------------------------------------------------
    def override_score(
        self, attempt_id: int, new_score: int, reason: str, by: str | None = None
    ) -> Override:
        """A supervisor or admin changes a finished attempt's score, with a reason.

        The old and new score, who and why are kept in ``score_overrides``;
        nobody changes their own score. In
        team mode the database checks the role and writes the audit row
        (``kefu_override_score``); ``by`` is always the connected role there.
        """
        reason = (reason or "").strip()
        if not reason:
            raise StoreError.of("needs_reason")
        if not isinstance(new_score, int) or not 0 <= new_score <= 100:
            raise StoreError.of("score_range", score=repr(new_score))
        if self.team:
            return self._write(lambda conn: self._override_pg(conn, attempt_id, new_score, reason))
        who = by or self.actor()
        return self._write(
            lambda conn: self._override_local(conn, attempt_id, new_score, reason, who)
        )

    def _override_local(
        self, conn: Connection, attempt_id: int, new_score: int, reason: str, by: str
    ) -> Override:
        # No logins on a local file: a registered trainee is refused; a name that is
        # nobody in kefu is whoever holds the file (see "Roles" in the supervisor guide).
        person = self._load_user(conn, by)
        if person is not None and person.role not in STAFF:
            raise StorePermissionError.of("staff_only", name=by, role=word(person.role))
        row = conn.execute(sa.select(t.attempts).where(t.attempts.c.id == attempt_id)).first()
        if row is None:
            raise StoreError.of("no_attempt", id=attempt_id, where=self.url)
        if row.user_name == by:
            raise StorePermissionError.of("own_score", name=by)
        if row.status != "finished":
            raise StoreError.of("not_finished", id=attempt_id, status=word(row.status))
        o = t.score_overrides.c
        last = conn.execute(
            sa.select(t.score_overrides).where(o.attempt_id == attempt_id).order_by(o.id.desc())
        ).first()
        if (
            last is not None
            and row.score == new_score
            and (last.by, last.new_score, last.reason) == (by, new_score, reason)
        ):
            return self._override(last)  # the same override again (a retry): nothing changes
        audit = Override(attempt_id, by, row.score, new_score, reason, now())
        conn.execute(sa.insert(t.score_overrides).values(**_override_values(audit)))
        conn.execute(
            sa.update(t.attempts).where(t.attempts.c.id == attempt_id).values(score=new_score)
        )
        return audit

    def _override_pg(
        self, conn: Connection, attempt_id: int, new_score: int, reason: str
    ) -> Override:
        audit_id = conn.execute(
            sa.text("SELECT kefu_override_score(:id, :score, :reason)"),
            {"id": attempt_id, "score": new_score, "reason": reason},
        ).scalar_one()
        row = conn.execute(sa.select(t.score_overrides).where(t.score_overrides.c.id == audit_id))
        return self._override(row.one())

    def overrides(self, attempt_id: int) -> Sequence[Override]:
        """The audit trail of one attempt's score, oldest first."""
        o = t.score_overrides.c
        query = sa.select(t.score_overrides).where(o.attempt_id == attempt_id).order_by(o.at, o.id)
        return self._read(lambda conn: [self._override(r) for r in conn.execute(query)])


def _check_name(name: str) -> None:
    if not name or name != name.strip() or name.startswith("@") or len(name) > 63:
        raise StoreError.of("bad_name", name=repr(name))


def _group_name(group: str) -> str:
    name = group[1:] if group.startswith("@") else group
    _check_name(name)
    return name


def _assignment_values(
    mode: str,
    pass_mark: int | None,
    due: str | None,
    attempts_allowed: int | None,
    time_limit_s: int | None,
) -> dict[str, Any]:
    if mode not in MODES:
        raise StoreError.of("unknown_mode", mode=repr(mode))
    if pass_mark is not None and not 0 <= pass_mark <= 100:
        raise StoreError.of("pass_mark_range", n=pass_mark)
    if due is not None:
        try:
            dt.date.fromisoformat(due)
        except ValueError:
            raise StoreError.of("bad_due", due=repr(due)) from None
    for label, value in (("attempts", attempts_allowed), ("time_limit", time_limit_s)):
        if value is not None and value < 1:
            raise StoreError.of("at_least_one", what=word(label), n=value)
    return {
        "mode": mode,
        "pass_mark": pass_mark,
        "due": due,
        "attempts_allowed": attempts_allowed,
        "time_limit_s": time_limit_s,
    }


def _override_values(audit: Override) -> dict[str, Any]:
    return {
        "attempt_id": audit.attempt_id,
        "by": audit.by,
        "old_score": audit.old_score,
        "new_score": audit.new_score,
        "reason": audit.reason,
        "at": audit.at,
    }
