"""Storage: surveys, answer units, codebook versions and coding decisions in SQLite or PostgreSQL.

``from textanalysis.store import Store``. The app, CLI and reports use only this API.

Opening
    ``Store(url=None)``: a path is an SQLite file (WAL, foreign keys on, 30 s busy timeout,
    synchronous=NORMAL, see ``store/engine.py``); a URL (``sqlite:///x.db``, ``postgresql+psycopg://user@host/db``) is used
    as is; ``None`` follows ``--db``/``$DATABASE_URL``/``$TEXTANALYSIS_DB``/``./textanalysis.db``
    (``Store.resolve(db)``). Opening runs the packaged Alembic migrations (``upgrade head``) under
    a lock, so an old database is upgraded in place. ``store.engine``, ``store.url``,
    ``store.close()``; usable as a context manager.

Import
    ``import_result(result, survey, wave, masking=None, on_change="stop") -> dict``: one
    transaction (all or nothing). Natural key of a unit: (survey, wave, question, respondent,
    unit_index); re-importing the same answers stores nothing new (idempotent). Answers that
    differ from the stored ones are never changed silently: ``on_change="stop"`` raises [I026]
    (an ``ImportChangeError`` whose ``report`` is a :class:`ChangeReport`), ``"replace"`` stores
    the new text and flags units that have decisions for review (decisions are never touched),
    ``"new-wave"`` imports only into a wave that is not stored yet ([I027]). Survey names, wave
    labels and question ids are matched case-insensitively: the stored spelling is reused and
    ``notices`` says so. ``import_changes(result, survey, wave, masking=None) -> ChangeReport``
    previews without writing; ``units_needing_review(survey=None, question=None, wave=None)``
    lists the flags, ``mark_reviewed(unit_ids, coder, reason=None)`` closes them;
    ``flag_for_review(unit_ids, reason, note=None)`` adds flags (e.g. ``split:A`` after a
    codeframe split). ``masking``:
    None, ``"keep-original"`` (masked ``text``; unmasked ``original_text`` kept, hidden unless
    ``include_original=True``) or ``"discard-original"``. Summary keys: survey, wave,
    respondents, units, non_substantive, duplicates, new_units, new_respondents,
    skipped_units, changed_units, changed_answers, replaced_units, flagged_for_review,
    missing_respondents, notices, changes, created (True when anything was stored).
    A NUL character in any text is refused ([S020], both engines).

Reading
    ``surveys()``, ``questions(survey=None, wave=None)``, ``respondents(survey, wave=None)``,
    ``units(survey, question, wave=None, *, substantive=None, uncoded_by=None, coded_by=None,
    code=None, unit_ids=None, include_original=False)`` (sorted by unit_id; one column per
    respondent attribute). A unit is *coded by* a coder when that coder recorded any decision on
    it (also only rejections); ``code=`` keeps units whose current codes include the code.

Decisions (append-only; never updated or deleted)
    ``record_decision(unit_id, code, coder, decision="applied"|"rejected",
    source="manual"|"suggestion"|"auto"|"adjudicated"|"codeframe"|"bulk", score=None,
    codebook_version=None, reason=None) -> id`` (committed on return; ``reason``: which
    codeframe operation or bulk query recorded it), ``record_decisions(rows) -> n`` (one transaction),
    ``decisions(..., include_undone=False)`` (in effect: the decisions of undone bulk
    actions left out, :mod:`.undo`; ``include_undone=True``: the full history), ``current_codes(*, survey, question, wave, coder, unit_ids,
    include_auto=True)``, ``coders(question=None)``, ``progress(survey, question, wave=None)``.

    Conflict rule: the current state of (unit, code, coder) is that coder's decision with the
    highest decision_id (the order in which the database received them): the last decision per
    coder wins, and coders never overwrite each other (each coder has their own state; the
    adjudicated consensus is coder ``consensus``). Concurrent writers (processes, machines)
    queue for the write lock; nothing is lost.

Memos, codebooks, caches, runs, assignments
    ``add_memo(text, coder, unit_id=None, code=None)``, ``memos(...)``;
    ``save_codebook(codebook, question=None) -> hash``, ``codebooks(question=None)``,
    ``load_codebook(version=None, question=None)``; ``nlp_get/nlp_put(pipeline_key, ...)``,
    ``embeddings_get/embeddings_put(embedder_key, ...)`` (the ``EmbeddingCache`` protocol);
    ``record_run(kind, params, result) -> id``, ``runs(kind=None)``, ``load_run(id)``;
    ``assign_units(unit_ids, coder, purpose="double")``, ``assigned_units(coder, survey,
    question, purpose="double")``, ``assignments(coder=None, purpose=None)``.

Backup
    ``export_all(path)`` writes surveys, questions, respondents (with attributes), units,
    codebooks, decisions, memos, assignments and runs as JSON lines (the NLP/embedding caches
    are left out: they are rebuilt on demand); ``restore(path)`` loads such a file into an
    EMPTY database (a non-empty one is refused with [S009]) with identical ids and content.

Errors are :class:`~textanalysis.errors.StoreError`: S001 cannot open the database, S002 schema
written by a newer version, S003 bad decision, S004 bad source, S005 unknown unit id, S006 unknown
survey/wave, S007 unknown question, S008 bad import table, S009 restore into a non-empty
database, S010 bad/unwritable export file, S011 no such codebook, S012 no such run, S013 blank
name, S014 bad masking policy, S015 bad demo manifest, S016 empty memo, S017 bad score, S018 run
not JSON-serialisable, S019 decision row lacks keys, S020 NUL character in an import, S021 NUL
character in a backup.
"""

from __future__ import annotations

from ..errors import StoreError
from ._import import ON_CHANGE, ChangeReport, unit_attribute_columns
from ._util import MASKING_POLICIES, VALID_DECISIONS, VALID_SOURCES
from .core import Store

__all__ = [
    "MASKING_POLICIES",
    "ON_CHANGE",
    "ChangeReport",
    "VALID_DECISIONS",
    "VALID_SOURCES",
    "Store",
    "StoreError",
    "unit_attribute_columns",
]
