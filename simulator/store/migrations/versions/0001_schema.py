"""The full schema: people, groups, assignments, attempts, replies, audit, drill, settings.

Revision ID: 0001
Revises:
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create every table."""
    op.create_table(
        "users",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("role", sa.Text, nullable=False, server_default="trainee"),
        sa.Column("display", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.CheckConstraint("role IN ('trainee', 'supervisor', 'admin')", name="ck_users_role"),
    )
    op.create_table(
        "groups",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("created_at", sa.Double, nullable=False),
    )
    op.create_table(
        "memberships",
        sa.Column(
            "group_name",
            sa.Text,
            sa.ForeignKey("groups.name", ondelete="CASCADE", name="fk_memberships_group_name"),
            primary_key=True,
        ),
        sa.Column(
            "user_name",
            sa.Text,
            sa.ForeignKey("users.name", ondelete="CASCADE", name="fk_memberships_user_name"),
            primary_key=True,
        ),
    )
    _assignments()
    _attempts()
    _small_tables()


def _assignments() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column("set_id", sa.Text, nullable=False),
        sa.Column("assignee", sa.Text, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("pass_mark", sa.Integer),
        sa.Column("due", sa.Text),
        sa.Column("attempts_allowed", sa.Integer),
        sa.Column("time_limit_s", sa.Integer),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", sa.Double, nullable=False),
        sa.CheckConstraint("mode IN ('practice', 'exam')", name="ck_assignments_mode"),
    )


def _attempts() -> None:
    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column(
            "user_name",
            sa.Text,
            sa.ForeignKey("users.name", name="fk_attempts_user_name"),
            nullable=False,
        ),
        sa.Column("scenario_id", sa.Text, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("seed", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column(
            "assignment_id",
            sa.Integer,
            sa.ForeignKey("assignments.id", name="fk_attempts_assignment_id"),
        ),
        sa.Column("started_at", sa.Double, nullable=False),
        sa.Column("finished_at", sa.Double),
        sa.Column("status", sa.Text, nullable=False, server_default="active"),
        sa.Column("score", sa.Integer),
        sa.Column("ending", sa.Text),
        sa.Column("criteria", sa.JSON),
        sa.Column("result", sa.JSON),
        sa.Column("hints_used", sa.Integer, nullable=False, server_default="0"),
        sa.CheckConstraint("mode IN ('practice', 'exam')", name="ck_attempts_mode"),
        sa.CheckConstraint(
            "status IN ('active', 'finished', 'abandoned')", name="ck_attempts_status"
        ),
    )
    op.create_index("ix_attempts_user_name", "attempts", ["user_name"])
    op.create_table(
        "replies",
        sa.Column(
            "attempt_id",
            sa.Integer,
            sa.ForeignKey("attempts.id", ondelete="CASCADE", name="fk_replies_attempt_id"),
            primary_key=True,
        ),
        sa.Column("step", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.Double),
    )
    op.create_table(
        "score_overrides",
        sa.Column("id", sa.Integer, sa.Identity(), primary_key=True),
        sa.Column(
            "attempt_id",
            sa.Integer,
            sa.ForeignKey("attempts.id", name="fk_score_overrides_attempt_id"),
            nullable=False,
        ),
        sa.Column("by", sa.Text, nullable=False),
        sa.Column("old_score", sa.Integer),
        sa.Column("new_score", sa.Integer, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("at", sa.Double, nullable=False),
        sa.CheckConstraint("length(trim(reason)) > 0", name="ck_score_overrides_reason"),
    )
    op.create_index("ix_score_overrides_attempt_id", "score_overrides", ["attempt_id"])


def _small_tables() -> None:
    op.create_table(
        "drill_stats",
        sa.Column("user_name", sa.Text, primary_key=True),
        sa.Column("set_id", sa.Text, primary_key=True),
        sa.Column("item_id", sa.Text, primary_key=True),
        sa.Column("box", sa.Integer, nullable=False),
        sa.Column("due_at", sa.Double, nullable=False),
        sa.Column("seen", sa.Integer, nullable=False),
        sa.Column("missed", sa.Integer, nullable=False),
        sa.Column("last_score", sa.Double),
        sa.Column("last_elapsed_s", sa.Double),
    )
    op.create_table(
        "settings",
        sa.Column("user_name", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    """Drop every table."""
    for table in (
        "settings",
        "drill_stats",
        "score_overrides",
        "replies",
        "attempts",
        "assignments",
        "memberships",
        "groups",
        "users",
    ):
        op.drop_table(table)
