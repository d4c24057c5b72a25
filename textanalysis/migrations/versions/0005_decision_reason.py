"""Why a decision was recorded: ``decisions.reason`` (nullable text).

Codeframe operations (merge, split, rename, ...) and bulk coding record new decisions that
carry the decisions along; ``reason`` says which operation or query made them, e.g.
``merge A -> B`` or ``bulk #12: "wachtlijst" AND NOT ggz``. Adding a column is no UPDATE:
the append-only triggers stay as they are, existing rows get NULL.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("decisions", sa.Column("reason", sa.String(500), nullable=True))


def downgrade() -> None:
    op.drop_column("decisions", "reason")  # SQLite 3.35+ drops a column in place
