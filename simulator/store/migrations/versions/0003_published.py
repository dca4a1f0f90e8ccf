"""Published scenarios: the paper in one table, the answer key in another.

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


def upgrade() -> None:
    """The four tables; on PostgreSQL also their grants and policies."""
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
    """Drop the four tables (their policies go with them)."""
    for table in reversed(TABLES):
        op.drop_table(table)
