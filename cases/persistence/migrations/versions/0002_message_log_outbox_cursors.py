"""The inbound message log, the notification outbox, and mailbox read positions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:30:44.088528
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbound_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=998), nullable=False),
    sa.Column('mailbox', sa.String(length=200), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Enum('new_case', 'supplement', 'inspection', 'payment_reference', 'question', 'no_case', 'ignored', 'oversize', 'quarantined', name='outcome', native_enum=False, length=40), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=True),
    sa.Column('subject', sa.String(length=998), nullable=True),
    sa.Column('case_number', sa.String(length=16), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('raw_path', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_messages')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_inbound_messages_dedupe_key'))
    )
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_messages_outcome'), ['outcome'], unique=False)

    op.create_table('mailbox_cursors',
    sa.Column('mailbox', sa.String(length=300), nullable=False),
    sa.Column('folder', sa.String(length=300), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('mailbox', 'folder', name=op.f('pk_mailbox_cursors'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('channel', sa.Enum('email', 'slack', name='channel', native_enum=False, length=40), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=False),
    sa.Column('case_number', sa.String(length=16), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('available_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_case_number'), ['case_number'], unique=False)
        batch_op.create_index('ix_outbox_pending', ['delivered_at', 'available_at'], unique=False)
        batch_op.create_index('ix_outbox_recipient_created_at', ['recipient', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_recipient_created_at')
        batch_op.drop_index('ix_outbox_pending')
        batch_op.drop_index(batch_op.f('ix_outbox_case_number'))

    op.drop_table('outbox')
    op.drop_table('mailbox_cursors')
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_messages_outcome'))

    op.drop_table('inbound_messages')
