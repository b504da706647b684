"""Live transcripts of the agents' coding CLIs, one numbered entry per row; the reason a task failed.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_transcripts",
        sa.Column("task_id", sa.String(64), sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("n", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("agent_id", sa.String(128)),
    )
    op.add_column("tasks", sa.Column("failure_reason", sa.String(40)))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("failure_reason")
    op.drop_table("task_transcripts")
