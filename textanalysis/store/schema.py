"""Typed SQLAlchemy models: the tables behind :class:`textanalysis.store.Store`.

The schema itself is created and changed only by the Alembic migrations in
``textanalysis/migrations`` (so a user's database survives upgrades); these models
describe the head revision for queries and must stay in step with the migrations
(``tests/test_store_guarantees.py`` compares them).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    """Naive UTC: SQLite keeps no time zone, so both engines store the same wall time."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Survey(Base):
    """One wave of one survey (e.g. peiling 2022), and where it came from."""

    __tablename__ = "surveys"
    __table_args__ = (UniqueConstraint("survey", "wave", name="uq_surveys_survey_wave"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey: Mapped[str] = mapped_column(String(200))
    wave: Mapped[str] = mapped_column(String(100))
    source_name: Mapped[str | None] = mapped_column(String(500))
    source_sha256: Mapped[str | None] = mapped_column(String(64))
    masking: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Question(Base):
    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("survey_pk", "question_id", name="uq_questions_survey_qid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_pk: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    question_id: Mapped[str] = mapped_column(String(100))
    question_text: Mapped[str | None] = mapped_column(Text)


class Respondent(Base):
    __tablename__ = "respondents"
    __table_args__ = (
        UniqueConstraint("survey_pk", "respondent_id", name="uq_respondents_survey_rid"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_pk: Mapped[int] = mapped_column(ForeignKey("surveys.id"))
    respondent_id: Mapped[str] = mapped_column(String(200))
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Unit(Base):
    """One answer unit; ``original_text`` only when masking keeps originals."""

    __tablename__ = "units"
    __table_args__ = (
        UniqueConstraint("question_pk", "respondent_pk", "unit_index", name="uq_units_natural"),
        Index("ix_units_respondent", "respondent_pk"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_pk: Mapped[int] = mapped_column(ForeignKey("questions.id"))
    respondent_pk: Mapped[int] = mapped_column(ForeignKey("respondents.id"))
    unit_index: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    cell_text: Mapped[str | None] = mapped_column(Text)
    substantive: Mapped[bool] = mapped_column(Boolean)
    non_substantive_reason: Mapped[str | None] = mapped_column(String(200))
    original_text: Mapped[str | None] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))


class CodebookVersion(Base):
    """The YAML of a codebook as saved; decisions name its ``content_hash``."""

    __tablename__ = "codebooks"
    __table_args__ = (UniqueConstraint("content_hash", "question", name="uq_codebooks_hash_q"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    version_label: Mapped[str | None] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(String(100), default="")  # "" = not tied to one question
    content_hash: Mapped[str] = mapped_column(String(64))
    yaml_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Decision(Base):
    """Append-only history: never updated, never deleted."""

    __tablename__ = "decisions"
    __table_args__ = (
        Index("ix_decisions_unit_code_coder", "unit_id", "code", "coder", "id"),
        Index("ix_decisions_coder", "coder"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    code: Mapped[str] = mapped_column(String(200))
    coder: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float)
    codebook_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # why: the codeframe operation or bulk query that recorded it (revision 0005)
    reason: Mapped[str | None] = mapped_column(String(500))


class Memo(Base):
    __tablename__ = "memos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    code: Mapped[str | None] = mapped_column(String(200))
    coder: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class NlpCache(Base):
    __tablename__ = "nlp_cache"

    pipeline_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EmbeddingRow(Base):
    __tablename__ = "embeddings"

    embedder_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    text_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    dim: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Run(Base):
    """A suggestion or topic-model run: parameters and result, for reproducibility."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    result_json: Mapped[Any | None] = mapped_column(JSON)
    result_blob: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Assignment(Base):
    """Units assigned to a coder, e.g. the double-coding sample (revision 0002)."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("unit_id", "coder", "purpose", name="uq_assignments"),
        Index("ix_assignments_coder", "coder", "purpose"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    coder: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class UnitReview(Base):
    """A unit whose text a re-import replaced while it had decisions (revision 0004)."""

    __tablename__ = "unit_reviews"
    __table_args__ = (Index("ix_unit_reviews_unit", "unit_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    reason: Mapped[str] = mapped_column(String(50))
    old_text: Mapped[str | None] = mapped_column(Text)
    new_text: Mapped[str | None] = mapped_column(Text)
    source_name: Mapped[str | None] = mapped_column(String(500))
    # whose flag (revision 0006): a split flags each coder who applied the code; NULL: anyone's
    coder: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(200))


surveys = Survey.__table__
questions = Question.__table__
respondents = Respondent.__table__
units = Unit.__table__
codebooks = CodebookVersion.__table__
decisions = Decision.__table__
memos = Memo.__table__
nlp_cache = NlpCache.__table__
embeddings = EmbeddingRow.__table__
runs = Run.__table__
assignments = Assignment.__table__
unit_reviews = UnitReview.__table__
