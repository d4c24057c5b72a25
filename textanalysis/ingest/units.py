"""Building answer units (one row per unit) and respondents from a :class:`RawTable`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Errors, IngestError
from . import tables
from .nonanswers import EXCEL_ERRORS, non_substantive_reason
from .readers import read_table
from .split import split_units
from .tables import (
    DUPLICATE_POLICIES,
    MAX_CELL_CHARS,
    RESERVED,
    UNIT_COLUMNS,
    IngestResult,
    RawTable,
    plural,
    refuse_answer_cells,
    rows_have,
    rows_text,
)


def _resolve_column(raw: RawTable, name: str, role: str) -> str:
    cols = list(raw.df.columns)
    source = raw.path.name
    if name in raw.duplicate_columns:
        places = ", ".join(str(i) for i in raw.duplicate_columns[name])
        raise IngestError(
            Errors.I010,
            name=name,
            count=len(raw.duplicate_columns[name]),
            source=source,
            places=places,
            role=role,
        )
    if name in cols:
        return name
    folded = [c for c in cols if c.casefold() == name.strip().casefold()]
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(name, cols, n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    listed = ", ".join(repr(c) for c in cols[:40]) + (
        f" (and {len(cols) - 40} more)" if len(cols) > 40 else ""
    )
    raise IngestError(
        Errors.I009,
        role=role[0].upper() + role[1:],
        name=name,
        source=source,
        hint=hint,
        listed=listed,
    )


def _check_spec(questions: Mapping[str, str]) -> None:
    if not questions:
        raise IngestError(
            Errors.I043,
        )
    for qid, col in questions.items():
        if not str(qid).strip() or not str(col).strip():
            raise IngestError(
                Errors.I044,
                qid=qid,
                col=col,
            )
    seen: dict[str, str] = {}
    for qid in questions:
        key = str(qid).strip().casefold()
        if key in seen:
            raise IngestError(
                Errors.I045,
                seen=seen[key],
                qid=str(qid).strip(),
            )
        seen[key] = str(qid).strip()


def _completeness(df: pd.DataFrame) -> pd.Series:
    return df.apply(lambda s: s.str.strip().ne("")).sum(axis=1)


def build_units(
    raw: RawTable,
    id_column: str,
    questions: Mapping[str, str],
    attributes: Iterable[str] = (),
    duplicates: str = "most-complete",
) -> IngestResult:
    """Long answer units from a raw table (see docs/architecture.md for the columns).

    ``questions`` maps a question id to its column; ``attributes`` are respondent columns
    (value labels applied). ``duplicates``: keep the ``most-complete`` row of a repeated
    respondent id (most filled cells over the whole row; the first on a tie), the ``first``,
    or ``all`` (later ones get ids ``id#2``, ``id#3``).
    """
    attributes = list(dict.fromkeys(attributes))
    if duplicates not in DUPLICATE_POLICIES:
        raise IngestError(
            Errors.I016,
            duplicates=duplicates,
            duplicate_policies=", ".join(DUPLICATE_POLICIES),
        )
    _check_spec(questions)
    source = raw.path.name
    id_col = _resolve_column(raw, id_column, "id column")
    q_cols = {
        str(q).strip(): _resolve_column(raw, c, f"question column for {q}")
        for q, c in questions.items()
    }
    a_cols = [_resolve_column(raw, a, "attribute column") for a in attributes]
    used: dict[str, str] = {id_col: "the id column"}
    for qid, col in q_cols.items():
        if col in used:
            raise IngestError(
                Errors.I046,
                col=col,
                used=used[col],
                qid=qid,
            )
        used[col] = f"question {qid}"
    for col in a_cols:
        if col in used:
            raise IngestError(
                Errors.I047,
                col=col,
                used=used[col],
            )
        if col in RESERVED:
            raise IngestError(
                Errors.I048,
                col=col,
                reserved=", ".join(sorted(RESERVED)),
            )
        used[col] = "an attribute"

    df = raw.df
    if df.empty:
        raise IngestError(
            Errors.I008,
            source=source,
        )
    # Bound the work before splitting, masking or storing (the .xlsx reader checks while streaming).
    n_answers = sum(int(df[c].astype(str).str.strip().ne("").sum()) for c in q_cols.values())
    if n_answers > tables.MAX_ANSWER_CELLS:
        refuse_answer_cells(source, f"{n_answers:,}", list(q_cols.values()))
    selected = [id_col, *q_cols.values(), *a_cols]
    sub = df[selected].astype(str)
    for col in selected:
        lengths = sub[col].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            row = raw.row(int(lengths.idxmax()))
            raise IngestError(
                Errors.I015,
                source=source,
                row=row,
                col=col,
                length=lengths.max(),
                limit=MAX_CELL_CHARS,
            )
    for col in selected:
        nul = sub.index[sub[col].str.contains("\x00", regex=False)]
        if len(nul):
            rows = [raw.row(int(i)) for i in nul]
            raise IngestError(
                Errors.I020,
                source=source,
                col=col,
                rows=rows_have(rows),
            )
    ids = sub[id_col].str.strip()
    filled = (
        sub.drop(columns=[id_col]).apply(lambda s: s.str.strip().ne("")).any(axis=1)
        if len(sub)
        else ids.ne("")
    )
    blank = ids.eq("")
    bad_rows = [raw.row(int(i)) for i in sub.index[blank & filled]]
    missing_defs = raw.user_missing.get(id_col, {})
    if missing_defs:
        rows = [raw.row(i) for i in sorted(missing_defs)]
        defs = list(dict.fromkeys(missing_defs[i] for i in sorted(missing_defs)))
        raise IngestError(
            Errors.I025,
            source=source,
            rows=rows_have(rows),
            defs="; ".join(defs[:3]),
            more=" ..." if len(defs) > 3 else "",
            id_col=id_col,
        )
    if bad_rows:
        raise IngestError(
            Errors.I011,
            source=source,
            n_rows=plural(len(bad_rows), "row"),
            id_col=id_col,
            rows=rows_text(bad_rows),
        )
    errors = ids.str.upper().isin(EXCEL_ERRORS)
    if errors.any():
        rows = [raw.row(int(i)) for i in sub.index[errors]]
        raise IngestError(
            Errors.I024,
            source=source,
            rows=rows_have(rows),
            id_col=id_col,
            iloc=ids[errors].iloc[0],
        )
    keep = ~blank
    sub, ids = sub[keep], ids[keep]
    counts = ids.value_counts()
    dup_ids = list(dict.fromkeys(ids[ids.map(counts) > 1]))
    if dup_ids and duplicates != "all":
        if duplicates == "first":
            chosen = ~ids.duplicated(keep="first")
        else:
            score = _completeness(df.loc[sub.index].astype(str))
            order = pd.DataFrame({"id": ids, "score": score, "pos": range(len(ids))})
            best = order.sort_values(["score", "pos"], ascending=[False, True]).drop_duplicates(
                "id"
            )
            chosen = ids.index.isin(best.index)
        sub, ids = sub[chosen], ids[chosen]
    elif dup_ids:
        rank = ids.groupby(ids).cumcount() + 1
        ids = ids.where(rank.eq(1), ids + "#" + rank.astype(str))

    notes = list(raw.warnings)
    if dup_ids:
        kept = {
            "most-complete": "kept the most complete row of each",
            "first": "kept the first row of each",
            "all": "kept all rows, later ones as id#2, id#3",
        }[duplicates]
        notes.append(
            f"'{source}': {plural(len(dup_ids), 'respondent id')} occur more than once "
            f"({', '.join(dup_ids[:10])}{' ...' if len(dup_ids) > 10 else ''}); {kept} (--duplicates {duplicates})."
        )

    attr_values: dict[str, list[str]] = {}
    for col in a_cols:
        labels = raw.value_labels.get(col, {})
        values = sub[col].str.strip()
        attr_values[col] = (
            values.map(lambda v, lab=labels: lab.get(v, v)).tolist() if labels else values.tolist()
        )

    id_list = ids.tolist()
    reason_cache: dict[str, str | None] = {}
    cols: dict[str, list[Any]] = {c: [] for c in UNIT_COLUMNS}
    attr_out: dict[str, list[str]] = {c: [] for c in a_cols}
    for qid, col in q_cols.items():
        cells = sub[col].tolist()
        for row_pos, cell in enumerate(cells):
            pieces = split_units(cell) or [""]
            for idx, piece in enumerate(pieces):
                if piece not in reason_cache:
                    reason_cache[piece] = non_substantive_reason(piece)
                reason = reason_cache[piece]
                cols["respondent_id"].append(id_list[row_pos])
                cols["question_id"].append(qid)
                cols["unit_index"].append(idx)
                cols["text"].append(piece)
                cols["cell_text"].append(cell)
                cols["substantive"].append(reason is None)
                cols["non_substantive_reason"].append(reason)
                for a in a_cols:
                    attr_out[a].append(attr_values[a][row_pos])
    units = pd.DataFrame({**cols, **attr_out})
    units["unit_index"] = units["unit_index"].astype(int)
    units["substantive"] = units["substantive"].astype(bool)
    # object dtype so a substantive unit's reason is None, not NaN (pandas infers str otherwise)
    units["non_substantive_reason"] = pd.Series(cols["non_substantive_reason"], dtype=object)
    respondents = pd.DataFrame({"respondent_id": id_list, **attr_values})
    non_sub = int((~units["substantive"]).sum()) if len(units) else 0
    return IngestResult(
        units=units,
        respondents=respondents,
        # The question text: the SPSS variable label when the export has one, else the header.
        questions={q: raw.column_labels.get(c) or c for q, c in q_cols.items()},
        attribute_columns=a_cols,
        duplicate_ids=dup_ids,
        duplicates_policy=duplicates,
        source_name=source,
        source_sha256=raw.sha256,
        summary={
            "respondents": len(respondents),
            "units": len(units),
            "non_substantive": non_sub,
            "duplicates": len(dup_ids),
        },
        warnings=notes,
    )


def ingest_file(
    path: str | Path,
    id_column: str,
    questions: Mapping[str, str],
    attributes: Iterable[str] = (),
    sheet: str | None = None,
    duplicates: str = "most-complete",
) -> IngestResult:
    """Read a survey export and turn it into answer units in one step."""
    raw = read_table(path, sheet=sheet, answer_columns=list(questions.values()))
    return build_units(raw, id_column, questions, attributes, duplicates=duplicates)
