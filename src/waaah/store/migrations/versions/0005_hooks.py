"""Webhook subscriptions, each with its delivery cursor into the event log and its lease.

Revision ID: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hooks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("patterns", sa.Text, nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("cursor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("paused", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_success_at", sa.BigInteger),
        sa.Column("last_failure_at", sa.BigInteger),
        sa.Column("last_error", sa.Text),
        sa.Column("next_attempt_at", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("leased_until", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("lease_owner", sa.String(128)),
    )


def downgrade() -> None:
    op.drop_table("hooks")
