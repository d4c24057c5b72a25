"""Assignments (double-coding samples) and an index for per-coder queries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("coder", sa.String(200), nullable=False),
        sa.Column("purpose", sa.String(50), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("unit_id", "coder", "purpose", name="uq_assignments"),
    )
    op.create_index("ix_assignments_coder", "assignments", ["coder", "purpose"])
    op.create_index("ix_decisions_coder", "decisions", ["coder"])


def downgrade() -> None:
    op.drop_index("ix_decisions_coder", table_name="decisions")
    op.drop_index("ix_assignments_coder", table_name="assignments")
    op.drop_table("assignments")
