"""Reading a survey export (CSV, Excel, SPSS) into a :class:`RawTable` of strings.

CSV encodings and delimiters are sniffed here; Excel lives in :mod:`.excel`."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..errors import Errors, IngestError
from .excel import _read_excel
from .tables import (
    CSV_SUFFIXES,
    EXCEL_SUFFIXES,
    SPSS_SUFFIXES,
    RawTable,
    cell_str,
    plural,
    rows_text,
    unique_headers,
)


def read_table(
    path: str | Path, sheet: str | None = None, answer_columns: Sequence[str] = ()
) -> RawTable:
    """Read a CSV, Excel or SPSS export into a :class:`RawTable` of strings.

    ``answer_columns`` (the question columns of an import) lets the .xlsx reader refuse a
    sheet with more than ``MAX_ANSWER_CELLS`` answers while streaming ([I049]); CSV and .sav
    are counted by :func:`.build_units`, before any splitting, masking or storing."""
    path = Path(path)
    if not path.exists():
        raise IngestError(
            Errors.I001,
            path=path,
        )
    if not path.is_file():
        raise IngestError(Errors.I029, path=path)
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise IngestError(
            Errors.I018,
            sheet=sheet,
            file=path.name,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(Errors.I030, path=path, reason=exc.strerror) from None
    if not data.strip():
        raise IngestError(
            Errors.I002,
            path=path,
        )
    sha = hashlib.sha256(data).hexdigest()
    if suffix in CSV_SUFFIXES:
        raw = _read_csv(path, data)
    elif suffix in EXCEL_SUFFIXES:
        raw = _read_excel(path, data, sheet, answer_columns)
    elif suffix in SPSS_SUFFIXES:
        raw = _read_sav(path)
    elif suffix == ".xls":
        raise IngestError(
            Errors.I033,
            file=path.name,
        )
    else:
        raise IngestError(
            Errors.I003,
            file=path.name,
            suffix=suffix or "(none)",
        )
    raw.sha256 = sha
    if raw.df.shape[1] == 0:
        raise IngestError(
            Errors.I038,
            file=path.name,
        )
    return raw


def _sniff_binary(path: Path, data: bytes) -> None:
    head = data[:8192]
    if head.startswith(b"PK\x03\x04"):
        raise IngestError(
            Errors.I036,
            file=path.name,
        )
    if head.startswith(b"$FL2") or head.startswith(b"$FL3"):
        raise IngestError(
            Errors.I034,
            file=path.name,
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            Errors.I035,
            file=path.name,
        )
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
    if b"\x00" in head and controls > max(8, len(head) // 100):
        # Text with a stray NUL in an answer is not binary: build_units names its row ([I020]).
        raise IngestError(
            Errors.I004,
            file=path.name,
        )


_SURROGATE = re.compile("[\udc80-\udcff]")


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Text and encoding name; UTF-8 mixed with other bytes is refused ([I019])."""
    if data.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise IngestError(
                Errors.I005,
                file=path.name,
            ) from None
    else:
        _sniff_binary(path, data)
        enc = "utf-8"
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError:
        pass
    text = data.decode(enc, errors="surrogateescape")
    bad = len(_SURROGATE.findall(text))
    multibyte = sum(1 for ch in text if ord(ch) > 127 and not 0xDC80 <= ord(ch) <= 0xDCFF)
    if enc == "utf-8-sig" or (multibyte > 0 and bad <= max(3, multibyte // 2)):
        # UTF-8 mixed with bytes of another encoding (usually Windows-1252/Latin-1 text pasted
        # in): refuse rather than import replacement characters or guess per byte.
        lines: list[int] = []
        pos, line = 0, 1
        for m in _SURROGATE.finditer(text):
            line += text.count("\n", pos, m.start())
            pos = m.start()
            if not lines or lines[-1] != line:
                lines.append(line)
        raise IngestError(
            Errors.I019,
            file=path.name,
            bom=" (with BOM)" if enc == "utf-8-sig" else "",
            n_bytes=plural(bad, "byte"),
            line_word="line" if len(lines) == 1 else "lines",
            lines=rows_text(lines),
        )
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError(
            Errors.I037,
            file=path.name,
        )
    return str(best), best.encoding


def _pick_delimiter(text: str) -> str:
    sample = text[:65536]
    first_line = sample.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        sniffed = None
    if sniffed and counts.get(sniffed, 0) > 0:
        return sniffed
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _read_csv(path: Path, data: bytes) -> RawTable:
    text, encoding = _decode(path, data)
    delimiter = _pick_delimiter(text)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)
    rows: list[list[str]] = []
    try:
        rows.extend(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        row = len(rows) + 1  # blank lines are rows too, as in a spreadsheet
        what = (
            'a quote (") is opened but never closed'
            if "end of data" in str(exc) or "EOF" in str(exc)
            else f"the quoting is broken ({exc})"
        )
        raise IngestError(
            Errors.I006,
            file=path.name,
            row=row,
            what=what,
        ) from None
    finally:
        csv.field_size_limit(old_limit)
    numbers = [n for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    rows = [rows[n - 1] for n in numbers]
    if not rows:
        raise IngestError(Errors.I032, file=path.name)
    header, body, numbers = rows[0], rows[1:], numbers[1:]
    width = len(header)
    ragged_pos = [i for i, r in enumerate(body) if len(r) != width]
    ragged = [numbers[i] for i in ragged_pos]
    if ragged:
        first = body[ragged_pos[0]]
        raise IngestError(
            Errors.I007,
            file=path.name,
            n_rows=plural(len(ragged), "row"),
            rows=rows_text(ragged),
            verb="has" if len(ragged) == 1 else "have",
            n_first=len(first),
            width=width,
            delimiter=delimiter,
        )
    names, dups = unique_headers(header)
    df = pd.DataFrame(body, columns=names, dtype=object) if body else pd.DataFrame(columns=names)
    raw = RawTable(
        df=df.astype(str) if len(df) else df,
        value_labels={},
        encoding=encoding,
        delimiter=delimiter,
        sheet=None,
        path=path,
        duplicate_columns=dups,
        row_numbers=numbers,
    )
    return raw


def _read_sav(path: Path) -> RawTable:
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise IngestError(
            Errors.I014,
            file=path.name,
            reason=str(exc).strip() or exc.__class__.__name__,
        ) from None
    out = pd.DataFrame(
        {col: [cell_str(v) for v in df[col].tolist()] for col in df.columns}, dtype=object
    )
    # User-missing values (SPSS "Missing" in Variable View) are read as empty, as SPSS treats
    # them; where they were is kept so a message can name the definition.
    user_missing: dict[str, dict[int, str]] = {}
    for col, ranges in (getattr(meta, "missing_ranges", None) or {}).items():
        if col not in df.columns:
            continue
        values = df[col].tolist()
        hits: dict[int, str] = {}
        for i, v in enumerate(values):
            if v is None or (isinstance(v, float) and v != v):
                continue
            for rng in ranges:
                lo, hi = rng.get("lo"), rng.get("hi")
                try:
                    inside = lo <= v <= hi
                except TypeError:
                    continue
                if inside:
                    shown = cell_str(v)
                    hits[i] = (
                        f"value {shown} is defined as user-missing for variable {col}"
                        if lo == hi
                        else f"value {shown} is in the user-missing range {cell_str(lo)} to "
                        f"{cell_str(hi)} of variable {col}"
                    )
                    break
        if hits:
            out.loc[list(hits), col] = ""
            user_missing[col] = hits
    labels = {
        col: {cell_str(k): str(v) for k, v in mapping.items()}
        for col, mapping in (meta.variable_value_labels or {}).items()
    }
    return RawTable(
        df=out,
        value_labels=labels,
        encoding=getattr(meta, "file_encoding", None),
        delimiter=None,
        sheet=None,
        path=path,
        column_labels={k: v for k, v in (meta.column_names_to_labels or {}).items() if v},
        user_missing=user_missing,
    )
