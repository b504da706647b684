"""The tables as SQLAlchemy Core objects: what queries are written against. Migrations create them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
Int = sa.BigInteger

tasks = sa.Table(
    "tasks", metadata,
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

task_dependencies = sa.Table(
    "task_dependencies", metadata,
    sa.Column("task_id", sa.String(64), sa.ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("depends_on", sa.String(64), sa.ForeignKey("tasks.id"), primary_key=True, index=True),
)

task_messages = sa.Table(
    "task_messages", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("task_id", sa.String(64), sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("timestamp", Int, nullable=False),
    sa.Column("is_read", sa.Boolean, nullable=False),
    sa.Column("reply_to", sa.String(64)),
    sa.Column("meta", sa.JSON),
)

task_history = sa.Table(
    "task_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("task_id", sa.String(64), sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("timestamp", Int, nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("agent_id", sa.String(128)),
    sa.Column("message", sa.Text),
)

review_comments = sa.Table(
    "review_comments", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("task_id", sa.String(64), sa.ForeignKey("tasks.id", ondelete="CASCADE"), nullable=False, index=True),
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

agents = sa.Table(
    "agents", metadata,
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

system_prompts = sa.Table(
    "system_prompts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("agent_id", sa.String(128), nullable=False, index=True),
    sa.Column("prompt_type", sa.String(32), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("payload", sa.JSON),
    sa.Column("priority", sa.String(16), nullable=False),
    sa.Column("created_at", Int, nullable=False),
)

events = sa.Table(
    "events", metadata,
    sa.Column("seq", Int, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(32), nullable=False),
    sa.Column("entity_id", sa.String(128), nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
    sa.Column("created_at", Int, nullable=False, index=True),
)

counters = sa.Table(
    "counters", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("value", Int, nullable=False),
)
