# Long on purpose: the Store is the one repository API (docs/architecture.md); its methods share one engine and transaction rules. Import and backup live in _import.py and backup.py.
"""The :class:`Store` repository: every read and write of the database goes through it."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import ColumnElement, Select

from ..errors import Errors, StoreError
from ..ingest import RESERVED_COLUMNS
from ..ingest import UNIT_COLUMNS as INGEST_COLUMNS
from . import backup
from . import engine as eng
from . import schema as t
from ._import import (
    ChangeReport,
    check_on_change,
    prepare_import,
    preview_import,
    write_import,
)
from ._util import (
    check_decision,
    check_reason,
    check_score,
    check_source,
    check_unit_id,
    check_units_exist,
    chunks,
    clean_name,
    insert_ignore,
    jsonable,
    unknown_unit_error,
)
from .schema import utcnow
from .undo import UNDO_LIKE, drop_undone, kept_condition, undone_actions

UNIT_COLUMNS = ["unit_id", *INGEST_COLUMNS, "wave", "survey"]
DECISION_COLUMNS = [
    "decision_id",
    "unit_id",
    "code",
    "coder",
    "decision",
    "source",
    "score",
    "codebook_version",
    "created_at",
    "reason",
]
CURRENT_COLUMNS = ["unit_id", "code", "coder", "source", "score", "created_at"]
MEMO_COLUMNS = ["memo_id", "unit_id", "code", "coder", "text", "created_at"]


class Store:
    """Repository over one SQLite file or PostgreSQL database (see the package docstring)."""

    def __init__(self, url: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> None:
        self.url = eng.resolve(url)
        self.engine = eng.create(self.url)
        self._parsed_codebooks: dict[tuple[str, str], Any] = {}
        if migrate:
            try:
                eng.upgrade(self.engine)
            except BaseException:
                self.engine.dispose()
                raise

    # --- lifecycle --------------------------------------------------------------------
    @staticmethod
    def resolve(db: str | os.PathLike[str] | None = None) -> str:
        """The database URL for --db / $DATABASE_URL / $TEXTANALYSIS_DB / ./textanalysis.db."""
        return eng.resolve(db)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({eng.display_url(self.url)!r})"

    def schema_revision(self) -> str | None:
        return eng.current_revision(self.engine)

    def _write(self):
        return eng.write_transaction(self.engine)

    def _read(self, query: Select, columns: list[str] | None = None) -> pd.DataFrame:
        with eng.read_connection(self.engine) as conn:
            res = conn.execute(query)
            rows = res.fetchall()
            cols = list(res.keys())
        frame = pd.DataFrame.from_records(rows, columns=cols)
        return frame[columns] if columns else frame

    # --- import -----------------------------------------------------------------------
    def import_result(
        self,
        result: Any,
        survey: str,
        wave: str,
        masking: str | None = None,
        on_change: str = "stop",
    ) -> dict[str, Any]:
        """Store an IngestResult in one transaction; units already stored are skipped.

        Answers that differ from the stored ones are never changed silently: ``on_change``
        ``"stop"`` raises [I026] (an ImportChangeError carrying the ChangeReport), ``"replace"``
        stores the new text and flags units with decisions for review (see
        ``units_needing_review``), ``"new-wave"`` only imports into a wave that does not exist
        yet ([I027]). Survey, wave and question ids are matched case-insensitively (the stored
        spelling wins; ``notices`` says so).

        Returns respondents, units, non_substantive, duplicates (of the file), new_units,
        new_respondents, skipped_units, changed_units, changed_answers, replaced_units,
        flagged_for_review, missing_respondents, notices, changes (the ChangeReport), survey,
        wave (as stored) and created (True when anything was stored or replaced).
        """
        check_on_change(on_change)
        # before the write lock; a re-import masks only answers that differ from the stored ones
        prepared = prepare_import(result, survey, str(wave), masking, self.engine)
        with self._write() as conn:
            return write_import(conn, prepared, on_change)

    def import_changes(
        self, result: Any, survey: str, wave: str, masking: str | None = None
    ) -> ChangeReport:
        """What importing ``result`` would change, without writing (for a preview)."""
        prepared = prepare_import(result, survey, str(wave), masking, self.engine)
        with eng.read_connection(self.engine) as conn:
            return preview_import(conn, prepared)

    def units_needing_review(
        self,
        survey: str | None = None,
        question: str | None = None,
        wave: str | None = None,
        *,
        coder: str | None = None,
        include_reviewed: bool = False,
    ) -> pd.DataFrame:
        """Units flagged for review (not yet reviewed): a re-import replaced their text while
        they had decisions, or a codeframe split took their code (``flag_for_review``).

        Columns: review_id, unit_id, survey, wave, question_id, respondent_id, reason ('text
        changed' | 'removed from the answer' | 'split:CODE'), old_text, new_text, source_name
        (the file, or what to do), coder (whose flag; None: anyone's), created_at,
        reviewed_at, reviewed_by. ``coder``: only the flags that coder has to review (their
        own and anyone's). The decisions themselves are untouched.
        """
        rv = t.unit_reviews
        query = (
            select(
                rv.c.id.label("review_id"),
                rv.c.unit_id,
                t.surveys.c.survey,
                t.surveys.c.wave,
                t.questions.c.question_id,
                t.respondents.c.respondent_id,
                rv.c.reason,
                rv.c.old_text,
                rv.c.new_text,
                rv.c.source_name,
                rv.c.coder,
                rv.c.created_at,
                rv.c.reviewed_at,
                rv.c.reviewed_by,
            )
            .select_from(
                self._unit_join(rv.join(t.units, rv.c.unit_id == t.units.c.id)).join(
                    t.respondents, t.units.c.respondent_pk == t.respondents.c.id
                )
            )
            .where(*self._scope(survey, question, wave))
            .order_by(rv.c.id)
        )
        if not include_reviewed:
            query = query.where(rv.c.reviewed_at.is_(None))
        if coder is not None:
            query = query.where(or_(rv.c.coder.is_(None), rv.c.coder == coder))
        return self._read(query)

    def flag_for_review(
        self,
        unit_ids: Iterable[int],
        reason: str,
        note: str | None = None,
        *,
        coder: str | None = None,
    ) -> int:
        """Flag units for review (e.g. ``reason='split:A'`` after a codeframe split; ``note``
        says what to do; ``coder``: whose flag it is, None: anyone's). A unit with an open flag
        of the same reason and coder is not flagged twice. Returns how many flags were added."""
        reason = clean_name(reason, "review reason")[:50]
        who = clean_name(coder, "coder name") if coder is not None else None
        ids = sorted({check_unit_id(i) for i in unit_ids})
        rv = t.unit_reviews
        now = utcnow()
        same_coder = rv.c.coder.is_(None) if who is None else rv.c.coder == who
        with self._write() as conn:
            check_units_exist(conn, t.units, ids)
            open_ = set()
            for part in chunks(ids):
                open_ |= set(
                    conn.scalars(
                        select(rv.c.unit_id).where(
                            rv.c.unit_id.in_(part),
                            rv.c.reason == reason,
                            same_coder,
                            rv.c.reviewed_at.is_(None),
                        )
                    )
                )
            rows = [
                {"unit_id": i, "reason": reason, "source_name": note, "coder": who}
                | {"created_at": now}
                for i in ids
                if i not in open_
            ]
            if rows:
                conn.execute(rv.insert(), rows)
        return len(rows)

    def mark_reviewed(self, unit_ids: Iterable[int], coder: str, reason: str | None = None) -> int:
        """Close ``coder``'s open review flags of these units (their own and anyone's; only
        those with ``reason`` when given); another coder's flags stay open. Returns how many
        were closed."""
        coder = clean_name(coder, "coder name")
        ids = sorted({check_unit_id(i) for i in unit_ids})
        rv = t.unit_reviews
        n = 0
        with self._write() as conn:
            for part in chunks(ids):
                cond = [
                    rv.c.unit_id.in_(part),
                    rv.c.reviewed_at.is_(None),
                    or_(rv.c.coder.is_(None), rv.c.coder == coder),
                ]
                if reason is not None:
                    cond.append(rv.c.reason == reason[:50])
                res = conn.execute(
                    rv.update().where(*cond).values(reviewed_at=utcnow(), reviewed_by=coder)
                )
                n += res.rowcount or 0
        return n

    # --- scope helpers ----------------------------------------------------------------
    def _check_scope(
        self, survey: str | None, question: str | None = None, wave: str | None = None
    ) -> None:
        """[S006]/[S007] when the survey, wave or question is not in the database."""
        if survey is None and question is None and wave is None:
            return
        with eng.read_connection(self.engine) as conn:
            rows = conn.execute(
                select(t.surveys.c.survey, t.surveys.c.wave, t.questions.c.question_id).outerjoin(
                    t.questions, t.questions.c.survey_pk == t.surveys.c.id
                )
            ).all()
        if survey is not None and not any(r[0] == survey for r in rows):
            known = sorted({r[0] for r in rows})
            raise StoreError(
                Errors.S006,
                survey=survey,
                known=", ".join(known) or "(none: import one first)",
            )
        scoped = [r for r in rows if survey is None or r[0] == survey]
        if wave is not None and not any(r[1] == str(wave) for r in scoped):
            known = sorted({r[1] for r in scoped})
            raise StoreError(
                Errors.S030,
                wave=wave,
                survey=survey or "(any)",
                known=", ".join(known) or "(none)",
            )
        scoped = [r for r in scoped if wave is None or r[1] == str(wave)]
        if question is not None and not any(r[2] == question for r in scoped):
            known = sorted({r[2] for r in scoped if r[2] is not None})
            raise StoreError(
                Errors.S007,
                question=question,
                survey=survey or "(any)",
                wave=f" wave {wave}" if wave is not None else "",
                known=", ".join(known) or "(none)",
            )

    @staticmethod
    def _scope(
        survey: str | None, question: str | None, wave: str | None
    ) -> list[ColumnElement[bool]]:
        cond: list[ColumnElement[bool]] = []
        if survey is not None:
            cond.append(t.surveys.c.survey == survey)
        if question is not None:
            cond.append(t.questions.c.question_id == question)
        if wave is not None:
            cond.append(t.surveys.c.wave == str(wave))
        return cond

    @staticmethod
    def _unit_join(base):
        return base.join(t.questions, t.units.c.question_pk == t.questions.c.id).join(
            t.surveys, t.questions.c.survey_pk == t.surveys.c.id
        )

    # --- overviews --------------------------------------------------------------------
    def surveys(self) -> pd.DataFrame:
        """One row per survey wave: survey, wave, questions, respondents, units (+ masking, source)."""
        s = t.surveys
        n_q = select(func.count()).where(t.questions.c.survey_pk == s.c.id).scalar_subquery()
        n_r = select(func.count()).where(t.respondents.c.survey_pk == s.c.id).scalar_subquery()
        n_u = (
            select(func.count())
            .select_from(t.units.join(t.questions, t.units.c.question_pk == t.questions.c.id))
            .where(t.questions.c.survey_pk == s.c.id)
            .scalar_subquery()
        )
        query = select(
            s.c.survey,
            s.c.wave,
            n_q.label("questions"),
            n_r.label("respondents"),
            n_u.label("units"),
            s.c.masking,
            s.c.source_name,
            s.c.created_at,
        ).order_by(s.c.survey, s.c.wave)
        return self._read(query)

    def questions(self, survey: str | None = None, wave: str | None = None) -> pd.DataFrame:
        """survey, wave, question_id, question_text, units, substantive_units, respondents."""
        self._check_scope(survey, None, wave)
        u = t.units
        query = (
            select(
                t.surveys.c.survey,
                t.surveys.c.wave,
                t.questions.c.question_id,
                t.questions.c.question_text,
                func.count(u.c.id).label("units"),
                func.coalesce(func.sum(case((u.c.substantive.is_(True), 1), else_=0)), 0).label(
                    "substantive_units"
                ),
                func.count(func.distinct(u.c.respondent_pk)).label("respondents"),
            )
            .select_from(
                t.questions.join(t.surveys, t.questions.c.survey_pk == t.surveys.c.id).outerjoin(
                    u, u.c.question_pk == t.questions.c.id
                )
            )
            .where(*self._scope(survey, None, wave))
            .group_by(
                t.surveys.c.survey,
                t.surveys.c.wave,
                t.questions.c.question_id,
                t.questions.c.question_text,
                t.questions.c.id,
            )
            .order_by(t.surveys.c.survey, t.surveys.c.wave, t.questions.c.id)
        )
        frame = self._read(query)
        for col in ("units", "substantive_units", "respondents"):
            frame[col] = frame[col].astype("int64")
        return frame

    # --- units and respondents ----------------------------------------------------------
    def units(
        self,
        survey: str,
        question: str,
        wave: str | None = None,
        *,
        substantive: bool | None = None,
        uncoded_by: str | None = None,
        coded_by: str | None = None,
        code: str | None = None,
        unit_ids: Iterable[int] | None = None,
        include_original: bool = False,
        _assigned: tuple[str, str] | None = None,
    ) -> pd.DataFrame:
        """Answer units of one question, sorted by unit_id (import order).

        ``coded_by``/``uncoded_by``: units with / without any decision by that coder.
        ``code``: units whose current codes include ``code`` (by ``coded_by`` when given,
        else by any coder).
        """
        self._check_scope(survey, question, wave)
        u, d = t.units, t.decisions
        cols = [
            u.c.id.label("unit_id"),
            t.respondents.c.respondent_id,
            t.questions.c.question_id,
            u.c.unit_index,
            u.c.text,
            u.c.cell_text,
            u.c.substantive,
            u.c.non_substantive_reason,
            t.surveys.c.wave,
            t.surveys.c.survey,
            t.respondents.c.attributes,
        ]
        if include_original:
            cols.append(u.c.original_text)
        query = select(*cols).select_from(
            self._unit_join(u).join(t.respondents, u.c.respondent_pk == t.respondents.c.id)
        )
        cond = self._scope(survey, question, wave)
        if substantive is not None:
            cond.append(u.c.substantive.is_(bool(substantive)))
        # IN (subquery) rather than a correlated EXISTS: SQLite builds the coder's unit set
        # once instead of scanning that coder's decisions for every unit.
        if uncoded_by is not None:
            cond.append(u.c.id.not_in(self._looked_at(uncoded_by)))
        if coded_by is not None:
            cond.append(u.c.id.in_(self._looked_at(coded_by)))
        if code is not None:
            cond.append(u.c.id.in_(self._current([d.c.unit_id], coder=coded_by, code=code)))
        if _assigned is not None:
            a = t.assignments
            cond.append(
                u.c.id.in_(
                    select(a.c.unit_id).where(
                        a.c.coder == _assigned[0], a.c.purpose == _assigned[1]
                    )
                )
            )
        if unit_ids is not None:
            cond.append(u.c.id.in_(_id_list(unit_ids)))
        frame = self._read(query.where(*cond).order_by(u.c.id))
        return _expand_attributes(
            frame, UNIT_COLUMNS + (["original_text"] if include_original else [])
        )

    def respondents(self, survey: str, wave: str | None = None) -> pd.DataFrame:
        """respondent_id, wave, survey and one column per attribute."""
        self._check_scope(survey, None, wave)
        r = t.respondents
        query = (
            select(r.c.respondent_id, t.surveys.c.wave, t.surveys.c.survey, r.c.attributes)
            .select_from(r.join(t.surveys, r.c.survey_pk == t.surveys.c.id))
            .where(*self._scope(survey, None, wave))
            .order_by(r.c.id)
        )
        return _expand_attributes(self._read(query), ["respondent_id", "wave", "survey"])

    # --- decisions --------------------------------------------------------------------
    def record_decision(
        self,
        unit_id: int,
        code: str,
        coder: str,
        decision: str = "applied",
        source: str = "manual",
        score: float | None = None,
        codebook_version: str | None = None,
        reason: str | None = None,
    ) -> int:
        """Append one decision and commit it; returns its decision_id."""
        row = _decision_row(
            {
                "unit_id": unit_id,
                "code": code,
                "coder": coder,
                "decision": decision,
                "source": source,
                "score": score,
                "codebook_version": codebook_version,
                "reason": reason,
            }
        )
        try:
            with self._write() as conn:
                return int(conn.execute(t.decisions.insert().values(**row)).inserted_primary_key[0])
        except IntegrityError:  # the only constraint left to fail: the unit's foreign key
            raise unknown_unit_error(row["unit_id"]) from None

    def record_decisions(self, rows: Sequence[dict[str, Any]]) -> int:
        """Append many decisions in one transaction (all or none); returns how many."""
        now = utcnow()
        clean = []
        for i, raw in enumerate(rows):
            try:
                clean.append(_decision_row(raw, now))
            except StoreError as exc:
                raise StoreError.rendered(exc.code, f"Decision row {i}: {exc.message}") from None
        if not clean:
            return 0
        with self._write() as conn:
            check_units_exist(conn, t.units, [r["unit_id"] for r in clean])
            for part in chunks(clean, 5000):
                conn.execute(t.decisions.insert(), list(part))
        return len(clean)

    def _looked_at(self, coder: str) -> Select:
        """The unit ids ``coder`` decided, without undone bulk actions (a subquery)."""
        d = t.decisions
        with eng.read_connection(self.engine) as conn:
            reasons = conn.scalars(
                select(d.c.reason).where(d.c.coder == coder, d.c.reason.like(UNDO_LIKE)).distinct()
            ).all()
        kept = kept_condition(d.c.reason, undone_actions(reasons))
        return select(d.c.unit_id).where(d.c.coder == coder, *kept)

    def _decision_query(
        self,
        cols: list,
        *,
        survey: str | None = None,
        question: str | None = None,
        wave: str | None = None,
        coder: str | None = None,
        unit_ids: Iterable[int] | None = None,
    ) -> Select:
        d = t.decisions
        query = select(*cols)
        cond = []
        if survey is not None or question is not None or wave is not None:
            query = query.select_from(
                d.join(t.units, d.c.unit_id == t.units.c.id)
                .join(t.questions, t.units.c.question_pk == t.questions.c.id)
                .join(t.surveys, t.questions.c.survey_pk == t.surveys.c.id)
            )
            cond += self._scope(survey, question, wave)
        if coder is not None:
            cond.append(d.c.coder == coder)
        if unit_ids is not None:
            cond.append(d.c.unit_id.in_(_id_list(unit_ids)))
        return query.where(*cond)

    def _current(self, cols: list, *, code: str | None = None, **scope: Any) -> Select:
        """``cols`` of the current applied decisions in scope (``scope``: the keywords of
        :meth:`_decision_query`): per (unit, code, coder) the decision with the highest
        decision_id, kept when it is 'applied'."""
        d = t.decisions
        latest = self._decision_query([func.max(d.c.id).label("id")], **scope)
        if code is not None:
            latest = latest.where(d.c.code == code)
        latest = latest.group_by(d.c.unit_id, d.c.code, d.c.coder).subquery()
        return (
            select(*cols)
            .select_from(d.join(latest, d.c.id == latest.c.id))
            .where(d.c.decision == "applied")
        )

    def decisions(
        self,
        *,
        survey: str | None = None,
        question: str | None = None,
        wave: str | None = None,
        coder: str | None = None,
        unit_ids: Iterable[int] | None = None,
        include_auto: bool = True,
        include_undone: bool = False,
        recorded_before: Any = None,
    ) -> pd.DataFrame:
        """The decisions in the order they were recorded; with ``include_undone`` the full,
        append-only history. Without it the decisions of undone bulk actions are left out
        (the bulk ones and the undo ones: together they changed nothing), so "the coder
        decided this answer" means a real look at it. ``recorded_before`` (a timestamp): the
        decisions as they stood then (an undo recorded later does not count)."""
        scope = dict(survey=survey, question=question, wave=wave, coder=coder, unit_ids=unit_ids)
        history = self._read_decisions(scope, include_auto, current=False)
        if recorded_before is not None:
            history = history[history["created_at"] < pd.Timestamp(recorded_before)]
        return history if include_undone else drop_undone(history).reset_index(drop=True)

    def current_codes(
        self,
        *,
        survey: str | None = None,
        question: str | None = None,
        wave: str | None = None,
        coder: str | None = None,
        unit_ids: Iterable[int] | None = None,
        include_auto: bool = True,
    ) -> pd.DataFrame:
        """Current codes: per (unit, code, coder) the last decision (highest decision_id) wins;
        rows where it is 'applied'. Coders never overwrite each other."""
        scope = dict(survey=survey, question=question, wave=wave, coder=coder, unit_ids=unit_ids)
        return self._read_decisions(scope, include_auto, current=True)

    def _read_decisions(
        self, scope: dict[str, Any], include_auto: bool, *, current: bool
    ) -> pd.DataFrame:
        """decisions() (current=False: every decision, by decision_id) and current_codes()
        (the current applied ones, by unit, coder and code); without source 'auto' unless
        ``include_auto`` (for current codes: after the last decision was picked)."""
        d = t.decisions
        if current:
            columns = CURRENT_COLUMNS
            query = self._current([d.c[c] for c in columns], **scope)
            order = [d.c.unit_id, d.c.coder, d.c.code]
        else:
            columns = DECISION_COLUMNS
            cols = [d.c.id.label("decision_id"), *[d.c[c] for c in columns[1:]]]
            query = self._decision_query(cols, **scope)
            order = [d.c.id]
        if not include_auto:
            query = query.where(d.c.source != "auto")
        return _typed_decisions(self._read(query.order_by(*order), columns))

    def coders(
        self, question: str | None = None, survey: str | None = None, wave: str | None = None
    ) -> list[str]:
        """Names of everyone who recorded a decision (in scope), sorted."""
        d = t.decisions
        query = self._decision_query(
            [d.c.coder], survey=survey, question=question, wave=wave, coder=None, unit_ids=None
        ).distinct()
        with eng.read_connection(self.engine) as conn:
            return sorted(conn.scalars(query))

    def progress(self, survey: str, question: str, wave: str | None = None) -> pd.DataFrame:
        """Per coder: coded_units (substantive units with any decision by the coder, undone
        bulk actions left out), substantive_units and fraction."""
        self._check_scope(survey, question, wave)
        u, d = t.units, t.decisions
        scope = self._scope(survey, question, wave)
        with eng.read_connection(self.engine) as conn:
            total = conn.scalar(
                select(func.count())
                .select_from(self._unit_join(u))
                .where(*scope, u.c.substantive.is_(True))
            )
            rows = conn.execute(
                select(d.c.coder, d.c.unit_id, d.c.reason)
                .select_from(self._unit_join(d.join(u, d.c.unit_id == u.c.id)))
                .where(*scope, u.c.substantive.is_(True))
                .order_by(d.c.id)
            ).all()
        dec = drop_undone(pd.DataFrame(rows, columns=["coder", "unit_id", "reason"]))
        counts = dec.groupby("coder")["unit_id"].nunique().sort_index()
        frame = pd.DataFrame({"coder": counts.index.astype(str), "coded_units": counts.values})
        frame["coded_units"] = frame["coded_units"].astype("int64")
        frame["substantive_units"] = int(total or 0)
        frame["fraction"] = (frame["coded_units"] / total) if total else 0.0
        return frame

    # --- memos ------------------------------------------------------------------------
    def add_memo(
        self, text: str, coder: str, unit_id: int | None = None, code: str | None = None
    ) -> int:
        """A note on an answer, a code, or both; returns memo_id."""
        if text is None or not str(text).strip():
            raise StoreError(Errors.S016)
        coder = clean_name(coder, "coder name")
        uid = None if unit_id is None else check_unit_id(unit_id)
        with self._write() as conn:
            if uid is not None:
                check_units_exist(conn, t.units, [uid])
            res = conn.execute(
                t.memos.insert().values(
                    unit_id=uid, code=code, coder=coder, text=str(text), created_at=utcnow()
                )
            )
            return int(res.inserted_primary_key[0])

    def memos(
        self,
        *,
        unit_id: int | None = None,
        code: str | None = None,
        coder: str | None = None,
        survey: str | None = None,
        question: str | None = None,
        wave: str | None = None,
    ) -> pd.DataFrame:
        """Memos, oldest first. A survey/question scope keeps unit memos in scope and all
        memos not tied to a unit (code memos)."""
        m = t.memos
        query = select(m.c.id.label("memo_id"), *[m.c[c] for c in MEMO_COLUMNS[1:]])
        cond = []
        if unit_id is not None:
            cond.append(m.c.unit_id == check_unit_id(unit_id))
        if code is not None:
            cond.append(m.c.code == code)
        if coder is not None:
            cond.append(m.c.coder == coder)
        scope = self._scope(survey, question, wave)
        if scope:
            in_scope = select(t.units.c.id).select_from(self._unit_join(t.units)).where(*scope)
            cond.append(or_(m.c.unit_id.is_(None), m.c.unit_id.in_(in_scope)))
        frame = self._read(query.where(*cond).order_by(m.c.id), MEMO_COLUMNS)
        frame["unit_id"] = frame["unit_id"].astype("Int64")
        return frame

    # --- codebooks --------------------------------------------------------------------
    def save_codebook(self, codebook: Any, question: str | None = None) -> str:
        """Store this codebook version (idempotent); returns its content hash."""
        from ..codebook import Codebook

        if not isinstance(codebook, Codebook):
            raise StoreError(
                Errors.S042,
                codebook_type=type(codebook).__name__,
            )
        version = codebook.content_hash
        row = {
            "name": codebook.name,
            "version_label": codebook.version,
            "question": question or "",
            "content_hash": version,
            "yaml_text": codebook.to_yaml(),
            "created_at": utcnow(),
        }
        with self._write() as conn:
            insert_ignore(conn, t.codebooks, [row])
        return version

    def codebooks(self, question: str | None = None) -> pd.DataFrame:
        """Saved versions, oldest first: codebook_id, version (hash), name, version_label,
        question (None when not tied to one), created_at."""
        c = t.codebooks
        query = select(
            c.c.id.label("codebook_id"),
            c.c.content_hash.label("version"),
            c.c.name,
            c.c.version_label,
            c.c.question,
            c.c.created_at,
        ).order_by(c.c.id)
        if question is not None:
            query = query.where(c.c.question == question)
        frame = self._read(query)
        frame["question"] = pd.Series(
            [q or None for q in frame["question"]], index=frame.index, dtype=object
        )
        return frame

    def load_codebook(self, version: str | None = None, question: str | None = None) -> Any:
        """The codebook by version hash, else the latest for ``question`` (a codebook saved
        without a question counts when it lists the question), else the latest saved."""
        from ..codebook import parse_codebook

        c = t.codebooks
        query = select(c.c.content_hash, c.c.question, c.c.yaml_text).order_by(c.c.id.desc())
        if version is not None:
            query = query.where(c.c.content_hash == version)
        with eng.read_connection(self.engine) as conn:
            rows = conn.execute(query).all()

        def parse(row) -> Any:  # noqa: ANN001
            # a stored version never changes: parse and validate its text once per Store
            # (~45 ms for 40 codes, on every page run otherwise)
            cache = self._parsed_codebooks
            key = (row.content_hash, row.yaml_text)
            found = cache.get(key)
            if found is None:
                found = parse_codebook(row.yaml_text, f"stored codebook {row.content_hash}")
                if len(cache) >= 64:
                    cache.clear()
                cache[key] = found
            return found

        if question is not None:
            exact = [r for r in rows if r.question == question]
            if not exact:  # the latest codebook saved without a question that lists it
                for r in rows:
                    if r.question == "" and question in (codebook := parse(r)).questions:
                        return codebook
            rows = exact
        if not rows:
            what = f"version '{version}'" if version else "any version"
            where = f" for question '{question}'" if question else ""
            raise StoreError(
                Errors.S011,
                what=what,
                where=where,
            )
        return parse(rows[0])

    # --- caches -----------------------------------------------------------------------
    def nlp_get(self, pipeline_key: str, hashes: Sequence[str]) -> dict[str, bytes]:
        n = t.nlp_cache
        out: dict[str, bytes] = {}
        with eng.read_connection(self.engine) as conn:
            for part in chunks(list(dict.fromkeys(hashes))):
                out.update(
                    conn.execute(
                        select(n.c.text_hash, n.c.data).where(
                            n.c.pipeline_key == pipeline_key, n.c.text_hash.in_(part)
                        )
                    ).all()
                )
        return {k: bytes(v) for k, v in out.items()}

    def nlp_put(self, pipeline_key: str, items: dict[str, bytes]) -> None:
        rows = [
            {"pipeline_key": pipeline_key, "text_hash": h, "data": bytes(b)}
            for h, b in items.items()
        ]
        with self._write() as conn:
            insert_ignore(conn, t.nlp_cache, rows)

    def embeddings_get(self, embedder_key: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        e = t.embeddings
        out: dict[str, np.ndarray] = {}
        with eng.read_connection(self.engine) as conn:
            for part in chunks(list(dict.fromkeys(hashes))):
                for h, dim, data in conn.execute(
                    select(e.c.text_hash, e.c.dim, e.c.data).where(
                        e.c.embedder_key == embedder_key, e.c.text_hash.in_(part)
                    )
                ):
                    out[h] = np.frombuffer(bytes(data), dtype=np.float32, count=dim).copy()
        return out

    def embeddings_put(self, embedder_key: str, vectors: dict[str, np.ndarray]) -> None:
        rows = []
        for h, vec in vectors.items():
            arr = np.ascontiguousarray(np.asarray(vec, dtype=np.float32).ravel())
            rows.append(
                {
                    "embedder_key": embedder_key,
                    "text_hash": h,
                    "dim": arr.size,
                    "data": arr.tobytes(),
                }
            )
        with self._write() as conn:
            insert_ignore(conn, t.embeddings, rows)

    # --- runs -------------------------------------------------------------------------
    def record_run(self, kind: str, params: dict[str, Any], result: Any = None) -> int:
        """Keep a suggestion or topic-model run (parameters and result); returns run_id."""
        kind = clean_name(kind, "run kind")
        try:
            params_json = jsonable(params or {})
            result_json = None if result is None or isinstance(result, bytes) else jsonable(result)
        except (TypeError, ValueError) as exc:
            raise StoreError(
                Errors.S018,
                kind=kind,
                exc=exc,
            ) from None
        blob = bytes(result) if isinstance(result, bytes) else None
        with self._write() as conn:
            res = conn.execute(
                t.runs.insert().values(
                    kind=kind,
                    params=params_json,
                    result_json=result_json,
                    result_blob=blob,
                    created_at=utcnow(),
                )
            )
            return int(res.inserted_primary_key[0])

    def runs(self, kind: str | None = None) -> pd.DataFrame:
        r = t.runs
        query = select(r.c.id.label("run_id"), r.c.kind, r.c.params, r.c.created_at).order_by(
            r.c.id
        )
        if kind is not None:
            query = query.where(r.c.kind == kind)
        return self._read(query, ["run_id", "kind", "params", "created_at"])

    def load_run(self, run_id: int) -> dict[str, Any]:
        r = t.runs
        with eng.read_connection(self.engine) as conn:
            row = conn.execute(select(r).where(r.c.id == int(run_id))).first()
        if row is None:
            raise StoreError(Errors.S012, run_id=run_id)
        result = bytes(row.result_blob) if row.result_blob is not None else row.result_json
        return {
            "run_id": row.id,
            "kind": row.kind,
            "params": row.params,
            "result": result,
            "created_at": row.created_at,
        }

    # --- assignments (double coding) ----------------------------------------------------
    def assign_units(self, unit_ids: Iterable[int], coder: str, purpose: str = "double") -> int:
        """Assign units to a coder (idempotent); returns how many were newly assigned."""
        coder = clean_name(coder, "coder name")
        purpose = clean_name(purpose, "assignment purpose")
        ids = list(dict.fromkeys(check_unit_id(i) for i in unit_ids))
        now = utcnow()
        with self._write() as conn:
            check_units_exist(conn, t.units, ids)
            return insert_ignore(
                conn,
                t.assignments,
                [
                    {"unit_id": i, "coder": coder, "purpose": purpose, "created_at": now}
                    for i in ids
                ],
            )

    def assigned_units(
        self,
        coder: str,
        survey: str,
        question: str,
        purpose: str = "double",
        wave: str | None = None,
    ) -> pd.DataFrame:
        """The units (as :meth:`units`) assigned to ``coder`` for ``purpose``."""
        return self.units(survey, question, wave, _assigned=(coder, purpose))

    def assignments(self, *, coder: str | None = None, purpose: str | None = None) -> pd.DataFrame:
        a = t.assignments
        query = select(a.c.unit_id, a.c.coder, a.c.purpose, a.c.created_at).order_by(a.c.id)
        if coder is not None:
            query = query.where(a.c.coder == coder)
        if purpose is not None:
            query = query.where(a.c.purpose == purpose)
        return self._read(query, ["unit_id", "coder", "purpose", "created_at"])

    # --- backup -----------------------------------------------------------------------
    def export_all(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Write everything but the caches to a portable JSON-lines file; returns row counts."""
        return backup.export_all(self, Path(path))

    def restore(self, path: str | os.PathLike[str]) -> dict[str, int]:
        """Load an export_all file into this EMPTY database; returns row counts."""
        return backup.restore(self, Path(path))

    def is_empty(self) -> bool:
        with eng.read_connection(self.engine) as conn:
            return all(
                conn.scalar(select(func.count()).select_from(tab)) == 0
                for tab in backup.CONTENT_TABLES
            )


def _id_list(unit_ids: Iterable[int]):
    """Validated integer ids rendered inline (no bound-parameter limit for long lists)."""
    ids = sorted({check_unit_id(i) for i in unit_ids})
    return bindparam("unit_ids", ids, expanding=True, literal_execute=True)


def _decision_row(raw: dict[str, Any], now=None) -> dict[str, Any]:
    if "unit_id" not in raw or "code" not in raw or "coder" not in raw:
        raise StoreError(
            Errors.S019,
            raw=sorted(raw),
        )
    return {
        "unit_id": check_unit_id(raw["unit_id"]),
        "code": clean_name(raw["code"], "code"),
        "coder": clean_name(raw["coder"], "coder name"),
        "decision": check_decision(raw.get("decision", "applied")),
        "source": check_source(raw.get("source", "manual")),
        "score": check_score(raw.get("score")),
        "codebook_version": raw.get("codebook_version"),
        "created_at": now or utcnow(),
        "reason": check_reason(raw.get("reason")),
    }


def _typed_decisions(frame: pd.DataFrame) -> pd.DataFrame:
    for col in ("decision_id", "unit_id"):
        if col in frame:
            frame[col] = frame[col].astype("int64")
    if "score" in frame:
        frame["score"] = pd.to_numeric(frame["score"]).astype("float64")
    if "created_at" in frame:
        frame["created_at"] = pd.to_datetime(frame["created_at"])
    return frame


def _expand_attributes(frame: pd.DataFrame, base: list[str]) -> pd.DataFrame:
    """Turn the JSON ``attributes`` column into one column per attribute (file order)."""
    attrs = frame.pop("attributes") if "attributes" in frame else pd.Series(dtype=object)
    names: list[str] = []
    for a in attrs:
        for k in a or {}:
            if k not in names:
                names.append(k)
    out = frame[base].copy() if len(frame.columns) else pd.DataFrame(columns=base)
    if "unit_id" in out:
        out["unit_id"] = out["unit_id"].astype("int64")
        out["unit_index"] = out["unit_index"].astype("int64")
        out["substantive"] = out["substantive"].astype(bool)
    for k in names:
        col = k if k not in RESERVED_COLUMNS else f"{k}_attribute"
        out[col] = [(a or {}).get(k) for a in attrs]
    return out
