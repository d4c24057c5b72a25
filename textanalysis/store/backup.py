"""Portable backup: every table except the caches as JSON lines, and restoring it.

Line 1 is a header (format, format_version, schema_revision, row counts per table); every
other line is ``{"table": name, "row": {...}}`` with the database ids kept, so decisions
still point at the same units after a restore. The row counts let a restore detect a
truncated file. Datetimes are ISO strings, bytes are base64.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, LargeBinary, Table, func, select, text

from ..errors import Errors, StoreError
from . import engine as eng
from . import schema as t

# ``store`` below is a textanalysis.store.Store: core imports this module, never the reverse.
FORMAT = "textanalysis-export"
FORMAT_VERSION = 1
# In foreign-key order: parents first.
CONTENT_TABLES: tuple[Table, ...] = (
    t.surveys,
    t.questions,
    t.respondents,
    t.units,
    t.codebooks,
    t.decisions,
    t.memos,
    t.assignments,
    t.runs,
    t.unit_reviews,
)
_BY_NAME = {tab.name: tab for tab in CONTENT_TABLES}
_BATCH = 5000


def _encode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for col in table.columns:
        v = row[col.name]
        if v is not None and isinstance(col.type, DateTime):
            v = v.isoformat()
        elif v is not None and isinstance(col.type, LargeBinary):
            v = base64.b64encode(bytes(v)).decode("ascii")
        out[col.name] = v
    return out


def _decode(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for col in table.columns:
        if col.name not in row:
            if col.nullable or col.primary_key:
                out[col.name] = None
                continue
            raise StoreError(
                Errors.S010,
                table_name=table.name,
                col_name=col.name,
            )
        v = row[col.name]
        if v is not None and isinstance(col.type, DateTime):
            v = datetime.fromisoformat(v)
        elif v is not None and isinstance(col.type, LargeBinary):
            v = base64.b64decode(v)
        out[col.name] = v
    return out


def _has_nul(value: Any) -> bool:
    """True when a NUL character is in any string of a decoded JSON value."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def export_all(store: Any, path: Path) -> dict[str, int]:
    """Write one consistent snapshot (a single read transaction) to ``path``."""
    tmp = path.with_name(path.name + ".part")
    counts: dict[str, int] = {}
    try:
        with store.engine.connect() as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            for tab in CONTENT_TABLES:
                counts[tab.name] = conn.scalar(select(func.count()).select_from(tab)) or 0
            header = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_revision": eng.current_revision(store.engine),
                "exported_at": datetime.now().astimezone().isoformat(timespec="seconds"),
                "counts": counts,
            }
            with tmp.open("w", encoding="utf-8", newline="\n") as fh:
                fh.write(json.dumps(header, ensure_ascii=False) + "\n")
                for tab in CONTENT_TABLES:
                    res = conn.execute(select(tab).order_by(*tab.primary_key.columns))
                    for row in res.mappings():
                        line = {"table": tab.name, "row": _encode(tab, dict(row))}
                        fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(Errors.S034, path=path, reason=exc.strerror) from None
    tmp.replace(path)
    return counts


def _read_header(fh, path: Path) -> dict[str, Any]:
    first = fh.readline()
    try:
        header = json.loads(first)
    except (json.JSONDecodeError, UnicodeDecodeError):
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise StoreError(
            Errors.S035,
            path=path,
        )
    if int(header.get("format_version", 0)) > FORMAT_VERSION:
        raise StoreError(
            Errors.S036,
            path=path,
            format_version=header["format_version"],
            supported=FORMAT_VERSION,
        )
    return header


def restore(store: Any, path: Path) -> dict[str, int]:
    """Load an export into an empty database in one transaction (all or nothing)."""
    if not path.is_file():
        raise StoreError(Errors.S037, path=path)
    if not store.is_empty():
        raise StoreError(
            Errors.S009,
            url=eng.display_url(store.url),
        )
    counts = {tab.name: 0 for tab in CONTENT_TABLES}
    try:
        with path.open("r", encoding="utf-8") as fh, eng.write_transaction(store.engine) as conn:
            header = _read_header(fh, path)
            pending: dict[str, list[dict[str, Any]]] = {name: [] for name in _BY_NAME}
            order = [tab.name for tab in CONTENT_TABLES]

            def flush(upto: int) -> None:
                # Insert buffered rows of every table before position ``upto`` in FK order.
                for name in order[: upto + 1]:
                    if pending[name]:
                        conn.execute(_BY_NAME[name].insert(), pending[name])
                        pending[name] = []

            for lineno, line in enumerate(fh, start=2):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    name, row = item["table"], item["row"]
                    if not isinstance(name, str) or not isinstance(row, dict):
                        raise TypeError("table must be a name and row an object")
                except (json.JSONDecodeError, KeyError, TypeError):
                    raise StoreError(
                        Errors.S038,
                        lineno=lineno,
                        path=path,
                    ) from None
                if "\\u0000" in line and _has_nul(row):
                    raise StoreError(
                        Errors.S021,
                        lineno=lineno,
                        path=path,
                        name=name,
                        row=row.get("id", "?"),
                    )
                if name not in _BY_NAME:
                    raise StoreError(
                        Errors.S039,
                        lineno=lineno,
                        path=path,
                        name=name,
                        order=", ".join(order),
                    )
                pending[name].append(_decode(_BY_NAME[name], row))
                counts[name] += 1
                if len(pending[name]) >= _BATCH:
                    flush(order.index(name))
            flush(len(order) - 1)
            expected = {k: int(v) for k, v in (header.get("counts") or {}).items()}
            for name, n in expected.items():
                if counts.get(name, 0) != n:
                    raise StoreError(
                        Errors.S040,
                        path=path,
                        n=n,
                        name=name,
                        counts=counts.get(name, 0),
                    )
            if conn.dialect.name == "postgresql":
                for tab in CONTENT_TABLES:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{tab.name}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {tab.name}), 0) + 1, false)"
                        )
                    )
    except UnicodeDecodeError:
        raise StoreError(Errors.S041, path=path) from None
    return counts
