"""Importing an :class:`~textanalysis.ingest.IngestResult` in one transaction, idempotently.

The natural key of a unit is (survey, wave, question, respondent, unit_index): a unit
that is already stored is skipped, never overwritten, because decisions point at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, select, text, update

from ..embed import text_key
from ..errors import StoreError
from ..ingest import RESERVED_COLUMNS
from . import schema as t
from ._util import MASKING_POLICIES, chunks, clean_name, none_if_nan
from .schema import utcnow

REQUIRED_COLUMNS = ("respondent_id", "question_id", "unit_index", "text")
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
            "S014",
            f"Masking policy {masking!r} is not known. Use one of: {', '.join(MASKING_POLICIES)} "
            "or None (no masking).",
        )
    return masking


def prepare_units(result: Any, masking: str | None) -> pd.DataFrame:
    """The result's units with the optional columns filled in and masking applied."""
    units = getattr(result, "units", None)
    if not isinstance(units, pd.DataFrame):
        raise StoreError(
            "S008",
            f"Cannot import {type(result).__name__}: it has no 'units' DataFrame. "
            "Pass the IngestResult returned by textanalysis.ingest.ingest_file(...).",
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in units.columns]
    if missing:
        raise StoreError(
            "S008",
            f"The units table lacks column(s) {', '.join(missing)} (it has: "
            f"{', '.join(map(str, units.columns))}). Build it with textanalysis.ingest.",
        )
    if masking and "original_text" not in units.columns:
        try:
            from ..privacy import apply_masking
        except ImportError:
            raise StoreError(
                "S014",
                f"Masking policy {masking!r} needs textanalysis.privacy, which is not available. "
                "Mask the units before importing or import without masking.",
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
        raise StoreError(
            "S008", "Some units have a blank respondent_id. Give every respondent an id."
        )
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
            "S008",
            f"The units table has unit {q}/{r}/{i} twice. Each (question, respondent, "
            "unit_index) must be unique; choose a --duplicates policy when importing.",
        )
    texts = [v if v is not None else "" for v in _str_list(units["text"])]
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


def write_import(conn: Connection, prep: PreparedImport) -> dict[str, Any]:
    """The database half of an import; the caller holds one write transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_IMPORT_LOCK})
    survey, wave, masking = prep.survey, prep.wave, prep.masking
    question_texts, resp_attrs = prep.question_texts, prep.respondents
    now = utcnow()
    survey_pk = conn.scalar(
        select(t.surveys.c.id).where(t.surveys.c.survey == survey, t.surveys.c.wave == wave)
    )
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
    keys = list(zip(qpk, rpk, prep.unit_index, strict=True))
    existing_u = {
        (qp, rp, ix): h
        for qp, rp, ix, h in conn.execute(
            select(
                t.units.c.question_pk,
                t.units.c.respondent_pk,
                t.units.c.unit_index,
                t.units.c.text_hash,
            )
            .join(t.questions, t.units.c.question_pk == t.questions.c.id)
            .where(t.questions.c.survey_pk == survey_pk)
        )
    }
    changed = sum(
        1 for k, h in zip(keys, prep.hashes, strict=True) if k in existing_u and existing_u[k] != h
    )
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
        "skipped_units": len(keys) - len(records),
        "changed_units": changed,
        "created": bool(new_survey or records or new_r or new_q),
    }
