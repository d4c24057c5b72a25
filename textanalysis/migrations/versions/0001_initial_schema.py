"""Initial schema: surveys, questions, respondents, units, codebooks, decisions, memos, caches, runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey", sa.String(200), nullable=False),
        sa.Column("wave", sa.String(100), nullable=False),
        sa.Column("source_name", sa.String(500)),
        sa.Column("source_sha256", sa.String(64)),
        sa.Column("masking", sa.String(50)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("survey", "wave", name="uq_surveys_survey_wave"),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_pk", sa.Integer, sa.ForeignKey("surveys.id"), nullable=False),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("question_text", sa.Text),
        sa.UniqueConstraint("survey_pk", "question_id", name="uq_questions_survey_qid"),
    )
    op.create_table(
        "respondents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("survey_pk", sa.Integer, sa.ForeignKey("surveys.id"), nullable=False),
        sa.Column("respondent_id", sa.String(200), nullable=False),
        sa.Column("attributes", sa.JSON, nullable=False),
        sa.UniqueConstraint("survey_pk", "respondent_id", name="uq_respondents_survey_rid"),
    )
    op.create_table(
        "units",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("question_pk", sa.Integer, sa.ForeignKey("questions.id"), nullable=False),
        sa.Column("respondent_pk", sa.Integer, sa.ForeignKey("respondents.id"), nullable=False),
        sa.Column("unit_index", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("cell_text", sa.Text),
        sa.Column("substantive", sa.Boolean, nullable=False),
        sa.Column("non_substantive_reason", sa.String(200)),
        sa.Column("original_text", sa.Text),
        sa.Column("text_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("question_pk", "respondent_pk", "unit_index", name="uq_units_natural"),
    )
    op.create_index("ix_units_respondent", "units", ["respondent_pk"])
    op.create_table(
        "codebooks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version_label", sa.String(100)),
        sa.Column("question", sa.String(100), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("yaml_text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("content_hash", "question", name="uq_codebooks_hash_q"),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id"), nullable=False),
        sa.Column("code", sa.String(200), nullable=False),
        sa.Column("coder", sa.String(200), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("score", sa.Float),
        sa.Column("codebook_version", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_decisions_unit_code_coder", "decisions", ["unit_id", "code", "coder", "id"])
    op.create_table(
        "memos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("unit_id", sa.Integer, sa.ForeignKey("units.id")),
        sa.Column("code", sa.String(200)),
        sa.Column("coder", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "nlp_cache",
        sa.Column("pipeline_key", sa.String(200), primary_key=True),
        sa.Column("text_hash", sa.String(64), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "embeddings",
        sa.Column("embedder_key", sa.String(200), primary_key=True),
        sa.Column("text_hash", sa.String(64), primary_key=True),
        sa.Column("dim", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("result_json", sa.JSON),
        sa.Column("result_blob", sa.LargeBinary),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "runs",
        "embeddings",
        "nlp_cache",
        "memos",
        "decisions",
        "codebooks",
        "units",
        "respondents",
        "questions",
        "surveys",
    ):
        op.drop_table(table)
