"""Published scenarios (the paper in one table, the answer key in another), and
retries that cannot write twice.

A supervisor publishes their own scenarios and sets to the database
(``kefu publish``) so trainees' machines never hold the files. A scenario is
split in two:

- ``scenario_papers``: the scenario without its model replies and self-tests
  (YAML text), readable by everyone; ``exam`` marks exam material;
- ``scenario_keys``: the model replies, node by node (JSON).

Published sets go to ``set_papers`` with their scenario list in
``set_scenarios`` (so the database knows which exam holds which scenario).

On PostgreSQL only staff write these tables, and a trainee reads the key of
exam material only after *submitting* it: there must be a finished attempt of
theirs, in exam mode, under an exam assignment whose published set holds the
scenario (the ``kefu_attempt_guard`` trigger of 0002 already makes sure such
an assignment reaches them). A practice run or a hand-made attempt outside an
exam does not open it. Staff read every key.

Retries: a write whose commit succeeded but whose answer was lost (a dropped
connection) is retried by kefu. Two writes were not idempotent and are made so:

- starting an attempt carries a ``client_token`` (unique); the retry finds the
  attempt the first try made instead of starting a second one (which an exam
  with one try allowed would refuse);
- an override that changes nothing (the score is already the new one, and the
  latest audit row is the same person's with the same score and reason) is
  not audited again: ``kefu_override_score`` returns that row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEFU = "kefu_trainee, kefu_supervisor, kefu_admin"
STAFF = "kefu_supervisor, kefu_admin"
TABLES = ("scenario_papers", "scenario_keys", "set_papers", "set_scenarios")

SUBMITTED_IN_AN_EXAM = """
  EXISTS (
    SELECT FROM attempts a
      JOIN assignments s ON s.id = a.assignment_id
      JOIN set_scenarios ss ON ss.set_id = s.set_id AND ss.scenario_id = a.scenario_id
     WHERE a.user_name = session_user
       AND a.scenario_id = scenario_keys.scenario_id
       AND a.status = 'finished' AND a.mode = 'exam' AND s.mode = 'exam')
"""
NOT_EXAM = (
    "NOT EXISTS (SELECT FROM scenario_papers p "
    "WHERE p.scenario_id = scenario_keys.scenario_id AND p.exam)"
)

# (table, policy name, command, roles, USING, WITH CHECK)
POLICIES: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("scenario_papers", "papers_read", "SELECT", KEFU, "true", None),
    ("set_papers", "sets_read", "SELECT", KEFU, "true", None),
    ("set_scenarios", "set_scenarios_read", "SELECT", KEFU, "true", None),
    (
        "scenario_keys",
        "keys_read",
        "SELECT",
        KEFU,
        f"kefu_is_staff() OR {NOT_EXAM} OR {SUBMITTED_IN_AN_EXAM}",
        None,
    ),
    *(
        (table, f"{table}_staff", "ALL", STAFF, "kefu_is_staff()", "kefu_is_staff()")
        for table in TABLES
    ),
]


OVERRIDE = """
CREATE OR REPLACE FUNCTION kefu_override_score(p_id integer, p_score integer, p_reason text)
RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {path}
AS $$
DECLARE
  me text := session_user;
  a attempts%ROWTYPE;
  last score_overrides%ROWTYPE;
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
  SELECT * INTO last FROM score_overrides WHERE attempt_id = p_id ORDER BY id DESC LIMIT 1;
  IF FOUND AND a.score = p_score AND last."by" = me AND last.new_score = p_score
     AND last.reason = btrim(p_reason) THEN
    RETURN last.id;  -- the same override again (a retry): nothing changes
  END IF;
  INSERT INTO score_overrides (attempt_id, "by", old_score, new_score, reason, at)
  VALUES (p_id, me, a.score, p_score, btrim(p_reason), extract(epoch FROM clock_timestamp()))
  RETURNING id INTO audit_id;
  UPDATE attempts SET score = p_score WHERE id = p_id;
  RETURN audit_id;
END $$
"""


def upgrade() -> None:
    """The four tables and the attempt token; on PostgreSQL also grants, policies and
    the idempotent override."""
    with op.batch_alter_table("attempts") as batch:
        batch.add_column(sa.Column("client_token", sa.Text, nullable=True))
    op.create_index("ux_attempts_client_token", "attempts", ["client_token"], unique=True)
    op.create_table(
        "scenario_papers",
        sa.Column("scenario_id", sa.Text, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("exam", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("published_by", sa.Text, nullable=False),
        sa.Column("published_at", sa.Double, nullable=False),
    )
    op.create_table(
        "scenario_keys",
        sa.Column(
            "scenario_id",
            sa.Text,
            sa.ForeignKey(
                "scenario_papers.scenario_id", ondelete="CASCADE", name="fk_scenario_keys_paper"
            ),
            primary_key=True,
        ),
        sa.Column("model_replies", sa.JSON, nullable=False),
    )
    op.create_table(
        "set_papers",
        sa.Column("set_id", sa.Text, primary_key=True),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("published_by", sa.Text, nullable=False),
        sa.Column("published_at", sa.Double, nullable=False),
    )
    op.create_table(
        "set_scenarios",
        sa.Column(
            "set_id",
            sa.Text,
            sa.ForeignKey("set_papers.set_id", ondelete="CASCADE", name="fk_set_scenarios_set"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("scenario_id", sa.Text, nullable=False, index=True),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one()
    path = bind.dialect.identifier_preparer.quote_identifier(schema) + ", pg_temp"
    op.execute(OVERRIDE.replace("{path}", path))
    op.execute(f"GRANT SELECT ON {', '.join(TABLES)} TO {KEFU}")
    op.execute(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(TABLES)} TO {STAFF}")
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    for table, name, command, roles, using, check in POLICIES:
        statement = f"CREATE POLICY {name} ON {table} FOR {command} TO {roles}"
        if using is not None:
            statement += f" USING ({using})"
        if check is not None:
            statement += f" WITH CHECK ({check})"
        op.execute(statement)


def downgrade() -> None:
    """Drop the four tables (their policies go with them) and the token. The override
    function stays idempotent: it does all that 0002's did."""
    for table in reversed(TABLES):
        op.drop_table(table)
    op.drop_index("ux_attempts_client_token", "attempts")
    with op.batch_alter_table("attempts") as batch:
        batch.drop_column("client_token")
