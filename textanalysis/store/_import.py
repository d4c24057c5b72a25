"""Importing an :class:`~textanalysis.ingest.IngestResult` in one transaction, idempotently.

The natural key of a unit is (survey, wave, question, respondent, unit_index): a unit
that is already stored is skipped, never overwritten, because decisions point at it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Connection, select, text, update

from ..embed import text_key
from ..errors import StoreError
from . import schema as t
from ._util import MASKING_POLICIES, chunks, clean_name, none_if_nan
from .schema import utcnow

STANDARD_COLUMNS = (
    "unit_id",
    "respondent_id",
    "question_id",
    "unit_index",
    "text",
    "cell_text",
    "substantive",
    "non_substantive_reason",
    "original_text",
    "wave",
    "survey",
)
REQUIRED_COLUMNS = ("respondent_id", "question_id", "unit_index", "text")
_PG_IMPORT_LOCK = 724_3002
_INSERT_CHUNK = 20_000


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


def attribute_columns(result: Any, units: pd.DataFrame) -> list[str]:
    cols = getattr(result, "attribute_columns", None)
    if cols is None:
        cols = [c for c in units.columns if c not in STANDARD_COLUMNS]
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


def import_units(
    conn: Connection, result: Any, survey: str, wave: str, masking: str | None
) -> dict[str, Any]:
    survey = clean_name(survey, "survey name")
    wave = clean_name(wave, "wave label")
    masking = check_masking(masking)
    units = prepare_units(result, masking)
    attrs = attribute_columns(result, units)
    resp_attrs = respondent_attributes(result, units, attrs)
    question_texts = {str(k): (None if v is None else str(v)) for k, v in dict(getattr(result, "questions", None) or {}).items()}

    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_IMPORT_LOCK})
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
                source_name=getattr(result, "source_name", None),
                source_sha256=getattr(result, "source_sha256", None),
                masking=masking,
                created_at=now,
            )
        ).inserted_primary_key[0]
    elif masking:
        conn.execute(update(t.surveys).where(t.surveys.c.id == survey_pk).values(masking=masking))

    # Questions: insert the new ones, fill in a missing question text.
    qids = list(dict.fromkeys([*question_texts, *units["question_id"].unique()]))
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
                update(t.questions).where(t.questions.c.id == pk).values(question_text=question_texts[q])
            )
    q_pk = dict(
        conn.execute(
            select(t.questions.c.question_id, t.questions.c.id).where(t.questions.c.survey_pk == survey_pk)
        ).all()
    )

    # Respondents: insert new ones; merge attribute values into existing ones.
    existing_r = {
        rid: (pk, a or {})
        for pk, rid, a in conn.execute(
            select(t.respondents.c.id, t.respondents.c.respondent_id, t.respondents.c.attributes).where(
                t.respondents.c.survey_pk == survey_pk
            )
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
            conn.execute(update(t.respondents).where(t.respondents.c.id == pk).values(attributes=merged))
    r_pk = dict(
        conn.execute(
            select(t.respondents.c.respondent_id, t.respondents.c.id).where(
                t.respondents.c.survey_pk == survey_pk
            )
        ).all()
    )

    # Units: skip natural keys that are already stored.
    frame = pd.DataFrame(
        {
            "question_pk": units["question_id"].map(q_pk).astype("int64"),
            "respondent_pk": units["respondent_id"].map(r_pk).astype("int64"),
            "unit_index": units["unit_index"].astype("int64"),
            "text": units["text"].map(lambda v: "" if none_if_nan(v) is None else str(v)),
            "cell_text": units["cell_text"].map(lambda v: None if none_if_nan(v) is None else str(v)),
            "substantive": units["substantive"].map(lambda v: bool(none_if_nan(v))),
            "non_substantive_reason": units["non_substantive_reason"].map(
                lambda v: None if none_if_nan(v) is None else str(v)
            ),
            "original_text": units["original_text"].map(
                lambda v: None if none_if_nan(v) is None else str(v)
            ),
        }
    )
    dup = frame.duplicated(["question_pk", "respondent_pk", "unit_index"])
    if dup.any():
        first = units[dup.to_numpy()].iloc[0]
        raise StoreError(
            "S008",
            f"The units table has unit {first['question_id']}/{first['respondent_id']}/"
            f"{first['unit_index']} twice. Each (question, respondent, unit_index) must be unique; "
            "choose a --duplicates policy when importing.",
        )
    existing_u = {
        (qp, rp, ix): h
        for qp, rp, ix, h in conn.execute(
            select(t.units.c.question_pk, t.units.c.respondent_pk, t.units.c.unit_index, t.units.c.text_hash)
            .join(t.questions, t.units.c.question_pk == t.questions.c.id)
            .where(t.questions.c.survey_pk == survey_pk)
        )
    }
    frame["text_hash"] = frame["text"].map(text_key)
    keys = list(zip(frame["question_pk"], frame["respondent_pk"], frame["unit_index"], strict=True))
    is_new = [k not in existing_u for k in keys]
    changed = sum(
        1 for k, h, n in zip(keys, frame["text_hash"], is_new, strict=True) if not n and existing_u[k] != h
    )
    todo = frame[is_new]
    records = todo.astype(object).to_dict("records")
    for part in chunks(records, _INSERT_CHUNK):
        conn.execute(t.units.insert(), list(part))

    summary = dict(getattr(result, "summary", None) or {})
    duplicates = summary.get("duplicates", len(getattr(result, "duplicate_ids", None) or []))
    return {
        "survey": survey,
        "wave": wave,
        "respondents": int(summary.get("respondents", len(resp_attrs))),
        "units": int(summary.get("units", len(units))),
        "non_substantive": int(
            summary.get("non_substantive", int((~frame["substantive"].astype(bool)).sum()))
        ),
        "duplicates": int(duplicates),
        "new_units": len(records),
        "new_respondents": len(new_r),
        "skipped_units": len(frame) - len(records),
        "changed_units": changed,
        "created": bool(new_survey or records or new_r or new_q),
    }
