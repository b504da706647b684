"""Verify commands kept with their task, the checks that ran them, and the verification gate's override.

Revision ID: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Int = sa.BigInteger


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("verify", sa.JSON))
        batch.add_column(sa.Column("verification", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("approval_override", sa.JSON))
        batch.add_column(sa.Column("check_summary", sa.JSON))
    op.create_table(
        "task_checks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("task_id", sa.String(64), sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("command", sa.Text, nullable=False),
        sa.Column("exit_code", Int, nullable=False),
        sa.Column("duration_ms", Int, nullable=False),
        sa.Column("output", sa.Text, nullable=False),
        sa.Column("truncated", sa.Boolean, nullable=False),
        sa.Column("commit_sha", sa.String(40), nullable=False),
        sa.Column("ran_at", Int, nullable=False),
        sa.Column("created_at", Int, nullable=False),
        sa.Column("agent_id", sa.String(128)),
    )


def downgrade() -> None:
    op.drop_table("task_checks")
    with op.batch_alter_table("tasks") as batch:
        for column in ("check_summary", "approval_override", "verification", "verify"):
            batch.drop_column(column)
