"""Fewer indexes to keep up on every write.

- `ix_tasks_status` is the leading column of `ix_tasks_status_live_created`, which serves every
  read it served.
- `ix_tasks_created_at`: every list and search reads live tasks (`deleted_at IS NULL`) in
  `created_at` order, which `ix_tasks_live_created` serves.
- On SQLite, `events.seq` becomes the table's `INTEGER PRIMARY KEY`, its rowid: the log is stored
  in `seq` order, with no second index on `seq` to write with each event. SQLite's store numbers
  events from the log from now on (`waaah.store.sqlite`); the `counters` row is left as it was.

Revision ID: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_tasks_status", table_name="tasks")
    op.drop_index("ix_tasks_created_at", table_name="tasks")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("events", recreate="always") as batch:
            batch.alter_column("seq", type_=sa.Integer(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("events", recreate="always") as batch:
            batch.alter_column("seq", type_=sa.BigInteger(), existing_nullable=False)
        # since this revision SQLite numbers events from the log, not the counter: give it the newest seq
        op.execute("UPDATE counters SET value = MAX(value, COALESCE((SELECT MAX(seq) FROM events), 0)) "
                   "WHERE name = 'event_seq'")
    op.create_index("ix_tasks_created_at", "tasks", ["created_at"])
    op.create_index("ix_tasks_status", "tasks", ["status"])
