"""Small helpers shared by the store modules: value checks, chunking, insert-or-ignore."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from ..errors import ErrorCode, Errors, StoreError

VALID_DECISIONS = ("applied", "rejected")
# 'codeframe': carried along by a codeframe operation (merge, split, ...); 'bulk': bulk coding
VALID_SOURCES = ("manual", "suggestion", "auto", "adjudicated", "codeframe", "bulk")
REASON_MAX = 500  # decisions.reason is String(500)
MASKING_POLICIES = ("keep-original", "discard-original")
CHUNK = 500  # ids per IN (...) list: far below every engine's parameter limit


def chunks(seq: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def clean_name(value: Any, what: str) -> str:
    """A non-blank name (coder, survey, wave, code) as a stripped string."""
    empty = value is None or (isinstance(value, float) and math.isnan(value))
    text = "" if empty else str(value).strip()
    if not text:
        raise StoreError(Errors.S013, what=what, value=value)
    return text


def _check_choice(value: Any, allowed: tuple[str, ...], code: ErrorCode, what: str) -> str:
    if value not in allowed:
        raise StoreError(code, what=what, value=value, allowed=", ".join(allowed))
    return value


def check_decision(value: Any) -> str:
    return _check_choice(value, VALID_DECISIONS, Errors.S003, "Decision")


def check_source(value: Any) -> str:
    return _check_choice(value, VALID_SOURCES, Errors.S004, "Decision source")


def check_score(value: Any) -> float | None:
    if value is None:
        return None
    try:
        score = float(value)
    except (TypeError, ValueError):
        raise StoreError(Errors.S017, value=value) from None
    return None if math.isnan(score) else score


def check_reason(value: Any) -> str | None:
    """Why a decision was recorded (None when blank), cut to the column's length."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text[:REASON_MAX] or None


def check_unit_id(value: Any) -> int:
    try:
        if isinstance(value, bool) or float(value) != int(value):
            raise ValueError
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise StoreError(
            Errors.S028,
            value=value,
        ) from None


def check_units_exist(conn: Connection, units_table: Table, ids: Iterable[int]) -> None:
    """Raise [S005] naming the first unknown unit id."""
    wanted = sorted(set(ids))
    for part in chunks(wanted):
        found = set(conn.scalars(select(units_table.c.id).where(units_table.c.id.in_(part))))
        missing = [i for i in part if i not in found]
        if missing:
            raise unknown_unit_error(missing[0], len(missing) - 1)


def unknown_unit_error(unit_id: Any, others: int = 0) -> StoreError:
    """[S005] unit ``unit_id`` (and ``others`` more) is not in this database."""
    more = f" (and {others} more)" if others else ""
    return StoreError(Errors.S005, missing=unit_id, more=more)


def insert_ignore(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> int:
    """Insert rows, skipping those that clash with a unique key; returns rows inserted."""
    if not rows:
        return 0
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        mod = sqlite if name == "sqlite" else postgresql
        total = 0
        stmt = mod.insert(table).on_conflict_do_nothing().returning(literal_column("1"))
        for part in chunks(rows, 2000):
            total += len(conn.execute(stmt, list(part)).all())
        return total
    conn.execute(table.insert(), rows)  # other engines: caller ensures no clash
    return len(rows)


def jsonable(obj: Any) -> Any:
    """Parameters/results as plain JSON (numpy scalars and arrays, paths, dates allowed)."""
    return json.loads(json.dumps(obj, default=_json_default))


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (PurePath, datetime)):
        return str(obj)
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def none_if_nan(value: Any) -> Any:
    """None for None, NaN, pd.NA and NaT; the value otherwise."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value
