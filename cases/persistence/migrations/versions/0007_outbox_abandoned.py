"""Notifications set aside after repeated refusals (an address no server takes, a channel
that does not exist): they no longer hold back their case's later notifications.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("abandoned_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("abandoned_at")
