"""Covering indexes for the manager summary: the open queue by stage, tier and program, and
the clocks stopped in a period by status, read from the index alone.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_stage_tier_program", "cases", ["stage", "tier", "program"])
    # The new index starts with stopped_on, so it serves every query the old one did.
    op.create_index("ix_case_clocks_stopped_on_status", "case_clocks", ["stopped_on", "status"])
    op.drop_index("ix_case_clocks_stopped_on", table_name="case_clocks")


def downgrade() -> None:
    op.create_index("ix_case_clocks_stopped_on", "case_clocks", ["stopped_on"])
    op.drop_index("ix_case_clocks_stopped_on_status", table_name="case_clocks")
    op.drop_index("ix_cases_stage_tier_program", table_name="cases")
