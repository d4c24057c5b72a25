# Long on purpose: storing an import is one transaction with change detection, masking and waves; its steps share the same id maps.
"""Importing an :class:`~textanalysis.ingest.IngestResult` in one transaction, idempotently.

The natural key of a unit is (survey, wave, question, respondent, unit_index). Re-importing
the same answers stores nothing new. Answers that differ from the stored ones are never
changed silently: ``on_change`` decides.

* ``"stop"`` (default): [I026] names how many answers changed and the choices; nothing is
  stored.
* ``"replace"``: the changed answers' units get the new text (units that are no longer in
  the answer are deleted when nothing refers to them, else marked non-substantive "removed
  on re-import"); decisions are never touched: units with decisions are flagged for review
  (table ``unit_reviews``, ``Store.units_needing_review``).
* ``"new-wave"``: import only into a wave that does not exist yet ([I027] otherwise).

Respondents added by the file are stored; stored respondents missing from the file are
kept and reported. Survey names, wave labels and question ids are compared
case-insensitively: ``q1`` after ``Q1`` reuses ``Q1`` and says so in ``notices``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, delete, select, text, update

from ..embed import text_key
from ..errors import Errors, ImportChangeError, IngestError, StoreError
from ..identity import is_reserved_coder
from ..ingest import ON_CHANGE_POLICIES, RESERVED_COLUMNS
from . import engine as eng
from . import schema as t
from ._util import MASKING_POLICIES, chunks, clean_name, none_if_nan
from .schema import utcnow

REQUIRED_COLUMNS = ("respondent_id", "question_id", "unit_index", "text")
ON_CHANGE = ON_CHANGE_POLICIES
REMOVED_REASON = "removed on re-import"
MAX_EXAMPLES = 200
_PG_IMPORT_LOCK = 724_3002
_INSERT_CHUNK = 20_000
_READ_CHUNK = 10_000
_MASK_CHUNK = 20_000


_UNIT_INSERT_COLUMNS = (
    "question_pk",
    "respondent_pk",
    "unit_index",
    "text",
    "cell_text",
    "substantive",
    "non_substantive_reason",
    "original_text",
    "text_hash",
)


def _str_list(series: pd.Series, shared: dict[str, str] | None = None) -> list[str | None]:
    """Values as str, missing ones (None, NaN, NA) as None.

    With ``shared`` (a dict, possibly seeded), equal values are one object: a string column's
    ``tolist()`` makes a new str per row (respondent ids and cells repeat per unit)."""
    values = [none_if_nan(v) for v in series.tolist()]
    out = [v if v is None or isinstance(v, str) else str(v) for v in values]
    if shared is not None:
        out = [v if v is None else shared.setdefault(v, v) for v in out]
    return out


def _insert_sql(conn: Connection, table: str, columns: tuple[str, ...]) -> str:
    """A positional INSERT in the driver's parameter style (for exec_driver_sql executemany)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"


def check_masking(masking: str | None) -> str | None:
    if masking in (None, "", "none"):
        return None
    if masking not in MASKING_POLICIES:
        raise StoreError(
            Errors.S014,
            masking=masking,
            masking_policies=", ".join(MASKING_POLICIES),
        )
    return masking


def prepare_units(result: Any, masking: str | None) -> pd.DataFrame:
    """The result's units with the optional columns filled in, not masked yet: that is
    :func:`prepare_import`'s (only the texts a re-import does not already hold)."""
    units = getattr(result, "units", None)
    if not isinstance(units, pd.DataFrame):
        raise StoreError(
            Errors.S031,
            result_type=type(result).__name__,
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in units.columns]
    if missing:
        raise StoreError(
            Errors.S008,
            missing=", ".join(missing),
            columns=", ".join(map(str, units.columns)),
        )
    if masking and "original_text" not in units.columns:
        try:
            from ..privacy import apply_masking  # noqa: F401 (used by _mask_texts)
        except ImportError:
            raise StoreError(
                Errors.S043,
                masking=masking,
            ) from None
    units = units.copy(deep=False)  # columns are added or replaced, never written in place
    if "cell_text" not in units.columns:
        units["cell_text"] = units["text"]
    if "substantive" not in units.columns:
        units["substantive"] = True
    if "non_substantive_reason" not in units.columns:
        units["non_substantive_reason"] = None
    if masking != "keep-original" or "original_text" not in units.columns:
        units["original_text"] = None
    units["respondent_id"] = units["respondent_id"].astype(str)
    units["question_id"] = units["question_id"].astype(str)
    if units["respondent_id"].str.strip().eq("").any():
        raise StoreError(Errors.S032)
    return units


def unit_attribute_columns(units: pd.DataFrame) -> list[str]:
    """The respondent-attribute columns of a units frame (everything but the standard columns)."""
    return [str(c) for c in units.columns if c not in RESERVED_COLUMNS]


def attribute_columns(result: Any, units: pd.DataFrame) -> list[str]:
    cols = getattr(result, "attribute_columns", None)
    if cols is None:
        return unit_attribute_columns(units)
    return [str(c) for c in cols]


def respondent_attributes(result: Any, units: pd.DataFrame, attrs: list[str]) -> dict[str, dict]:
    """respondent_id -> {attribute: value as str or None}, in file order."""
    frame = getattr(result, "respondents", None)
    if not isinstance(frame, pd.DataFrame) or "respondent_id" not in frame.columns:
        frame = units
    present = [a for a in attrs if a in frame.columns]
    frame = frame[["respondent_id", *present]].drop_duplicates("respondent_id")
    out: dict[str, dict] = {}
    for row in frame.itertuples(index=False, name=None):
        rid, values = str(row[0]), row[1:]
        out[rid] = {
            a: (None if none_if_nan(v) is None else str(v))
            for a, v in zip(present, values, strict=True)
        }
    for rid in units["respondent_id"].unique():
        out.setdefault(rid, {a: None for a in present})
    return out


@dataclass
class PreparedImport:
    """Everything an import writes, computed before the write lock is taken (masking and
    hashing can take a while; other analysts keep saving meanwhile)."""

    survey: str
    wave: str
    masking: str | None
    source_name: str | None
    source_sha256: str | None
    question_texts: dict[str, str | None]
    respondents: dict[str, dict[str, str | None]]
    qids: list[str]
    rids: list[str]
    unit_index: list[int]
    texts: list[str]
    cells: list[str | None]
    substantive: list[bool]
    reasons: list[str | None]
    originals: list[str | None]
    hashes: list[str]
    summary: dict[str, int]
    # positions not masked because the stored unit holds the same original text in an
    # unchanged answer: (unmasked text, unmasked cell); texts/cells hold None there and
    # hashes the stored text_hash. _mask_pending masks them if they are to be written after all.
    pending: dict[int, tuple[str, str | None]] = field(default_factory=dict)


def _mask_texts(
    masking: str, texts: list[str], cells: list[str | None]
) -> tuple[list[str], list[str | None]]:
    """``texts`` and ``cells`` masked as privacy.apply_masking masks a units table, a chunk
    at a time (its cache of masked texts and their spans is per call)."""
    from ..privacy import apply_masking  # noqa: PLC0415 (deduce: loaded only when masking)

    out_texts: list[str] = []
    out_cells: list[str | None] = []
    shared: dict[str, str] = {}  # a cell repeats for each of its units
    for start in range(0, len(texts), _MASK_CHUNK):
        end = start + _MASK_CHUNK
        frame = pd.DataFrame(
            {"text": texts[start:end], "cell_text": cells[start:end]}, dtype=object
        )
        out = apply_masking(frame, policy=masking)
        out_texts += [v if v is not None else "" for v in _str_list(out["text"])]
        out_cells += _str_list(out["cell_text"], shared)
    return out_texts, out_cells


def _mask_pending(prep: PreparedImport, positions: Iterable[int]) -> None:
    """Mask the ``pending`` units among ``positions`` (they are going to be compared or written)."""
    todo = [pos for pos in dict.fromkeys(positions) if pos in prep.pending]
    if not todo or prep.masking is None:
        return
    texts, cells = _mask_texts(
        prep.masking, [prep.pending[p][0] for p in todo], [prep.pending[p][1] for p in todo]
    )
    for pos, masked, cell in zip(todo, texts, cells, strict=True):
        prep.texts[pos], prep.cells[pos], prep.hashes[pos] = masked, cell, text_key(masked)
        del prep.pending[pos]


def prepare_import(
    result: Any, survey: str, wave: str, masking: str | None, engine: Engine | None = None
) -> PreparedImport:
    """What an import writes. With ``engine`` (the store), a re-import masks only the units
    of answers that differ from the stored originals (``keep-original`` surveys): masking is
    most of an import's time, and an unchanged answer's masked text is already stored."""
    survey = clean_name(survey, "survey name")
    wave = clean_name(wave, "wave label")
    masking = check_masking(masking)
    units = prepare_units(result, masking)
    to_mask = bool(masking) and "original_text" not in result.units.columns
    attrs = attribute_columns(result, units)
    resp_attrs = respondent_attributes(result, units, attrs)
    question_texts = {
        str(k): (None if v is None else str(v))
        for k, v in dict(getattr(result, "questions", None) or {}).items()
    }
    qids = _str_list(units["question_id"], {})
    rids = _str_list(units["respondent_id"], {r: r for r in resp_attrs})  # the dict's keys
    uix = [int(i) for i in units["unit_index"].tolist()]
    keys = list(zip(qids, rids, uix, strict=True))
    if len(set(keys)) != len(keys):
        seen: set = set()
        q, r, i = next(k for k in keys if k in seen or seen.add(k))
        raise StoreError(
            Errors.S033,
            q=q,
            r=r,
            i=i,
        )
    del keys
    raw = _str_list(units["text"], {})
    texts = [v if v is not None else "" for v in raw]
    cells = _str_list(units["cell_text"], {})
    originals = _str_list(units["original_text"])
    columns = {"text": raw, "cell_text": cells, "original_text": originals}
    _refuse_nul({**columns, "respondent_id": rids, "question_id": qids}, resp_attrs, question_texts)
    del columns
    subst = [bool(none_if_nan(v)) for v in units["substantive"].tolist()]
    reasons = _str_list(units["non_substantive_reason"])
    summary = dict(getattr(result, "summary", None) or {})
    del units
    pending: dict[int, tuple[str, str | None]] = {}
    hashes: list[str | None] = [None] * len(texts)
    if to_mask:
        if masking == "keep-original":
            originals = raw
        known = (
            {} if engine is None else _unchanged_units(engine, survey, wave, qids, rids, uix, texts)
        )
        todo = [pos for pos in range(len(texts)) if pos not in known]
        masked, masked_cells = _mask_texts(
            masking, [texts[p] for p in todo], [cells[p] for p in todo]
        )
        for pos, h in known.items():
            pending[pos] = (texts[pos], cells[pos])
            texts[pos] = cells[pos] = None  # type: ignore[call-overload]
            hashes[pos] = h
        for pos, tx, cell in zip(todo, masked, masked_cells, strict=True):
            texts[pos], cells[pos] = tx, cell
        del masked, masked_cells, known, todo
    hashes = [h if h is not None else text_key(v) for h, v in zip(hashes, texts, strict=True)]
    return PreparedImport(
        survey=survey,
        wave=wave,
        masking=masking,
        source_name=getattr(result, "source_name", None),
        source_sha256=getattr(result, "source_sha256", None),
        question_texts=question_texts,
        respondents=resp_attrs,
        qids=qids,
        rids=rids,
        unit_index=uix,
        texts=texts,
        cells=cells,
        substantive=subst,
        reasons=reasons,
        originals=originals,
        hashes=hashes,
        pending=pending,
        summary={
            "respondents": int(summary.get("respondents", len(resp_attrs))),
            "units": int(summary.get("units", len(texts))),
            "non_substantive": int(summary.get("non_substantive", sum(1 for v in subst if not v))),
            "duplicates": int(
                summary.get("duplicates", len(getattr(result, "duplicate_ids", None) or []))
            ),
        },
    )


def _refuse_nul(columns: dict[str, list], resp_attrs: dict, question_texts: dict) -> None:
    """[S020]: NUL characters cannot be stored by PostgreSQL; one rule for both engines.

    ``columns``: the units' text, cell_text, original_text, respondent_id and question_id."""
    for col, values in columns.items():
        hits = [i for i, v in enumerate(values) if isinstance(v, str) and "\x00" in v]
        if hits:
            rid = columns["respondent_id"][hits[0]]
            raise StoreError(
                Errors.S020,
                n_hits=len(hits),
                col=col,
                rid=rid,
            )
    for rid, attrs in resp_attrs.items():
        for key, value in attrs.items():
            if "\x00" in str(key) or (isinstance(value, str) and "\x00" in value):
                raise StoreError(
                    Errors.S049,
                    rid=rid,
                    key=key,
                )
    for qid, qtext in question_texts.items():
        if "\x00" in qid or (qtext and "\x00" in qtext):
            raise StoreError(
                Errors.S050,
                qid=qid,
            )


def check_on_change(on_change: str) -> str:
    if on_change not in ON_CHANGE:
        raise IngestError(
            Errors.I028,
            on_change=on_change,
            choices=", ".join(ON_CHANGE),
        )
    return on_change


@dataclass
class ChangeReport:
    """How a file's answers compare with what a survey wave already holds."""

    survey: str
    wave: str
    wave_exists: bool
    # (question_id, respondent_id) of answers whose units differ from the stored ones
    changed: list[tuple[str, str]] = field(default_factory=list)
    changed_units: int = 0
    added_respondents: list[str] = field(default_factory=list)
    # stored respondents with an answer to one of the file's questions, absent from the file
    missing_respondents: list[str] = field(default_factory=list)
    new_questions: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # the first changed answers: question_id, respondent_id, stored (units joined by " | "), new
    examples: list[dict[str, str]] = field(default_factory=list)

    @property
    def changed_respondents(self) -> list[str]:
        return list(dict.fromkeys(r for _, r in self.changed))

    def describe(self) -> str:
        """One line: what differs, for the CLI summary and the app."""
        parts = []
        if self.changed:
            ids = self.changed_respondents
            parts.append(
                f"{len(self.changed)} answer(s) differ from the stored ones (respondents "
                f"{', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''})"
            )
        if self.added_respondents:
            parts.append(f"{len(self.added_respondents)} new respondent(s)")
        if self.missing_respondents:
            ids = self.missing_respondents
            parts.append(
                f"{len(ids)} stored respondent(s) not in this file, kept "
                f"({', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''})"
            )
        return "; ".join(parts)


def _pick_name(given: str, stored: list[str], what: str, notices: list[str]) -> str:
    """The stored spelling of ``given`` when one differs only in case (with a notice)."""
    if given in stored:
        return given
    same = sorted(s for s in stored if s.casefold() == given.casefold())
    if not same:
        return given
    notices.append(
        f"{what} '{given}' is stored as '{same[0]}' (compared case-insensitively); used '{same[0]}'"
    )
    return same[0]


def resolve_names(conn: Connection, prep: PreparedImport) -> tuple[int | None, list[str]]:
    """Map the survey, wave and question ids of ``prep`` onto their stored spelling.

    Returns the survey wave's primary key (None when new) and the notices; ``prep`` is
    updated in place.
    """
    notices: list[str] = []
    survey_pk, prep.survey, prep.wave = _find_survey(conn, prep.survey, prep.wave, notices)
    if survey_pk is None:
        return None, notices
    stored_q = _stored_questions(conn, survey_pk)
    mapping: dict[str, str] = {}
    for q in dict.fromkeys([*prep.question_texts, *prep.qids]):
        mapping[q] = _pick_name(q, stored_q, "Question", notices)
    if any(k != v for k, v in mapping.items()):
        prep.qids = [mapping[q] for q in prep.qids]
        prep.question_texts = {mapping.get(k, k): v for k, v in prep.question_texts.items()}
    return survey_pk, notices


def _find_survey(
    conn: Connection, survey: str, wave: str, notices: list[str]
) -> tuple[int | None, str, str]:
    """(primary key or None, survey, wave): the stored spelling when one differs only in case."""
    rows = conn.execute(select(t.surveys.c.id, t.surveys.c.survey, t.surveys.c.wave)).all()
    survey = _pick_name(survey, sorted({r[1] for r in rows}), "Survey", notices)
    wave = _pick_name(wave, sorted({r[2] for r in rows if r[1] == survey}), "Wave", notices)
    return next((r[0] for r in rows if r[1] == survey and r[2] == wave), None), survey, wave


def _stored_questions(conn: Connection, survey_pk: int) -> list[str]:
    query = select(t.questions.c.question_id).where(t.questions.c.survey_pk == survey_pk)
    return [q for (q,) in conn.execute(query)]


class _FileUnits:
    """The file's units under integer keys, so a comparison with the stored units holds no
    per-unit tuples or per-answer dicts: an answer (cell) is ``question * n_respondents +
    respondent`` and a unit ``cell * width + unit_index``."""

    def __init__(self, qids: list[str], rids: list[str], uix: list[int]) -> None:
        self.q = {q: i for i, q in enumerate(dict.fromkeys(qids))}
        self.r = {r: i for i, r in enumerate(dict.fromkeys(rids))}
        self.n_r = max(len(self.r), 1)
        self.width = max(uix, default=0) + 1
        q_of, r_of, n_r = self.q, self.r, self.n_r
        self.cell = np.fromiter(
            (q_of[q] * n_r + r_of[r] for q, r in zip(qids, rids, strict=True)),
            dtype=np.int64,
            count=len(qids),
        )
        keys = self.cell * self.width + np.asarray(uix, dtype=np.int64)
        self.pos = dict(zip(keys.tolist(), range(len(qids)), strict=True))
        self.n_cells = len(self.q) * self.n_r
        self.size = np.bincount(self.cell, minlength=self.n_cells)  # units per answer

    def find(self, q: str, r: str, ix: int) -> tuple[int, int]:
        """(answer, position) of a stored unit in the file; -1 where it has none."""
        qi, ri = self.q.get(q), self.r.get(r)
        if qi is None or ri is None:
            return -1, -1
        c = qi * self.n_r + ri
        if not 0 <= ix < self.width or not self.size[c]:
            return (c if self.size[c] else -1), -1
        return c, self.pos.get(c * self.width + ix, -1)

    def same(self, matched: list[int], stored: list[int]) -> np.ndarray:
        """Per answer: every stored unit matched a file unit and the file has no other."""
        m, s = np.asarray(matched), np.asarray(stored)
        return (m == s) & (s == self.size) & (self.size > 0)


def _unit_rows(conn: Connection, survey_pk: int, *extra: Any, where: Any = None):
    """The survey wave's units (question_id, respondent_id, unit_index, *extra), streamed."""
    query = (
        select(
            t.questions.c.question_id,
            t.respondents.c.respondent_id,
            t.units.c.unit_index,
            *extra,
        )
        .join(t.questions, t.units.c.question_pk == t.questions.c.id)
        .join(t.respondents, t.units.c.respondent_pk == t.respondents.c.id)
        .where(t.questions.c.survey_pk == survey_pk)
    )
    if where is not None:
        query = query.where(where)
    # per statement: Connection.execution_options would stream every later statement too
    return conn.execute(query.execution_options(yield_per=_READ_CHUNK))


def _unchanged_units(
    engine: Engine,
    survey: str,
    wave: str,
    qids: list[str],
    rids: list[str],
    uix: list[int],
    texts: list[str],
) -> dict[int, str]:
    """Positions of the units of answers whose every unit text equals the stored original
    (same question, respondent and unit indexes) -> the stored unit's text_hash.

    Such an answer is unchanged and skipped by the import, so it needs no masking; its
    stored hash stands in for the masked text's in :func:`compare`. The stored units are
    read in chunks and compared as they come; only units stored with ``keep-original``
    hold an original (others are masked as before).
    """
    with eng.read_connection(engine) as conn:
        survey_pk, _, _ = _find_survey(conn, survey, wave, [])
        if survey_pk is None:
            return {}
        stored_q = _stored_questions(conn, survey_pk)
        qmap = {q: _pick_name(q, stored_q, "Question", []) for q in dict.fromkeys(qids)}
        units = _FileUnits([qmap[q] for q in qids], rids, uix)
        matched, stored = [0] * units.n_cells, [0] * units.n_cells
        hit: dict[int, str] = {}
        extra = (t.units.c.original_text, t.units.c.text_hash, t.units.c.non_substantive_reason)
        for q, r, ix, original, h, reason in _unit_rows(conn, survey_pk, *extra):
            if reason == REMOVED_REASON:
                continue  # not part of the stored answer (as in compare)
            c, pos = units.find(q, r, ix)
            if c < 0:
                continue
            stored[c] += 1
            if pos >= 0 and original is not None and original == texts[pos]:
                matched[c] += 1
                hit[pos] = h
    same = units.same(matched, stored)
    return {pos: h for pos, h in hit.items() if same[units.cell[pos]]}


def _cells(
    qids: list[str], rids: list[str], uix: list[int], positions: Iterable[int]
) -> dict[tuple[str, str], dict[int, int]]:
    """(question_id, respondent_id) -> {unit_index: position} for the units at ``positions``."""
    out: dict[tuple[str, str], dict[int, int]] = {}
    for pos in positions:
        out.setdefault((qids[pos], rids[pos]), {})[uix[pos]] = pos
    return out


def _stored_cells(
    conn: Connection, survey_pk: int, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], dict[int, tuple]]:
    """(question_id, respondent_id) -> {unit_index: (text_hash, unit pk, removed)} for ``keys``.

    ``removed``: the unit left its answer in an earlier replace and is kept only because
    something refers to it; it no longer counts as part of the stored answer.
    """
    wanted = set(keys)
    out: dict[tuple[str, str], dict[int, tuple]] = {}
    rids = sorted({r for _, r in wanted})
    extra = (t.units.c.text_hash, t.units.c.id, t.units.c.non_substantive_reason)
    for part in chunks(rids):
        where = t.respondents.c.respondent_id.in_(part)
        for q, r, ix, h, pk, reason in _unit_rows(conn, survey_pk, *extra, where=where):
            if (q, r) in wanted:
                out.setdefault((q, r), {})[ix] = (h, pk, reason == REMOVED_REASON)
    return out


def _texts(conn: Connection, pks: list[int]) -> dict[int, str]:
    """Stored unit texts by primary key (only for the few units a report or flag needs)."""
    out: dict[int, str] = {}
    for part in chunks(sorted(set(pks))):
        out.update(
            conn.execute(select(t.units.c.id, t.units.c.text).where(t.units.c.id.in_(part))).all()
        )
    return out


def compare(
    conn: Connection, prep: PreparedImport, survey_pk: int | None, notices: list[str]
) -> tuple[ChangeReport, dict, dict, np.ndarray]:
    """The change report; the stored units and the file's cells of the changed answers (both
    keyed by cell); per file unit whether its natural key is stored already.

    The stored units are streamed and compared by text hash as they come (integer keys,
    :class:`_FileUnits`); only the answers that differ are then read in full."""
    report = ChangeReport(prep.survey, prep.wave, survey_pk is not None, notices=notices)
    is_stored = np.zeros(len(prep.qids), dtype=bool)
    if survey_pk is None:
        report.new_questions = list(dict.fromkeys(prep.qids))
        report.added_respondents = list(prep.respondents)
        return report, {}, {}, is_stored
    stored_r = {
        r
        for (r,) in conn.execute(
            select(t.respondents.c.respondent_id).where(t.respondents.c.survey_pk == survey_pk)
        )
    }
    report.added_respondents = [r for r in prep.respondents if r not in stored_r]
    del stored_r
    units = _FileUnits(prep.qids, prep.rids, prep.unit_index)
    matched, stored, seen = [0] * units.n_cells, [0] * units.n_cells, bytearray(units.n_cells)
    stored_q: set[str] = set()
    file_r = prep.respondents
    missing: dict[str, None] = {}
    hashes = prep.hashes
    extra = (t.units.c.text_hash, t.units.c.non_substantive_reason)
    for q, r, ix, h, reason in _unit_rows(conn, survey_pk, *extra):
        stored_q.add(q)
        c, pos = units.find(q, r, ix)
        if pos >= 0:
            is_stored[pos] = True
        if c < 0:
            if q in units.q and r not in file_r:
                missing[r] = None
            continue
        seen[c] = 1
        if reason == REMOVED_REASON:
            continue
        stored[c] += 1
        if pos >= 0 and hashes[pos] == h:
            matched[c] += 1
    differs = np.frombuffer(bytes(seen), dtype=np.uint8).astype(bool) & ~units.same(matched, stored)
    del matched, stored, seen
    # the answers that differ, in file order (as the report lists them)
    positions = np.nonzero(differs[units.cell])[0].tolist()
    new = _cells(prep.qids, prep.rids, prep.unit_index, positions)
    old = _stored_cells(conn, survey_pk, list(new))
    # units left unmasked as unchanged in an answer that differs now (stored again meanwhile)
    _mask_pending(prep, positions)
    for key, cell in new.items():
        if diff := _now_was(prep, cell, old[key]):
            now, was = diff
            report.changed.append(key)
            report.changed_units += sum(
                1 for ix in set(now) | set(was) if now.get(ix) != was.get(ix)
            )
    shown = report.changed[:MAX_EXAMPLES]
    stored_text = _texts(conn, [v[1] for key in shown for v in old[key].values() if not v[2]])
    for key in shown:
        before = old[key]
        kept = [stored_text[before[ix][1]] for ix in sorted(before) if not before[ix][2]]
        report.examples.append(
            {
                "question_id": key[0],
                "respondent_id": key[1],
                "stored": " | ".join(kept),
                "new": prep.cells[next(iter(new[key].values()))] or "",
            }
        )
    report.missing_respondents = list(missing)
    report.new_questions = [q for q in units.q if q not in stored_q]
    return report, old, new, is_stored


def _now_was(
    prep: PreparedImport, cell: dict[int, int], before: dict[int, tuple]
) -> tuple[dict, dict] | None:
    """The file's and the stored unit hashes of an answer by unit index; None when equal."""
    now = {ix: prep.hashes[pos] for ix, pos in cell.items()}
    was = {ix: v[0] for ix, v in before.items() if not v[2]}
    return None if now == was else (now, was)


def _change_error(report: ChangeReport) -> ImportChangeError:
    ids = report.changed_respondents
    return ImportChangeError(
        Errors.I026,
        report=report,
        n_changed=len(report.changed),
        survey=report.survey,
        wave=report.wave,
        ids=", ".join(ids[:5]),
        more=" ..." if len(ids) > 5 else "",
    )


def _replace_changed(
    conn: Connection, prep: PreparedImport, report: ChangeReport, old: dict, new: dict
) -> tuple[int, int]:
    """Update the changed answers' units in place; flag those with decisions. -> (replaced, flagged)."""
    now = utcnow()
    updates: list[dict] = []
    gone: list[tuple[int, str, str | None]] = []  # (pk, old text, new cell)
    changed_pks: list[tuple[int, str, str]] = []
    stored_text = _texts(conn, [v[1] for key in report.changed for v in old[key].values()])
    _mask_pending(prep, [pos for key in report.changed for pos in new[key].values()])
    for key in report.changed:
        before, cell = old[key], new[key]
        cell_text = prep.cells[next(iter(cell.values()))]
        for ix, (h, pk, removed) in before.items():
            old_text = stored_text[pk]
            pos = cell.get(ix)
            if pos is None:
                if not removed:
                    gone.append((pk, old_text, cell_text))
                continue
            updates.append(
                {
                    "pk": pk,
                    "text": prep.texts[pos],
                    "cell_text": prep.cells[pos],
                    "substantive": prep.substantive[pos],
                    "non_substantive_reason": prep.reasons[pos],
                    "original_text": prep.originals[pos],
                    "text_hash": prep.hashes[pos],
                }
            )
            if prep.hashes[pos] != h or removed:
                changed_pks.append((pk, old_text, prep.texts[pos]))
    u = t.units
    for row in updates:
        pk = row.pop("pk")
        conn.execute(update(u).where(u.c.id == pk).values(**row))
    referenced = _referenced({pk for pk, _, _ in gone} | {pk for pk, _, _ in changed_pks}, conn)
    for pk, _old_text, cell_text in gone:
        if pk in referenced:
            conn.execute(
                update(u)
                .where(u.c.id == pk)
                .values(
                    substantive=False, non_substantive_reason=REMOVED_REASON, cell_text=cell_text
                )
            )
        else:
            conn.execute(delete(u).where(u.c.id == pk))
    decided = _with_decisions({pk for pk, _, _ in gone} | {pk for pk, _, _ in changed_pks}, conn)
    flags = [
        {"unit_id": pk, "reason": "text changed", "old_text": a, "new_text": b}
        for pk, a, b in changed_pks
        if pk in decided
    ] + [
        {"unit_id": pk, "reason": "removed from the answer", "old_text": a, "new_text": None}
        for pk, a, _ in gone
        if pk in decided
    ]
    # one flag per coder who decided the unit: in double coding each coder reviews their own
    # decision (None: only reserved coders such as gold decided it; anyone may review it)
    flags = [
        f | {"coder": who, "source_name": prep.source_name, "created_at": now}
        for f in flags
        for who in decided[f["unit_id"]]
    ]
    if flags:
        conn.execute(t.unit_reviews.insert(), flags)
    return len(changed_pks) + len(gone), len({f["unit_id"] for f in flags})


def _with_decisions(pks: set[int], conn: Connection) -> dict[int, list[str | None]]:
    """Unit -> the human coders with decisions on it ([None] when only reserved coders such
    as ``gold`` decided it)."""
    coders: dict[int, set[str]] = {}
    for part in chunks(sorted(pks)):
        rows = conn.execute(
            select(t.decisions.c.unit_id, t.decisions.c.coder)
            .where(t.decisions.c.unit_id.in_(part))
            .distinct()
        )
        for pk, who in rows:
            coders.setdefault(int(pk), set()).add(str(who))
    return {
        pk: sorted(w for w in who if not is_reserved_coder(w)) or [None]
        for pk, who in coders.items()
    }


def _referenced(pks: set[int], conn: Connection) -> set[int]:
    """Units something points at (decisions, memos, assignments, review flags)."""
    out: set[int] = set()
    for tab in (t.decisions, t.memos, t.assignments, t.unit_reviews):
        for part in chunks(sorted(pks)):
            out.update(
                pk
                for (pk,) in conn.execute(
                    select(tab.c.unit_id).where(tab.c.unit_id.in_(part)).distinct()
                )
            )
    return out


def preview_import(conn: Connection, prep: PreparedImport) -> ChangeReport:
    """The change report of an import without writing anything."""
    survey_pk, notices = resolve_names(conn, prep)
    report, _, _, _ = compare(conn, prep, survey_pk, notices)
    return report


def write_import(conn: Connection, prep: PreparedImport, on_change: str = "stop") -> dict[str, Any]:
    """The database half of an import; the caller holds one write transaction."""
    check_on_change(on_change)
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_IMPORT_LOCK})
    survey_pk, notices = resolve_names(conn, prep)
    if on_change == "new-wave" and survey_pk is not None:
        waves = sorted(
            w
            for (w,) in conn.execute(
                select(t.surveys.c.wave).where(t.surveys.c.survey == prep.survey)
            )
        )
        raise IngestError(
            Errors.I027,
            survey=prep.survey,
            wave=prep.wave,
            waves=", ".join(waves),
        )
    report, stored_cells, file_cells, is_stored = compare(conn, prep, survey_pk, notices)
    if report.changed and on_change == "stop":
        raise _change_error(report)
    survey, wave, masking = prep.survey, prep.wave, prep.masking
    question_texts, resp_attrs = prep.question_texts, prep.respondents
    now = utcnow()
    new_survey = survey_pk is None
    if new_survey:
        survey_pk = conn.execute(
            t.surveys.insert().values(
                survey=survey,
                wave=wave,
                source_name=prep.source_name,
                source_sha256=prep.source_sha256,
                masking=masking,
                created_at=now,
            )
        ).inserted_primary_key[0]
    elif masking:
        conn.execute(update(t.surveys).where(t.surveys.c.id == survey_pk).values(masking=masking))

    # Questions: insert the new ones, fill in a missing question text.
    qids = list(dict.fromkeys([*question_texts, *prep.qids]))
    existing_q = {
        qid: (pk, qtext)
        for pk, qid, qtext in conn.execute(
            select(t.questions.c.id, t.questions.c.question_id, t.questions.c.question_text).where(
                t.questions.c.survey_pk == survey_pk
            )
        )
    }
    new_q = [
        {"survey_pk": survey_pk, "question_id": q, "question_text": question_texts.get(q)}
        for q in qids
        if q not in existing_q
    ]
    if new_q:
        conn.execute(t.questions.insert(), new_q)
    for q, (pk, qtext) in existing_q.items():
        if qtext is None and question_texts.get(q):
            conn.execute(
                update(t.questions)
                .where(t.questions.c.id == pk)
                .values(question_text=question_texts[q])
            )
    q_pk = dict(
        conn.execute(
            select(t.questions.c.question_id, t.questions.c.id).where(
                t.questions.c.survey_pk == survey_pk
            )
        ).all()
    )

    # Respondents: insert new ones; merge attribute values into existing ones.
    existing_r = {
        rid: (pk, a or {})
        for pk, rid, a in conn.execute(
            select(
                t.respondents.c.id, t.respondents.c.respondent_id, t.respondents.c.attributes
            ).where(t.respondents.c.survey_pk == survey_pk)
        )
    }
    new_r = [
        {"survey_pk": survey_pk, "respondent_id": rid, "attributes": a}
        for rid, a in resp_attrs.items()
        if rid not in existing_r
    ]
    for part in chunks(new_r, _INSERT_CHUNK):
        conn.execute(t.respondents.insert(), list(part))
    for rid, (pk, old) in existing_r.items():
        merged = {**old, **{k: v for k, v in resp_attrs.get(rid, {}).items() if v is not None}}
        if merged != old:
            conn.execute(
                update(t.respondents).where(t.respondents.c.id == pk).values(attributes=merged)
            )
    r_pk = dict(
        conn.execute(
            select(t.respondents.c.respondent_id, t.respondents.c.id).where(
                t.respondents.c.survey_pk == survey_pk
            )
        ).all()
    )

    # Units: skip natural keys that are already stored. Plain lists and the driver's
    # executemany keep 100,000 units well above 20,000 units/s.
    qpk = [q_pk[q] for q in prep.qids]
    rpk = [r_pk[r] for r in prep.rids]
    n_keys = len(prep.unit_index)
    replaced = flagged = 0
    if report.changed and on_change == "replace":
        replaced, flagged = _replace_changed(conn, prep, report, stored_cells, file_cells)
    # natural keys not stored yet (compare saw every stored one, in this transaction)
    fresh = np.nonzero(~is_stored)[0].tolist()
    del is_stored
    _mask_pending(prep, fresh)  # skipped as unchanged, but no longer stored: masked now
    records = [
        (
            qpk[pos],
            rpk[pos],
            prep.unit_index[pos],
            prep.texts[pos],
            prep.cells[pos],
            prep.substantive[pos],
            prep.reasons[pos],
            prep.originals[pos],
            prep.hashes[pos],
        )
        for pos in fresh
    ]
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        # COPY is several times faster than INSERT on PostgreSQL; same transaction.
        cols = ", ".join(_UNIT_INSERT_COLUMNS)
        with conn.connection.dbapi_connection.cursor() as cur:
            for part in chunks(records, _INSERT_CHUNK):
                with cur.copy(f"COPY units ({cols}) FROM STDIN") as copy:
                    for row in part:
                        copy.write_row(row)
    else:
        sql = _insert_sql(conn, "units", _UNIT_INSERT_COLUMNS)
        for part in chunks(records, _INSERT_CHUNK):
            conn.exec_driver_sql(sql, list(part))

    return {
        "survey": survey,
        "wave": wave,
        **prep.summary,
        "new_units": len(records),
        "new_respondents": len(new_r),
        "skipped_units": n_keys - len(records),
        "changed_units": report.changed_units,
        "changed_answers": len(report.changed),
        "replaced_units": replaced,
        "flagged_for_review": flagged,
        "missing_respondents": len(report.missing_respondents),
        "notices": list(report.notices),
        "changes": report,
        "created": bool(new_survey or records or new_r or new_q or replaced),
    }
