"""Indexes for lists over a large table: by status, and all live tasks, each newest first.

`status = ? AND deleted_at IS NULL ORDER BY created_at DESC, id DESC` (the board's active set and
finished page, a status-filtered list) and `deleted_at IS NULL ORDER BY created_at DESC, id DESC`
(the unfiltered list, a search's window) each read one index range in order; their counts read
only the index.

Revision ID: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tasks_status_live_created", "tasks", ["status", "deleted_at", "created_at", "id"])
    op.create_index("ix_tasks_live_created", "tasks", ["deleted_at", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_tasks_live_created", table_name="tasks")
    op.drop_index("ix_tasks_status_live_created", table_name="tasks")
