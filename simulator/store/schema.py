"""The tables, as SQLAlchemy Core metadata (the migrations create them; the store queries them).

Columns that name a person are ``user_name`` (never ``user``: in PostgreSQL an
unquoted ``user`` is ``current_user``, a trap in hand-written policies).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

Time = sa.Double

users = sa.Table(
    "users",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("role", sa.Text, nullable=False, server_default="trainee"),
    sa.Column("display", sa.Text, nullable=False, server_default=""),
    sa.Column("created_at", Time, nullable=False),
    sa.CheckConstraint("role IN ('trainee', 'supervisor', 'admin')", name="ck_users_role"),
)

groups = sa.Table(
    "groups",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("created_at", Time, nullable=False),
)

memberships = sa.Table(
    "memberships",
    metadata,
    sa.Column(
        "group_name",
        sa.Text,
        sa.ForeignKey("groups.name", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "user_name",
        sa.Text,
        sa.ForeignKey("users.name", ondelete="CASCADE"),
        primary_key=True,
    ),
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("set_id", sa.Text, nullable=False),
    sa.Column("assignee", sa.Text, nullable=False),
    sa.Column("mode", sa.Text, nullable=False),
    sa.Column("pass_mark", sa.Integer),
    sa.Column("due", sa.Text),
    sa.Column("attempts_allowed", sa.Integer),
    sa.Column("time_limit_s", sa.Integer),
    sa.Column("created_by", sa.Text, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.CheckConstraint("mode IN ('practice', 'exam')", name="ck_assignments_mode"),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("user_name", sa.Text, sa.ForeignKey("users.name"), nullable=False, index=True),
    sa.Column("scenario_id", sa.Text, nullable=False),
    sa.Column("mode", sa.Text, nullable=False),
    sa.Column("seed", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("assignment_id", sa.Integer, sa.ForeignKey("assignments.id")),
    sa.Column("started_at", Time, nullable=False),
    sa.Column("finished_at", Time),
    sa.Column("status", sa.Text, nullable=False, server_default="active"),
    sa.Column("score", sa.Integer),
    sa.Column("ending", sa.Text),
    sa.Column("criteria", sa.JSON),
    sa.Column("result", sa.JSON),
    sa.Column("hints_used", sa.Integer, nullable=False, server_default="0"),
    sa.Column("client_token", sa.Text, unique=True),  # makes a retried start idempotent
    sa.CheckConstraint("mode IN ('practice', 'exam')", name="ck_attempts_mode"),
    sa.CheckConstraint("status IN ('active', 'finished', 'abandoned')", name="ck_attempts_status"),
)

replies = sa.Table(
    "replies",
    metadata,
    sa.Column(
        "attempt_id",
        sa.Integer,
        sa.ForeignKey("attempts.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("step", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", Time),
)

score_overrides = sa.Table(
    "score_overrides",
    metadata,
    sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False, index=True),
    sa.Column("by", sa.Text, nullable=False),
    sa.Column("old_score", sa.Integer),
    sa.Column("new_score", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("at", Time, nullable=False),
    sa.CheckConstraint("length(trim(reason)) > 0", name="ck_score_overrides_reason"),
)

drill_stats = sa.Table(
    "drill_stats",
    metadata,
    sa.Column("user_name", sa.Text, primary_key=True),
    sa.Column("set_id", sa.Text, primary_key=True),
    sa.Column("item_id", sa.Text, primary_key=True),
    sa.Column("box", sa.Integer, nullable=False),
    sa.Column("due_at", Time, nullable=False),
    sa.Column("seen", sa.Integer, nullable=False),
    sa.Column("missed", sa.Integer, nullable=False),
    sa.Column("last_score", sa.Double),
    sa.Column("last_elapsed_s", sa.Double),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("user_name", sa.Text, primary_key=True),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

scenario_papers = sa.Table(
    "scenario_papers",
    metadata,
    sa.Column("scenario_id", sa.Text, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("exam", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("published_by", sa.Text, nullable=False),
    sa.Column("published_at", Time, nullable=False),
)

scenario_keys = sa.Table(
    "scenario_keys",
    metadata,
    sa.Column(
        "scenario_id",
        sa.Text,
        sa.ForeignKey("scenario_papers.scenario_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("model_replies", sa.JSON, nullable=False),
)

set_papers = sa.Table(
    "set_papers",
    metadata,
    sa.Column("set_id", sa.Text, primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("published_by", sa.Text, nullable=False),
    sa.Column("published_at", Time, nullable=False),
)

set_scenarios = sa.Table(
    "set_scenarios",
    metadata,
    sa.Column(
        "set_id",
        sa.Text,
        sa.ForeignKey("set_papers.set_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("scenario_id", sa.Text, nullable=False, index=True),
)
