"""How long an agent asked each of its wait_for_prompt polls to last (register_agent's waitTimeout).

Revision ID: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("agents", sa.Column("wait_timeout", sa.Float))


def downgrade() -> None:
    op.drop_column("agents", "wait_timeout")
