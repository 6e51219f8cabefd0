"""Indexes for the read paths of digests, summaries and reports.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_case_clocks_stopped_on", "case_clocks", ["stopped_on"]),
    ("ix_case_clocks_original_due_on", "case_clocks", ["original_due_on"]),
    ("ix_cases_deemed_complete_at", "cases", ["deemed_complete_at"]),
    ("ix_cases_decided_at", "cases", ["decided_at"]),
    ("ix_case_events_action_case_id_at", "case_events", ["action", "case_id", "at"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
