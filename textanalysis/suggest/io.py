"""Reading the CSV files of the suggest/evaluate/autocode commands, with clear errors.

Contract: ANSWERS ``id,text`` (other columns ignored), TRAIN ``id,text,codes`` (codes
``;``- or ``|``-separated, empty = no code applies), GOLD ``id,code`` (one row per code; a
cell with ``;``/``|``-separated codes is several codes). Files are read by the one CLI CSV
reader :mod:`textanalysis.csvio` (UTF-8 or UTF-16, ``,`` ``;`` or tab, as every command).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..codebook import Codebook
from ..csvio import CsvErrors, read_csv, split_codes
from ..errors import Errors, SuggestError

# G001 missing file, G002 not UTF-8 text, G003 empty file (or no rows), G009 not a valid CSV
_CSV_ERRORS = CsvErrors(
    SuggestError, missing=Errors.G001, encoding=Errors.G002, empty=Errors.G041, parse=Errors.G009
)


def _read(path: str | Path, what: str, required: list[str]) -> pd.DataFrame:
    p = Path(path)
    df = read_csv(p, what, _CSV_ERRORS)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise SuggestError(
            Errors.G004,
            what=what,
            path=p,
            missing=", ".join(missing),
            columns=", ".join(df.columns),
            required=",".join(required),
        )
    if df.empty:
        raise SuggestError(Errors.G003, what=what, path=p)
    df["id"] = df["id"].str.strip()
    if (df["id"] == "").any():
        row = int((df["id"] == "").to_numpy().argmax()) + 2
        raise SuggestError(Errors.G007, what=what, path=p, row=row)
    return df


def _no_duplicates(df: pd.DataFrame, what: str, path) -> None:
    dup = df["id"][df["id"].duplicated()]
    if len(dup):
        ids = ", ".join(map(repr, dup.unique()[:5]))
        raise SuggestError(
            Errors.G006,
            what=what,
            path=path,
            ids=ids,
        )


def read_answers(path: str | Path) -> pd.DataFrame:
    """``id,text`` (strings; other columns dropped)."""
    df = _read(path, "Answers", ["id", "text"])
    _no_duplicates(df, "Answers", path)
    return df[["id", "text"]].reset_index(drop=True)


def _check_codes(codes: set[str], known: set[str], codebook: Codebook, path, line: int) -> None:
    for c in codes:
        if c not in known:
            listed = ", ".join(codebook.code_ids[:30])
            raise SuggestError(
                Errors.G005,
                c=c,
                line=line,
                path=path,
                codebook=codebook.name,
                listed=listed,
            )


def read_train(path: str | Path, codebook: Codebook) -> pd.DataFrame:
    """``id,text,codes`` with ``codes`` parsed to a set of code ids (validated against the codebook)."""
    df = _read(path, "Training", ["id", "text", "codes"])
    _no_duplicates(df, "Training", path)
    known = set(codebook.code_ids)
    sets = []
    for i, cell in enumerate(df["codes"]):
        codes = set(split_codes(cell))
        _check_codes(codes, known, codebook, path, i + 2)
        sets.append(codes)
    out = df[["id", "text"]].reset_index(drop=True)
    out["codes"] = sets
    return out


def read_gold(
    path: str | Path, codebook: Codebook, answer_ids: list[str] | None = None
) -> dict[str, set[str]]:
    """``id,code`` rows -> {id: codes}; ids must be answers in the answers file."""
    df = _read(path, "Gold", ["id", "code"])
    known = set(codebook.code_ids)
    gold: dict[str, set[str]] = {}
    for i, (aid, cell) in enumerate(zip(df["id"], df["code"], strict=True)):
        codes = set(split_codes(cell))  # "a;b" or "a|b" is two codes, as in every command
        _check_codes(codes, known, codebook, path, i + 2)
        gold.setdefault(aid, set()).update(codes)
    if answer_ids is not None:
        answers = set(answer_ids)
        unknown = [a for a in gold if a not in answers]
        if unknown:
            raise SuggestError(
                Errors.G008,
                path=path,
                unknown=", ".join(map(repr, unknown[:5])),
            )
    return gold


def check_target_precision(value: float) -> float:
    if not 0.5 <= value < 1.0:
        raise SuggestError(
            Errors.G011,
            value=value,
        )
    return value
