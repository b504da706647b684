"""Initial schema: tasks and their messages, history, dependencies and review comments; agents;
system prompts; the event log and its sequence counter.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Int = sa.BigInteger


def _task_fk(primary_key: bool = False, index: bool = False) -> sa.Column[str]:
    fk = sa.ForeignKey("tasks.id", ondelete="CASCADE")
    return sa.Column("task_id", sa.String(64), fk, primary_key=primary_key, nullable=False, index=index)


def upgrade() -> None:
    op.create_table(
        "tasks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("status", sa.String(32), nullable=False, index=True),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("from_type", sa.String(16), nullable=False),
        sa.Column("from_id", sa.String(128), nullable=False),
        sa.Column("from_name", sa.String(256)),
        sa.Column("to_agent_id", sa.String(128)),
        sa.Column("to_workspace_id", sa.String(512)),
        sa.Column("required_capabilities", sa.JSON, nullable=False),
        sa.Column("workspace_context", sa.JSON),
        sa.Column("context", sa.JSON),
        sa.Column("response", sa.JSON),
        sa.Column("created_at", Int, nullable=False, index=True),
        sa.Column("updated_at", Int, nullable=False),
        sa.Column("completed_at", Int),
        sa.Column("assigned_to", sa.String(128), index=True),
        sa.Column("dependencies", sa.JSON, nullable=False),
        sa.Column("images", sa.JSON, nullable=False),
        sa.Column("source", sa.String(16)),
        sa.Column("requires_review", sa.Boolean, nullable=False),
        sa.Column("approved_at", Int),
        sa.Column("blocked_reason", sa.Text),
        sa.Column("pending_ack_agent_id", sa.String(128)),
        sa.Column("ack_sent_at", Int),
        sa.Column("last_progress_at", Int),
        sa.Column("deleted_at", Int),
    )
    op.create_table(
        "task_dependencies",
        _task_fk(primary_key=True),
        sa.Column("depends_on", sa.String(64), sa.ForeignKey("tasks.id"), primary_key=True, index=True),
    )
    op.create_table(
        "task_messages",
        sa.Column("id", sa.String(64), primary_key=True),
        _task_fk(index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("timestamp", Int, nullable=False),
        sa.Column("is_read", sa.Boolean, nullable=False),
        sa.Column("reply_to", sa.String(64)),
        sa.Column("meta", sa.JSON),
    )
    op.create_table(
        "task_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _task_fk(index=True),
        sa.Column("timestamp", Int, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("agent_id", sa.String(128)),
        sa.Column("message", sa.Text),
    )
    op.create_table(
        "review_comments",
        sa.Column("id", sa.String(64), primary_key=True),
        _task_fk(index=True),
        sa.Column("file_path", sa.Text, nullable=False),
        sa.Column("line_number", sa.Integer),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("author_role", sa.String(16), nullable=False),
        sa.Column("author_id", sa.String(128)),
        sa.Column("thread_id", sa.String(64), index=True),
        sa.Column("resolved", sa.Boolean, nullable=False),
        sa.Column("resolved_by", sa.String(128)),
        sa.Column("created_at", Int, nullable=False),
    )
    op.create_table(
        "agents",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("display_name", sa.String(256), nullable=False),
        sa.Column("role", sa.String(128)),
        sa.Column("color", sa.String(32)),
        sa.Column("capabilities", sa.JSON, nullable=False),
        sa.Column("workspace_context", sa.JSON),
        sa.Column("source", sa.String(16)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("last_seen", Int, nullable=False),
        sa.Column("created_at", Int, nullable=False),
        sa.Column("eviction_requested", sa.Boolean, nullable=False),
        sa.Column("eviction_reason", sa.Text),
        sa.Column("eviction_action", sa.String(16)),
    )
    op.create_table(
        "system_prompts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("agent_id", sa.String(128), nullable=False, index=True),
        sa.Column("prompt_type", sa.String(32), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("payload", sa.JSON),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("created_at", Int, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("seq", Int, primary_key=True, autoincrement=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(128), nullable=False),
        sa.Column("payload", sa.JSON, nullable=False),
        sa.Column("created_at", Int, nullable=False, index=True),
    )
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", Int, nullable=False),
    )
    op.bulk_insert(counters, [{"name": "event_seq", "value": 0}])


def downgrade() -> None:
    for table in ("counters", "events", "system_prompts", "agents", "review_comments",
                  "task_history", "task_messages", "task_dependencies", "tasks"):
        op.drop_table(table)
