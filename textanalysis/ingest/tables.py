"""The ingest contract: unit columns, :class:`RawTable`, :class:`IngestResult`, message helpers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

from ..errors import Errors, IngestError

MAX_CELL_CHARS = 100_000
# Non-empty cells in the chosen question columns of one import (CSV, .xlsx and .sav alike):
# bench/big_import.py (.xlsx, masking on): 199,128 cells import in 42.6 s CPU / 831 MB, 257,801
# in 55.5 s / 913 MB, so the limit keeps a margin under issue 13's 60 s and 1 GB ([I049]).
MAX_ANSWER_CELLS = 200_000
DUPLICATE_POLICIES = ("most-complete", "first", "all")
# What an import does with stored answers that differ in the file (see Store.import_result).
ON_CHANGE_POLICIES = ("stop", "replace", "new-wave")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
SPSS_SUFFIXES = (".sav", ".zsav")
UNIT_COLUMNS = [
    "respondent_id",
    "question_id",
    "unit_index",
    "text",
    "cell_text",
    "substantive",
    "non_substantive_reason",
]
# Every column name of a stored units table (Store.units): no attribute may take one of them.
RESERVED_COLUMNS = ("unit_id", *UNIT_COLUMNS, "original_text", "wave", "survey")
RESERVED = set(RESERVED_COLUMNS)


@dataclass
class RawTable:
    """A survey export as strings: one column per header, ``""`` for empty cells."""

    df: pd.DataFrame
    value_labels: dict[str, dict[str, str]]
    encoding: str | None
    delimiter: str | None
    sheet: str | None
    path: Path
    sha256: str = ""
    column_labels: dict[str, str] = field(default_factory=dict)
    duplicate_columns: dict[str, list[int]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Spreadsheet row of each df row (header = row 1); empty: df row i is row i + 2.
    row_numbers: list[int] = field(default_factory=list)
    # SPSS user-missing values read as empty: column -> {df row: "value 999 is defined as ..."}.
    user_missing: dict[str, dict[int, str]] = field(default_factory=dict)

    def row(self, i: int) -> int:
        """The spreadsheet row of df row ``i``, as messages name it (blank rows count)."""
        return self.row_numbers[i] if self.row_numbers else i + 2


@dataclass
class IngestResult:
    """Answer units (long), respondents with attributes, and what happened on the way."""

    units: pd.DataFrame
    respondents: pd.DataFrame
    questions: dict[str, str]
    attribute_columns: list[str]
    duplicate_ids: list[str]
    duplicates_policy: str
    source_name: str
    source_sha256: str
    summary: dict[str, int]
    warnings: list[str] = field(default_factory=list)


# --- reading -----------------------------------------------------------------------------


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def rows_text(rows: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" (and {len(rows) - limit} more)" if len(rows) > limit else "")


def rows_have(rows: Sequence[int]) -> str:
    """'row 3 has' / '2 rows (3, 7) have'."""
    if len(rows) == 1:
        return f"row {rows[0]} has"
    return f"{len(rows)} rows ({rows_text(rows)}) have"


def unique_headers(header: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    names: list[str] = []
    seen: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        name = (h or "").replace("\ufeff", "").strip() or f"column_{i + 1}"
        seen.setdefault(name, []).append(i + 1)
        count = len(seen[name])
        names.append(name if count == 1 else f"{name} ({count})")
    return names, {k: v for k, v in seen.items() if len(v) > 1}


def cell_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def refuse_answer_cells(source: str, found: str, columns: Sequence[str]) -> NoReturn:
    """[I049]: more than ``MAX_ANSWER_CELLS`` non-empty cells in the chosen question columns."""
    raise IngestError(
        Errors.I049,
        source=source,
        found=found,
        columns=", ".join(f"'{c}'" for c in columns),
        limit=MAX_ANSWER_CELLS,
    )
