"""Team mode: group roles, grants, row-level security and the trusted write functions.

PostgreSQL only (on SQLite this revision changes nothing). What it sets up:

- Group roles ``kefu_trainee``, ``kefu_supervisor``, ``kefu_admin`` (NOLOGIN,
  created if missing: the migrating role needs CREATEROLE the first time).
  Each person logs in as their own role, a member of exactly one of them.
- Grants give each group only the commands it needs; no group may UPDATE or
  DELETE an attempt, a reply or an audit row.
- Row-level security on every table. The person is ``session_user`` (the login
  role, which ``SET ROLE`` cannot change); their kefu role is the ``users``
  row (``kefu_role()``), so a policy needs both the grant (group) and the
  kefu role to agree. The database owner (the first admin) bypasses RLS.
- SECURITY DEFINER functions for the few checked changes: finishing (once),
  abandoning or counting a hint on one's own active attempt, a supervisor's
  score override (reason required, audited), registering oneself. A trigger
  holds an assignment's mode and attempt limit.

Exams: the model replies are in the scenario files, not in the database, so
there is no answer key to lock. What the database holds that could give an
exam away is other people's attempts (replies, feedback in ``result``,
scores) and their overrides' reasons, and other people's assignments: the
SELECT policies show a trainee only their own, before and after submitting.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GROUPS = ("kefu_trainee", "kefu_supervisor", "kefu_admin")
KEFU = "kefu_trainee, kefu_supervisor, kefu_admin"
STAFF = "kefu_supervisor, kefu_admin"

ROLES = """
DO $$
DECLARE r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['kefu_trainee', 'kefu_supervisor', 'kefu_admin'] LOOP
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
      BEGIN
        EXECUTE format('CREATE ROLE %I NOLOGIN', r);
      EXCEPTION
        WHEN duplicate_object THEN NULL;  -- another database's migration made it just now
        WHEN insufficient_privilege THEN
          RAISE EXCEPTION 'kefu: the group role % does not exist and % may not create it; '
            'give % CREATEROLE (or create kefu_trainee, kefu_supervisor and kefu_admin '
            'as a superuser)', r, session_user, session_user
            USING ERRCODE = '42501';
      END;
    END IF;
  END LOOP;
END $$
"""

FUNCTIONS = [
    """
CREATE FUNCTION kefu_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {path}
AS $$ SELECT role FROM users WHERE name = session_user $$
""",
    """
CREATE FUNCTION kefu_is_staff() RETURNS boolean
LANGUAGE sql STABLE SET search_path = {path}
AS $$ SELECT coalesce(kefu_role() IN ('supervisor', 'admin'), false) $$
""",
    """
CREATE FUNCTION kefu_register_self() RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path}
AS $$
DECLARE
  me text := session_user;
  r text;
BEGIN
  SELECT role INTO r FROM users WHERE name = me;
  IF FOUND THEN
    RETURN r;
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_database
             WHERE datname = current_database() AND pg_has_role(me::name, datdba, 'MEMBER'))
     OR pg_has_role(me::name, 'kefu_admin', 'MEMBER') THEN
    r := 'admin';
  ELSIF pg_has_role(me::name, 'kefu_supervisor', 'MEMBER') THEN
    r := 'supervisor';
  ELSIF pg_has_role(me::name, 'kefu_trainee', 'MEMBER') THEN
    r := 'trainee';
  ELSE
    RAISE EXCEPTION 'kefu: % is not a person of this kefu database; ask an admin to run: '
      'kefu user add % --role trainee', me, me USING ERRCODE = '42501';
  END IF;
  INSERT INTO users (name, role, display, created_at)
  VALUES (me, r, '', extract(epoch FROM clock_timestamp()));
  RETURN r;
END $$
""",
    """
CREATE FUNCTION kefu_own_attempt(p_id integer) RETURNS attempts
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path}
AS $$
DECLARE a attempts%ROWTYPE;
BEGIN
  SELECT * INTO a FROM attempts WHERE id = p_id AND user_name = session_user FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'kefu: no attempt % of yours', p_id USING ERRCODE = '42501';
  END IF;
  RETURN a;
END $$
""",
    """
CREATE FUNCTION kefu_finish_attempt(
  p_id integer, p_finished_at double precision, p_score integer, p_ending text,
  p_criteria json, p_result json
) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path}
AS $$
DECLARE a attempts%ROWTYPE := kefu_own_attempt(p_id);
BEGIN
  IF a.status = 'finished' AND a.score IS NOT DISTINCT FROM p_score
     AND a.ending IS NOT DISTINCT FROM p_ending
     AND a.criteria::jsonb IS NOT DISTINCT FROM p_criteria::jsonb
     AND a.result::jsonb IS NOT DISTINCT FROM p_result::jsonb THEN
    RETURN;  -- a retry of the same finish
  END IF;
  IF a.status <> 'active' THEN
    RAISE EXCEPTION 'kefu: attempt % is %; it cannot change', p_id, a.status
      USING ERRCODE = '42501';
  END IF;
  UPDATE attempts
     SET status = 'finished', finished_at = p_finished_at, score = p_score,
         ending = p_ending, criteria = p_criteria, result = p_result
   WHERE id = p_id;
END $$
""",
    """
CREATE FUNCTION kefu_abandon_attempt(p_id integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path}
AS $$
DECLARE a attempts%ROWTYPE := kefu_own_attempt(p_id);
BEGIN
  IF a.status = 'abandoned' THEN
    RETURN;
  END IF;
  IF a.status <> 'active' THEN
    RAISE EXCEPTION 'kefu: attempt % is %; it cannot change', p_id, a.status
      USING ERRCODE = '42501';
  END IF;
  UPDATE attempts SET status = 'abandoned' WHERE id = p_id;
END $$
""",
    """
CREATE FUNCTION kefu_add_hint(p_id integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path}
AS $$
DECLARE a attempts%ROWTYPE := kefu_own_attempt(p_id);
BEGIN
  IF a.status <> 'active' THEN
    RAISE EXCEPTION 'kefu: attempt % is %; it cannot change', p_id, a.status
      USING ERRCODE = '42501';
  END IF;
  UPDATE attempts SET hints_used = hints_used + 1 WHERE id = p_id;
END $$
""",
    """
CREATE FUNCTION kefu_override_score(p_id integer, p_score integer, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path}
AS $$
DECLARE
  me text := session_user;
  a attempts%ROWTYPE;
  audit_id integer;
BEGIN
  IF NOT kefu_is_staff() THEN
    RAISE EXCEPTION 'kefu: only a supervisor may change a score (% is not)', me
      USING ERRCODE = '42501';
  END IF;
  IF p_reason IS NULL OR length(btrim(p_reason)) = 0 THEN
    RAISE EXCEPTION 'kefu: a score override needs a reason' USING ERRCODE = '23514';
  END IF;
  IF p_score IS NULL OR p_score < 0 OR p_score > 100 THEN
    RAISE EXCEPTION 'kefu: a score is a whole number from 0 to 100, not %', p_score
      USING ERRCODE = '22003';
  END IF;
  SELECT * INTO a FROM attempts WHERE id = p_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'kefu: no attempt %', p_id USING ERRCODE = 'P0002';
  END IF;
  IF a.user_name = me THEN
    RAISE EXCEPTION 'kefu: % may not change their own score', me USING ERRCODE = '42501';
  END IF;
  IF a.status <> 'finished' THEN
    RAISE EXCEPTION 'kefu: attempt % is %, not finished', p_id, a.status;
  END IF;
  INSERT INTO score_overrides (attempt_id, "by", old_score, new_score, reason, at)
  VALUES (p_id, me, a.score, p_score, btrim(p_reason), extract(epoch FROM clock_timestamp()))
  RETURNING id INTO audit_id;
  UPDATE attempts SET score = p_score WHERE id = p_id;
  RETURN audit_id;
END $$
""",
    """
CREATE FUNCTION kefu_attempt_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path}
AS $$
DECLARE
  asg assignments%ROWTYPE;
  used integer;
BEGIN
  IF NEW.assignment_id IS NULL OR NEW.status <> 'active' OR kefu_role() = 'admin' THEN
    RETURN NEW;
  END IF;
  SELECT * INTO asg FROM assignments WHERE id = NEW.assignment_id;
  IF NOT FOUND OR NOT (asg.assignee = NEW.user_name OR EXISTS (
      SELECT FROM memberships m
       WHERE m.user_name = NEW.user_name AND '@' || m.group_name = asg.assignee)) THEN
    RAISE EXCEPTION 'kefu: assignment % is not assigned to %', NEW.assignment_id, NEW.user_name
      USING ERRCODE = '42501';
  END IF;
  IF asg.mode <> NEW.mode THEN
    RAISE EXCEPTION 'kefu: assignment % is a % assignment, not %',
      NEW.assignment_id, asg.mode, NEW.mode USING ERRCODE = '42501';
  END IF;
  IF asg.attempts_allowed IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(hashtext(NEW.user_name), NEW.assignment_id);
    SELECT count(*) INTO used FROM attempts
     WHERE assignment_id = NEW.assignment_id AND user_name = NEW.user_name
       AND scenario_id = NEW.scenario_id;
    IF used >= asg.attempts_allowed THEN
      RAISE EXCEPTION 'kefu: % has used all % attempts of assignment % on %',
        NEW.user_name, asg.attempts_allowed, NEW.assignment_id, NEW.scenario_id
        USING ERRCODE = '42501';
    END IF;
  END IF;
  RETURN NEW;
END $$
""",
    """
CREATE TRIGGER kefu_attempt_guard BEFORE INSERT ON attempts
FOR EACH ROW EXECUTE FUNCTION kefu_attempt_guard()
""",
]

FUNCTION_SIGNATURES = (
    "kefu_role()",
    "kefu_is_staff()",
    "kefu_register_self()",
    "kefu_own_attempt(integer)",
    "kefu_finish_attempt(integer, double precision, integer, text, json, json)",
    "kefu_abandon_attempt(integer)",
    "kefu_add_hint(integer)",
    "kefu_override_score(integer, integer, text)",
    "kefu_attempt_guard()",
)

INTERNAL = ("kefu_own_attempt(integer)", "kefu_attempt_guard()")
"""Called only by the other functions (as the owner), never granted."""

ME = "session_user"
OWN_ATTEMPT = (
    "EXISTS (SELECT FROM attempts a WHERE a.id = attempt_id AND a.user_name = session_user)"
)
FRESH_ATTEMPT = (
    "user_name = session_user AND status = 'active' AND finished_at IS NULL "
    "AND score IS NULL AND ending IS NULL AND criteria IS NULL AND result IS NULL "
    "AND hints_used = 0"
)
ADMIN = "kefu_role() = 'admin'"
IN_MY_GROUP = "EXISTS (SELECT FROM memberships m WHERE m.user_name = session_user AND {test})"

# (table, policy name, command, roles, USING, WITH CHECK)
POLICIES: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("users", "users_read", "SELECT", KEFU, f"name = {ME} OR kefu_is_staff()", None),
    ("users", "users_admin", "ALL", "kefu_admin", ADMIN, ADMIN),
    (
        "groups",
        "groups_read",
        "SELECT",
        KEFU,
        "kefu_is_staff() OR " + IN_MY_GROUP.format(test="m.group_name = groups.name"),
        None,
    ),
    ("groups", "groups_admin", "ALL", "kefu_admin", ADMIN, ADMIN),
    (
        "memberships",
        "memberships_read",
        "SELECT",
        KEFU,
        f"user_name = {ME} OR kefu_is_staff()",
        None,
    ),
    ("memberships", "memberships_admin", "ALL", "kefu_admin", ADMIN, ADMIN),
    (
        "assignments",
        "assignments_read",
        "SELECT",
        KEFU,
        f"kefu_is_staff() OR assignee = {ME} OR "
        + IN_MY_GROUP.format(test="'@' || m.group_name = assignee"),
        None,
    ),
    (
        "assignments",
        "assignments_staff",
        "ALL",
        STAFF,
        "kefu_is_staff()",
        f"kefu_is_staff() AND (created_by = {ME} OR {ADMIN})",
    ),
    ("attempts", "attempts_read", "SELECT", KEFU, f"user_name = {ME} OR kefu_is_staff()", None),
    ("attempts", "attempts_start", "INSERT", KEFU, None, FRESH_ATTEMPT),
    ("attempts", "attempts_import", "INSERT", "kefu_admin", None, ADMIN),
    ("replies", "replies_read", "SELECT", KEFU, f"kefu_is_staff() OR {OWN_ATTEMPT}", None),
    (
        "replies",
        "replies_add",
        "INSERT",
        KEFU,
        None,
        "EXISTS (SELECT FROM attempts a WHERE a.id = attempt_id "
        "AND a.user_name = session_user AND a.status = 'active')",
    ),
    ("replies", "replies_import", "INSERT", "kefu_admin", None, ADMIN),
    (
        "score_overrides",
        "overrides_read",
        "SELECT",
        KEFU,
        f"kefu_is_staff() OR {OWN_ATTEMPT}",
        None,
    ),
    ("score_overrides", "overrides_import", "INSERT", "kefu_admin", None, ADMIN),
    ("drill_stats", "drill_read", "SELECT", KEFU, f"user_name = {ME} OR kefu_is_staff()", None),
    ("drill_stats", "drill_add", "INSERT", KEFU, None, f"user_name = {ME}"),
    ("drill_stats", "drill_update", "UPDATE", KEFU, f"user_name = {ME}", f"user_name = {ME}"),
    ("settings", "settings_own", "ALL", KEFU, f"user_name = {ME}", f"user_name = {ME}"),
]

# Table privileges per group; nobody but the owner may UPDATE or DELETE attempts,
# replies or score_overrides.
READ_ALL = (
    "users, groups, memberships, assignments, attempts, replies, score_overrides, "
    "drill_stats, alembic_version"
)
GRANTS = [
    f"GRANT SELECT ON {READ_ALL} TO {KEFU}",
    f"GRANT INSERT ON attempts, replies, drill_stats TO {KEFU}",
    f"GRANT UPDATE ON drill_stats TO {KEFU}",
    f"GRANT SELECT, INSERT, UPDATE, DELETE ON settings TO {KEFU}",
    f"GRANT INSERT, UPDATE, DELETE ON assignments TO {STAFF}",
    "GRANT INSERT, UPDATE, DELETE ON users, groups, memberships TO kefu_admin",
    "GRANT INSERT ON score_overrides TO kefu_admin",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO kefu_admin",
    f"GRANT USAGE ON SCHEMA {{schema}} TO {KEFU}",
]

RLS_TABLES = (
    "users",
    "groups",
    "memberships",
    "assignments",
    "attempts",
    "replies",
    "score_overrides",
    "drill_stats",
    "settings",
)


def upgrade() -> None:
    """Roles, grants, policies and functions (PostgreSQL); nothing on SQLite."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    quoted = bind.dialect.identifier_preparer.quote_identifier(schema)
    path = f"{quoted}, pg_temp"
    op.execute(ROLES)
    for statement in FUNCTIONS:
        op.execute(statement.replace("{path}", path))
    for signature in FUNCTION_SIGNATURES:
        op.execute(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC")
        if signature not in INTERNAL:
            op.execute(f"GRANT EXECUTE ON FUNCTION {signature} TO {KEFU}")
    for grant in GRANTS:
        op.execute(grant.replace("{schema}", quoted))
    for table in RLS_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, name, command, roles, using, check in POLICIES:
        sql = f"CREATE POLICY {name} ON {table} FOR {command} TO {roles}"
        if using is not None:
            sql += f" USING ({using})"
        if check is not None:
            sql += f" WITH CHECK ({check})"
        op.execute(sql)


def downgrade() -> None:
    """Drop the policies, grants and functions (the group roles stay: they are cluster-wide)."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, name, *_ in POLICIES:
        op.execute(f"DROP POLICY {name} ON {table}")
    for table in RLS_TABLES:
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP TRIGGER kefu_attempt_guard ON attempts")
    for signature in reversed(FUNCTION_SIGNATURES):
        op.execute(f"DROP FUNCTION {signature}")
    for group in GROUPS:
        op.execute(f"REVOKE ALL ON {READ_ALL}, settings FROM {group}")
