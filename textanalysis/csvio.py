"""One reader for every command-line CSV, one rule for code lists, one output-path check.

Every command that takes a CSV (``suggest``, ``evaluate``, ``autocode``, ``topics``,
``frequencies``, ``agreement``, ``mask``) reads it with :func:`read_csv`, so a file that one
command accepts, every command accepts, and it means the same:

- **Encoding**: UTF-8 (a byte-order mark is fine, Excel's "CSV UTF-8" writes one) or UTF-16
  with a byte-order mark (Excel's "Unicode text"). Anything else is refused with the line of
  the first bad byte: guessing an encoding could change the text silently.
- **Delimiter**: ``,``, ``;`` or tab, whichever occurs most often in the header row (outside
  quotes); ties and a one-column header mean ``,``. Header names are stripped of spaces.
- **Codes**: a ``code``/``codes`` cell with several codes separated by ``;`` or ``|``
  (``werkdruk;wachtlijsten``) means several codes (:func:`split_codes`); an empty cell means
  "no code". Code ids cannot contain ``;``, ``|``, ``,`` or spaces (codebook rule C024).

Each command keeps its own error codes (its area letter) for the same failures; they are
passed in as :class:`CsvErrors` (catalogue entries sharing one template per failure, see
:mod:`textanalysis.errors`).

**Writing.** Every CSV the tool writes (``mask``, ``suggest``, ``evaluate``, ``autocode``,
``topics``, ``agreement``, ``frequencies``, ``export``) goes through :func:`write_csv`, which
neutralises formula-looking text (:func:`neutralise`): a string cell starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front
(``=SUM(A1)`` -> ``'=SUM(A1)``), the OWASP rule, so a spreadsheet shows the text instead of
running it. Numbers are never touched. (``.xlsx`` files keep the text verbatim as text
cells instead, see :mod:`textanalysis.report.export`.)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ErrorCode, TextAnalysisError

DELIMITERS = (",", ";", "\t")
CODE_SEPARATORS = (";", "|")
_CODE_SPLIT = re.compile(r"[;|]")
_DELIMITER_NAMES = {",": "','", ";": "';'", "\t": "tab"}


@dataclass(frozen=True)
class CsvErrors:
    """The error class and codes one command uses for the failures of reading a CSV."""

    error: type[TextAnalysisError]
    missing: ErrorCode  # the file does not exist, or is a folder
    encoding: ErrorCode  # not UTF-8 / UTF-16 text (e.g. an Excel workbook or a Windows-1252 export)
    empty: ErrorCode  # no header row
    parse: ErrorCode  # broken quoting, more fields than the header


def split_codes(cell: Any) -> list[str]:
    """``"werkdruk; wachtlijsten"`` or ``"werkdruk|wachtlijsten"`` -> both codes, in order, once each.

    Empty cells and empty parts mean "no code": ``""`` -> ``[]``.
    """
    if cell is None or (isinstance(cell, float) and cell != cell):
        return []
    parts = (p.strip() for p in _CODE_SPLIT.split(str(cell)))
    return list(dict.fromkeys(p for p in parts if p))


def explode_codes(df: pd.DataFrame, column: str = "code") -> pd.DataFrame:
    """One row per code: a row whose ``column`` holds several codes becomes several rows.

    A row without a code keeps one row with ``""`` (e.g. "looked at, no code" in agreement).
    """
    if column not in df.columns or df.empty:
        return df
    lists = [split_codes(c) or [""] for c in df[column]]
    out = df.loc[df.index.repeat([len(x) for x in lists])].copy()
    out[column] = [c for x in lists for c in x]
    out.attrs.update(df.attrs)
    return out.reset_index(drop=True)


def read_csv(path: str | Path, what: str, errors: CsvErrors) -> pd.DataFrame:
    """The CSV as text columns (``dtype=str``, empty cells ``""``), or a typed error naming the fix.

    ``what`` names the file in messages ("Answers", "CODES", ...). The delimiter used is in
    ``df.attrs["delimiter"]``.
    """
    p = Path(path)
    err = errors.error
    if not p.is_file():
        why = "is a folder, not a CSV file" if p.is_dir() else "does not exist"
        raise err(errors.missing, what=what, path=p, why=why)
    data = p.read_bytes()
    text = decode(data, p, what, errors)
    if not text.strip():  # after decoding: an "empty" Excel CSV still holds a byte-order mark
        raise err(errors.empty, what=what, path=p)
    sep = sniff_delimiter(text)
    header, rows = _rows(text, sep, p, what, errors)
    df = pd.DataFrame(rows or None, columns=_unique(header), dtype=str)
    df.attrs["delimiter"] = sep
    return df


def _unique(header: list[str]) -> list[str]:
    """Header names as pandas makes them: a repeated name gets ``.1``, ``.2``; no name ``Unnamed: i``."""
    out: list[str] = []
    for i, h in enumerate(header):
        name = h or f"Unnamed: {i}"
        base, k = name, 0
        while name in out:
            k += 1
            name = f"{base}.{k}"
        out.append(name)
    return out


def _rows(
    text: str, sep: str, p: Path, what: str, errors: CsvErrors
) -> tuple[list[str], list[list[str]]]:
    """Header (names stripped) and data rows, each as long as the header.

    Entirely blank lines are skipped; short rows are padded with ``""``; a row with more
    (non-empty) fields than the header is an error, never a silent shift of columns.
    """
    limit = csv.field_size_limit()
    csv.field_size_limit(2**31 - 1)  # long answers are fine; the file size bounds the work
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    header: list[str] | None = None

    def parse_error(problem: str) -> TextAnalysisError:
        return errors.error(
            errors.parse, what=what, path=p, problem=problem, delimiter=_DELIMITER_NAMES[sep]
        )

    try:
        for row in reader:
            if not row or row == [""]:  # a blank line
                continue
            if header is None:
                header = [c.strip() for c in row]
                continue
            if len(row) > len(header):
                if any(c.strip() for c in row[len(header) :]):
                    raise parse_error(
                        f"line {reader.line_num} has {len(row)} fields, the header {len(header)}"
                    )
                row = row[: len(header)]
            rows.append(row + [""] * (len(header) - len(row)))
    except csv.Error as exc:
        raise parse_error(f"near line {reader.line_num}, {exc}; check the quotes there") from None
    finally:
        csv.field_size_limit(limit)
    if header is None:
        raise errors.error(errors.empty, what=what, path=p)
    return header, rows


def decode(data: bytes, p: Path, what: str, errors: CsvErrors) -> str:
    """UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is a typed error with the line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass  # a BOM-like start that is not UTF-16: report it as not UTF-8 below
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise errors.error(
            errors.encoding,
            what=what,
            path=p,
            problem="an Excel workbook (or another binary file), not a CSV",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise errors.error(
            errors.encoding,
            what=what,
            path=p,
            problem=f"not UTF-8 text (line {line}, byte {data[exc.start : exc.start + 1]!r})",
        ) from None


def _header_line(text: str) -> str:
    """The first row of the file (a quoted field may hold a line break)."""
    in_quotes = False
    for i, ch in enumerate(text[:65536]):
        if ch == '"':
            in_quotes = not in_quotes
        elif ch in "\r\n" and not in_quotes:
            return text[:i]
    return text[:65536]


def sniff_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the most frequent one outside quotes in the header row (ties: ``,``)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    for ch in _header_line(text):
        if ch == '"':
            in_quotes = not in_quotes
        elif not in_quotes and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of equal counts
    return best if counts[best] > 0 else ","


def check_out(
    path: str | Path,
    error: type[TextAnalysisError],
    folder_code: ErrorCode,
    *,
    suffixes: Iterable[str] | None = None,
    suffix_code: ErrorCode | None = None,
) -> Path:
    """An output path checked before any work: the extension (when ``suffixes`` are given,
    ``suffix_code``) and that its folder exists (``folder_code``). Returns it as a Path."""
    p = Path(path)
    if suffixes is not None:
        if suffix_code is None:
            raise TypeError("check_out: suffixes need a suffix_code")
        allowed = [s.lower() for s in suffixes]
        if p.suffix.lower() not in allowed:
            raise error(suffix_code, path=p, suffix=p.suffix, expected=" or ".join(allowed))
    if not p.parent.is_dir():
        raise error(folder_code, folder=p.parent, path=p)
    return p


# --- writing: formula injection ----------------------------------------------------------
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Prefix a single quote to strings a spreadsheet would treat as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with every string cell neutralised (column names too)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col].dtype):
            out[col] = out[col].map(neutralise).astype(object)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | Path, **to_csv: Any) -> None:
    """Write ``df`` as UTF-8 CSV without the index, every text cell neutralised.

    ``to_csv`` passes options such as ``lineterminator`` or ``na_rep`` to pandas.
    """
    neutralise_frame(df).to_csv(path, index=False, encoding="utf-8", **to_csv)
