"""Whose review flag: ``unit_reviews.coder`` (nullable).

A codeframe split takes code A from every coder who applied it, so each of them has to
choose the new code(s) for their own decision: the split flags (unit, coder) pairs, and one
coder's choice closes only their own flag. NULL keeps the old meaning (a re-import changed
the text: a flag of the answer that whoever looks at it closes). Adding a column is no
UPDATE of history; existing rows get NULL.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("unit_reviews", sa.Column("coder", sa.String(200), nullable=True))


def downgrade() -> None:
    op.drop_column("unit_reviews", "coder")
