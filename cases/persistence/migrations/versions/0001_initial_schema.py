"""Initial schema: cases and their parts, the append-only event log, case-number counters.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-27 21:15:53.457691
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


_APPEND_ONLY_SQLITE = (
    "CREATE TRIGGER case_events_no_{verb} BEFORE {verb_upper} ON case_events "
    "BEGIN SELECT RAISE(ABORT, 'the case event log is append-only'); END"
)
_APPEND_ONLY_POSTGRESQL = (
    ("CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'the case event log is append-only'; END $$"),
    ("CREATE TRIGGER case_events_append_only BEFORE UPDATE OR DELETE ON case_events "
    "FOR EACH ROW EXECUTE FUNCTION case_events_append_only()"),
)


def _protect_event_log() -> None:
    # The audit trail must not be rewritten, whatever code runs against the database.
    if op.get_bind().dialect.name == "postgresql":
        for statement in _APPEND_ONLY_POSTGRESQL:
            op.execute(statement)
    else:
        for verb in ("update", "delete"):
            op.execute(_APPEND_ONLY_SQLITE.format(verb=verb, verb_upper=verb.upper()))


def upgrade() -> None:
    op.create_table('case_number_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_sequence', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_number_counters'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('program', sa.Enum('net_metering', 'small_generator', name='program', native_enum=False, length=40), nullable=False),
    sa.Column('customer_class', sa.Enum('residential', 'non_residential', 'unknown', name='customerclass', native_enum=False, length=40), nullable=False),
    sa.Column('rule_version', sa.String(length=60), nullable=False),
    sa.Column('stage', sa.Enum('received', 'incomplete', 'complete', 'in_review', 'approved', 'approved_with_conditions', 'denied', 'agreement_executed', 'construction', 'local_inspection_passed', 'utility_inspection', 'meter_exchanged', 'billing_enrolled', 'closed', 'withdrawn', 'deemed_withdrawn', name='stage', native_enum=False, length=40), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=True),
    sa.Column('tier_reasons', sa.JSON(), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('signature_date', sa.Date(), nullable=True),
    sa.Column('fee_due_usd', sa.BigInteger(), nullable=True),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('deemed_complete_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_reasons', sa.JSON(), nullable=False),
    sa.Column('applicant_name', sa.String(length=300), nullable=True),
    sa.Column('applicant_email', sa.String(length=300), nullable=True),
    sa.Column('applicant_phone', sa.String(length=300), nullable=True),
    sa.Column('applicant_mailing_address', sa.String(length=300), nullable=True),
    sa.Column('site_address', sa.String(length=300), nullable=True),
    sa.Column('site_city', sa.String(length=300), nullable=True),
    sa.Column('site_state', sa.String(length=300), nullable=True),
    sa.Column('site_zip', sa.String(length=300), nullable=True),
    sa.Column('site_account_number', sa.String(length=300), nullable=True),
    sa.Column('site_meter_number', sa.String(length=300), nullable=True),
    sa.Column('installer_company', sa.String(length=300), nullable=True),
    sa.Column('installer_contact', sa.String(length=300), nullable=True),
    sa.Column('installer_email', sa.String(length=300), nullable=True),
    sa.Column('installer_phone', sa.String(length=300), nullable=True),
    sa.Column('installer_license', sa.String(length=300), nullable=True),
    sa.Column('facility_type', sa.String(length=40), nullable=True),
    sa.Column('facility_nameplate_kw_ac', sa.Float(), nullable=True),
    sa.Column('facility_nameplate_kw_dc', sa.Float(), nullable=True),
    sa.Column('facility_export_kw', sa.Float(), nullable=True),
    sa.Column('facility_inverter_manufacturer', sa.String(length=300), nullable=True),
    sa.Column('facility_inverter_model', sa.String(length=300), nullable=True),
    sa.Column('facility_inverter_quantity', sa.Integer(), nullable=True),
    sa.Column('facility_inverter_ul1741', sa.Boolean(), nullable=True),
    sa.Column('facility_storage_kwh', sa.Float(), nullable=True),
    sa.Column('facility_storage_kw', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_stage'), ['stage'], unique=False)

    op.create_table('case_clocks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('citation', sa.String(length=200), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('on_lapse', sa.String(length=30), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('running', 'met', 'lapsed', 'extended', name='clockstatus', native_enum=False, length=40), nullable=False),
    sa.Column('stopped_on', sa.Date(), nullable=True),
    sa.Column('original_due_on', sa.Date(), nullable=True),
    sa.Column('extended_by', sa.String(length=200), nullable=True),
    sa.Column('extension_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_clocks_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_clocks'))
    )
    with op.batch_alter_table('case_clocks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_clocks_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_case_clocks_status_due_on', ['status', 'due_on'], unique=False)

    op.create_table('case_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_documents_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_documents'))
    )
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_documents_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_documents_sha256'), ['sha256'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=80), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_events_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('case_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_by', sa.String(length=120), nullable=False),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_issues_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_issues'))
    )
    with op.batch_alter_table('case_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_issues_case_id'), ['case_id'], unique=False)

    op.create_table('case_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('review_meeting', 'site_visit', 'witness_test', 'options_meeting', 'scoping_meeting', name='meetingkind', native_enum=False, length=40), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=True),
    sa.Column('attendees', sa.JSON(), nullable=False),
    sa.Column('scheduled_by', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_meetings_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_meetings'))
    )
    with op.batch_alter_table('case_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_meetings_case_id'), ['case_id'], unique=False)

    op.create_table('case_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=998), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_messages_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_messages'))
    )
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_messages_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_messages_message_id'), ['message_id'], unique=False)

    op.create_table('case_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_notes_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_notes'))
    )
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_notes_case_id'), ['case_id'], unique=False)

    op.create_table('case_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('amount_usd', sa.BigInteger(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_payments_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_payments'))
    )
    with op.batch_alter_table('case_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_payments_case_id'), ['case_id'], unique=False)

    op.create_table('case_purchase_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('equipment', sa.String(length=200), nullable=False),
    sa.Column('po_number', sa.String(length=60), nullable=True),
    sa.Column('status', sa.Enum('requested', 'ordered', 'received', 'installed', 'cancelled', name='purchaseorderstatus', native_enum=False, length=40), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_purchase_orders_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_purchase_orders'))
    )
    with op.batch_alter_table('case_purchase_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_purchase_orders_case_id'), ['case_id'], unique=False)

    op.create_table('case_tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('team', sa.Enum('coordinator', 'protection', 'metering', 'billing', name='team', native_enum=False, length=40), nullable=False),
    sa.Column('kind', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('open', 'done', 'cancelled', name='taskstatus', native_enum=False, length=40), nullable=False),
    sa.Column('assignee', sa.String(length=120), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=120), nullable=True),
    sa.Column('advances_to', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_tasks_case_id_cases'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_tasks'))
    )
    with op.batch_alter_table('case_tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_tasks_case_id'), ['case_id'], unique=False)

    _protect_event_log()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER case_events_append_only ON case_events")
        op.execute("DROP FUNCTION case_events_append_only()")
    else:
        op.execute("DROP TRIGGER case_events_no_update")
        op.execute("DROP TRIGGER case_events_no_delete")
    with op.batch_alter_table('case_tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_tasks_case_id'))

    op.drop_table('case_tasks')
    with op.batch_alter_table('case_purchase_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_purchase_orders_case_id'))

    op.drop_table('case_purchase_orders')
    with op.batch_alter_table('case_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_payments_case_id'))

    op.drop_table('case_payments')
    with op.batch_alter_table('case_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_notes_case_id'))

    op.drop_table('case_notes')
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_messages_message_id'))
        batch_op.drop_index(batch_op.f('ix_case_messages_case_id'))

    op.drop_table('case_messages')
    with op.batch_alter_table('case_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_meetings_case_id'))

    op.drop_table('case_meetings')
    with op.batch_alter_table('case_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_issues_case_id'))

    op.drop_table('case_issues')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    with op.batch_alter_table('case_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_documents_sha256'))
        batch_op.drop_index(batch_op.f('ix_case_documents_case_id'))

    op.drop_table('case_documents')
    with op.batch_alter_table('case_clocks', schema=None) as batch_op:
        batch_op.drop_index('ix_case_clocks_status_due_on')
        batch_op.drop_index(batch_op.f('ix_case_clocks_case_id'))

    op.drop_table('case_clocks')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_stage'))
        batch_op.drop_index(batch_op.f('ix_cases_received_at'))

    op.drop_table('cases')
    op.drop_table('case_number_counters')
