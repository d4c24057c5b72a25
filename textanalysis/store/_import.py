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

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import Connection, delete, select, text, update

from ..embed import text_key
from ..errors import Errors, ImportChangeError, IngestError, StoreError
from ..ingest import ON_CHANGE_POLICIES, RESERVED_COLUMNS
from . import schema as t
from ._util import MASKING_POLICIES, chunks, clean_name, none_if_nan
from .schema import utcnow

REQUIRED_COLUMNS = ("respondent_id", "question_id", "unit_index", "text")
ON_CHANGE = ON_CHANGE_POLICIES
REMOVED_REASON = "removed on re-import"
MAX_EXAMPLES = 200
_PG_IMPORT_LOCK = 724_3002
_INSERT_CHUNK = 20_000


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


def _str_list(series: pd.Series) -> list[str | None]:
    """Values as str, missing ones (None, NaN, NA) as None."""
    values = [none_if_nan(v) for v in series.tolist()]
    return [v if v is None or isinstance(v, str) else str(v) for v in values]


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
    """The result's units with the optional columns filled in and masking applied."""
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
            from ..privacy import apply_masking
        except ImportError:
            raise StoreError(
                Errors.S043,
                masking=masking,
            ) from None
        units = apply_masking(units, policy=masking)
    units = units.copy()
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


def prepare_import(result: Any, survey: str, wave: str, masking: str | None) -> PreparedImport:
    survey = clean_name(survey, "survey name")
    wave = clean_name(wave, "wave label")
    masking = check_masking(masking)
    units = prepare_units(result, masking)
    attrs = attribute_columns(result, units)
    resp_attrs = respondent_attributes(result, units, attrs)
    question_texts = {
        str(k): (None if v is None else str(v))
        for k, v in dict(getattr(result, "questions", None) or {}).items()
    }
    qids = units["question_id"].tolist()
    rids = units["respondent_id"].tolist()
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
    texts = [v if v is not None else "" for v in _str_list(units["text"])]
    _refuse_nul(units, resp_attrs, question_texts)
    subst = [bool(none_if_nan(v)) for v in units["substantive"].tolist()]
    summary = dict(getattr(result, "summary", None) or {})
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
        cells=_str_list(units["cell_text"]),
        substantive=subst,
        reasons=_str_list(units["non_substantive_reason"]),
        originals=_str_list(units["original_text"]),
        hashes=[text_key(v) for v in texts],
        summary={
            "respondents": int(summary.get("respondents", len(resp_attrs))),
            "units": int(summary.get("units", len(keys))),
            "non_substantive": int(summary.get("non_substantive", sum(1 for v in subst if not v))),
            "duplicates": int(
                summary.get("duplicates", len(getattr(result, "duplicate_ids", None) or []))
            ),
        },
    )


def _refuse_nul(units: pd.DataFrame, resp_attrs: dict, question_texts: dict) -> None:
    """[S020]: NUL characters cannot be stored by PostgreSQL; one rule for both engines."""
    for col in ("text", "cell_text", "original_text", "respondent_id", "question_id"):
        if col not in units.columns:
            continue
        values = units[col].astype(object)
        hits = [i for i, v in enumerate(values.tolist()) if isinstance(v, str) and "\x00" in v]
        if hits:
            rid = units["respondent_id"].iloc[hits[0]]
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
    rows = conn.execute(select(t.surveys.c.id, t.surveys.c.survey, t.surveys.c.wave)).all()
    prep.survey = _pick_name(prep.survey, sorted({r[1] for r in rows}), "Survey", notices)
    waves = sorted({r[2] for r in rows if r[1] == prep.survey})
    prep.wave = _pick_name(prep.wave, waves, "Wave", notices)
    survey_pk = next((r[0] for r in rows if r[1] == prep.survey and r[2] == prep.wave), None)
    if survey_pk is None:
        return None, notices
    stored_q = [
        q
        for (q,) in conn.execute(
            select(t.questions.c.question_id).where(t.questions.c.survey_pk == survey_pk)
        )
    ]
    mapping: dict[str, str] = {}
    for q in dict.fromkeys([*prep.question_texts, *prep.qids]):
        mapping[q] = _pick_name(q, stored_q, "Question", notices)
    if any(k != v for k, v in mapping.items()):
        prep.qids = [mapping[q] for q in prep.qids]
        prep.question_texts = {mapping.get(k, k): v for k, v in prep.question_texts.items()}
    return survey_pk, notices


def _stored_units(conn: Connection, survey_pk: int) -> dict[tuple[str, str], dict[int, tuple]]:
    """(question_id, respondent_id) -> {unit_index: (text_hash, unit pk, removed)}.

    ``removed``: the unit left its answer in an earlier replace and is kept only because
    something refers to it; it no longer counts as part of the stored answer.
    """
    out: dict[tuple[str, str], dict[int, tuple]] = {}
    query = (
        select(
            t.questions.c.question_id,
            t.respondents.c.respondent_id,
            t.units.c.unit_index,
            t.units.c.text_hash,
            t.units.c.id,
            t.units.c.non_substantive_reason,
        )
        .join(t.questions, t.units.c.question_pk == t.questions.c.id)
        .join(t.respondents, t.units.c.respondent_pk == t.respondents.c.id)
        .where(t.questions.c.survey_pk == survey_pk)
    )
    for q, r, ix, h, pk, reason in conn.execute(query):
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


def _new_cells(prep: PreparedImport) -> dict[tuple[str, str], dict[int, int]]:
    """(question_id, respondent_id) -> {unit_index: position in prep}."""
    out: dict[tuple[str, str], dict[int, int]] = {}
    for pos, (q, r, ix) in enumerate(zip(prep.qids, prep.rids, prep.unit_index, strict=True)):
        out.setdefault((q, r), {})[ix] = pos
    return out


def compare(
    conn: Connection, prep: PreparedImport, survey_pk: int | None, notices: list[str]
) -> tuple[ChangeReport, dict, dict]:
    """The change report, the stored units and the file's cells (both keyed by cell)."""
    report = ChangeReport(prep.survey, prep.wave, survey_pk is not None, notices=notices)
    if survey_pk is None:
        report.new_questions = list(dict.fromkeys(prep.qids))
        report.added_respondents = list(prep.respondents)
        return report, {}, {}
    new = _new_cells(prep)
    old = _stored_units(conn, survey_pk)
    stored_r = {
        r
        for (r,) in conn.execute(
            select(t.respondents.c.respondent_id).where(t.respondents.c.survey_pk == survey_pk)
        )
    }
    stored_q = {q for q, _ in old}
    report.new_questions = [q for q in dict.fromkeys(prep.qids) if q not in stored_q]
    report.added_respondents = [r for r in prep.respondents if r not in stored_r]
    for key, cell in new.items():
        before = old.get(key)
        if before is None:
            continue
        now = {ix: prep.hashes[pos] for ix, pos in cell.items()}
        was = {ix: v[0] for ix, v in before.items() if not v[2]}
        if now != was:
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
    file_q = set(prep.qids)
    file_r = set(prep.respondents)
    report.missing_respondents = list(
        dict.fromkeys(r for (q, r) in old if q in file_q and r not in file_r)
    )
    report.new_questions = [q for q in report.new_questions if q not in stored_q]
    return report, old, new


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
    for f in flags:
        f.update(source_name=prep.source_name, created_at=now)
    if flags:
        conn.execute(t.unit_reviews.insert(), flags)
    return len(changed_pks) + len(gone), len(flags)


def _with_decisions(pks: set[int], conn: Connection) -> set[int]:
    out: set[int] = set()
    for part in chunks(sorted(pks)):
        out.update(
            pk
            for (pk,) in conn.execute(
                select(t.decisions.c.unit_id).where(t.decisions.c.unit_id.in_(part)).distinct()
            )
        )
    return out


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
    report, _, _ = compare(conn, prep, survey_pk, notices)
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
    report, stored_cells, file_cells = compare(conn, prep, survey_pk, notices)
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
    # natural keys only (no hashes: the comparison is done); none to fetch for a new survey
    existing_u: set[tuple[int, int, int]] = (
        set()
        if new_survey
        else {
            (qp, rp, ix)
            for qp, rp, ix in conn.execute(
                select(t.units.c.question_pk, t.units.c.respondent_pk, t.units.c.unit_index)
                .join(t.questions, t.units.c.question_pk == t.questions.c.id)
                .where(t.questions.c.survey_pk == survey_pk)
            )
        }
    )
    replaced = flagged = 0
    if report.changed and on_change == "replace":
        replaced, flagged = _replace_changed(conn, prep, report, stored_cells, file_cells)
    rows = zip(
        qpk,
        rpk,
        prep.unit_index,
        prep.texts,
        prep.cells,
        prep.substantive,
        prep.reasons,
        prep.originals,
        prep.hashes,
        strict=True,
    )
    records = [row for row in rows if row[:3] not in existing_u]
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
