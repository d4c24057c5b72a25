"""Review flags: units whose text a re-import replaced while they carried coding decisions.

Decisions are append-only and never touched; a flag tells coders that the text under their
decisions changed (``reason`` 'text changed' or 'removed from the answer', with the old and
new text) until someone marks it reviewed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unit_reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("reason", sa.String(50), nullable=False),
        sa.Column("old_text", sa.Text, nullable=True),
        sa.Column("new_text", sa.Text, nullable=True),
        sa.Column("source_name", sa.String(500), nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("reviewed_at", sa.DateTime, nullable=True),
        sa.Column("reviewed_by", sa.String(200), nullable=True),
    )
    op.create_index("ix_unit_reviews_unit", "unit_reviews", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_unit_reviews_unit", table_name="unit_reviews")
    op.drop_table("unit_reviews")
