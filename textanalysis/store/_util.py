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

from ..errors import StoreError

VALID_DECISIONS = ("applied", "rejected")
VALID_SOURCES = ("manual", "suggestion", "auto", "adjudicated")
MASKING_POLICIES = ("keep-original", "discard-original")
CHUNK = 500  # ids per IN (...) list: far below every engine's parameter limit


def chunks(seq: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def clean_name(value: Any, what: str, code: str = "S013") -> str:
    """A non-blank name (coder, survey, wave, code) as a stripped string."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        raise StoreError(code, f"The {what} is empty. Give a non-empty {what}.")
    text = str(value).strip()
    if not text:
        raise StoreError(code, f"The {what} {value!r} is blank. Give a non-empty {what}.")
    return text


def _check_choice(value: Any, allowed: tuple[str, ...], code: str, what: str) -> str:
    if value not in allowed:
        raise StoreError(code, f"{what} {value!r} is not valid. Use one of: {', '.join(allowed)}.")
    return value


def check_decision(value: Any) -> str:
    return _check_choice(value, VALID_DECISIONS, "S003", "Decision")


def check_source(value: Any) -> str:
    return _check_choice(value, VALID_SOURCES, "S004", "Decision source")


def check_score(value: Any) -> float | None:
    if value is None:
        return None
    try:
        score = float(value)
    except (TypeError, ValueError):
        raise StoreError(
            "S017", f"Score {value!r} is not a number. Give a float (e.g. 0.83) or None."
        ) from None
    return None if math.isnan(score) else score


def check_unit_id(value: Any) -> int:
    try:
        if isinstance(value, bool) or float(value) != int(value):
            raise ValueError
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise StoreError(
            "S005",
            f"Unit id {value!r} is not an integer. Use the unit_id column of Store.units(...).",
        ) from None


def check_units_exist(conn: Connection, units_table: Table, ids: Iterable[int]) -> None:
    """Raise [S005] naming the first unknown unit id."""
    wanted = sorted(set(ids))
    for part in chunks(wanted):
        found = set(conn.scalars(select(units_table.c.id).where(units_table.c.id.in_(part))))
        missing = [i for i in part if i not in found]
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise StoreError(
                "S005",
                f"Unit id {missing[0]}{more} does not exist in this database. "
                "Use unit_id values from Store.units(...) of the same database.",
            )


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
