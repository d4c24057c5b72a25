"""Reading survey exports (CSV, Excel, SPSS) into answer units.

One row per answer unit: a multi-answer cell ("benoem maximaal 3 ontwikkelingen") is split
at line breaks, bullets, numbering and semicolons, never inside a sentence; the whole cell
is kept as ``cell_text``. Non-answers ("nvt", "geen", "-") are kept but flagged, so they
stay visible yet out of N. Everything a user can get wrong raises :class:`IngestError`
naming the file, row or column and the fix; nothing is half-read.

Documented handling of awkward input:

* Row numbers in messages are spreadsheet rows: the header is row 1, the first answer row 2.
* CSV encodings: UTF-8, UTF-8 with BOM, UTF-16 with BOM, Windows-1252. UTF-8 mixed with
  bytes of another encoding (Latin-1 text pasted into a UTF-8 file) is refused with [I019]
  naming the lines: replacement characters are never imported. (A file whose only non-ASCII
  bytes are invalid UTF-8 cannot be told apart from Windows-1252 and is read as Windows-1252.)
* A NUL character (\\x00) in a selected column is refused with [I020] naming rows and column:
  one rule for SQLite and PostgreSQL (PostgreSQL cannot store it).
* CSV rows with more or fewer fields than the header are an error (the columns would shift).
* Excel: read streamed (openpyxl read-only) with bounded work: only cells holding a value
  are kept, so formatting far down or right costs nothing. Zip bombs and oversized files
  ([I021]) and shared-string tables far beyond the cells that use them ([I022]) are refused
  before reading. Without ``sheet`` the first *visible* sheet is read (hidden ones skipped,
  reported in the warnings; [I023] when none is visible); a hidden sheet named with ``sheet``
  is read, with a warning. Formulas give their cached values (a formula never calculated by
  Excel is empty and reported in the warnings); Excel error values (``#N/A``, ``#DIV/0!``,
  ...) are reported in the warnings and count as non-answers ("spreadsheet error"); as a
  respondent id they are refused ([I024]). A merged range is read as its top-left value
  repeated in every cell of the range (what the sheet shows), also reported in the warnings.
* SPSS: user-missing values (Variable View > Missing) are read as empty, as SPSS does; on the
  id column that is refused with [I025] naming the definition ("value 999 is defined as
  user-missing for variable RESPNR").
* A selected cell longer than ``MAX_CELL_CHARS`` is an error: real answers are far shorter
  and such cells usually come from an unclosed quote that swallowed the rest of the file.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import hashlib
import io
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import IngestError

MAX_CELL_CHARS = 100_000
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
_RESERVED = set(RESERVED_COLUMNS)


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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _rows_text(rows: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" (and {len(rows) - limit} more)" if len(rows) > limit else "")


def _rows_have(rows: Sequence[int]) -> str:
    """'row 3 has' / '2 rows (3, 7) have'."""
    if len(rows) == 1:
        return f"row {rows[0]} has"
    return f"{len(rows)} rows ({_rows_text(rows)}) have"


def read_table(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read a CSV, Excel or SPSS export into a :class:`RawTable` of strings."""
    path = Path(path)
    if not path.exists():
        raise IngestError(
            "I001",
            f"File '{path}' does not exist. Check the path and the file name (with extension).",
        )
    if not path.is_file():
        raise IngestError(
            "I001", f"'{path}' is a directory, not a file. Give the path of the export file."
        )
    suffix = path.suffix.lower()
    if sheet is not None and suffix not in EXCEL_SUFFIXES:
        raise IngestError(
            "I018",
            f"--sheet '{sheet}' was given but '{path.name}' is not an Excel file; leave out --sheet.",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(
            "I001", f"File '{path}' cannot be read ({exc.strerror}). Check its permissions."
        ) from None
    if not data.strip():
        raise IngestError(
            "I002",
            f"File '{path}' is empty. Export the survey again; the file needs a header row and answers.",
        )
    sha = hashlib.sha256(data).hexdigest()
    if suffix in CSV_SUFFIXES:
        raw = _read_csv(path, data)
    elif suffix in EXCEL_SUFFIXES:
        raw = _read_excel(path, data, sheet)
    elif suffix in SPSS_SUFFIXES:
        raw = _read_sav(path)
    elif suffix == ".xls":
        raise IngestError(
            "I003",
            f"'{path.name}' is an old Excel 97-2003 file (.xls). Open it in Excel and save it as .xlsx.",
        )
    else:
        raise IngestError(
            "I003",
            f"'{path.name}' has an unsupported extension '{suffix or '(none)'}'. "
            "Supported: .csv/.tsv/.txt, .xlsx, .sav. Export the survey in one of these formats.",
        )
    raw.sha256 = sha
    if raw.df.shape[1] == 0:
        raise IngestError(
            "I008",
            f"'{path.name}' has no columns. Check that the first row holds the column names.",
        )
    return raw


def _sniff_binary(path: Path, data: bytes) -> None:
    head = data[:8192]
    if head.startswith(b"PK\x03\x04"):
        raise IngestError(
            "I004",
            f"'{path.name}' is not a CSV text file: it is a zip archive, probably an Excel .xlsx "
            "renamed to .csv. Rename it to .xlsx or export it from Excel as CSV.",
        )
    if head.startswith(b"$FL2") or head.startswith(b"$FL3"):
        raise IngestError(
            "I004",
            f"'{path.name}' is not a CSV text file but an SPSS .sav file. Rename it to .sav.",
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise IngestError(
            "I004",
            f"'{path.name}' is an old Excel (.xls) file, not CSV. Save it as .xlsx or CSV in Excel.",
        )
    controls = sum(head.count(bytes([b])) for b in (*range(0, 9), *range(14, 32)))
    if b"\x00" in head and controls > max(8, len(head) // 100):
        # Text with a stray NUL in an answer is not binary: build_units names its row ([I020]).
        raise IngestError(
            "I004",
            f"'{path.name}' is a binary file, not CSV text (it contains NUL bytes). "
            "Export the survey as CSV (UTF-8) or .xlsx.",
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
                "I005",
                f"'{path.name}' starts like UTF-16 text but cannot be decoded. Export it as CSV UTF-8.",
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
            "I019",
            f"'{path.name}' is UTF-8{' (with BOM)' if enc == 'utf-8-sig' else ''} but "
            f"{_plural(bad, 'byte')} on {'line' if len(lines) == 1 else 'lines'} {_rows_text(lines)} "
            "are not UTF-8 (probably Windows-1252/Latin-1 text pasted in, e.g. 'é' as one byte). "
            "Nothing was imported. Open the file in a spreadsheet or text editor, check those lines "
            "and save it as 'CSV UTF-8', then import again.",
        )
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise IngestError(
            "I005",
            f"The encoding of '{path.name}' cannot be determined (not UTF-8 or Windows-1252). "
            "Export the survey as CSV UTF-8.",
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


def _unique_headers(header: list[str]) -> tuple[list[str], dict[str, list[int]]]:
    names: list[str] = []
    seen: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        name = (h or "").replace("\ufeff", "").strip() or f"column_{i + 1}"
        seen.setdefault(name, []).append(i + 1)
        count = len(seen[name])
        names.append(name if count == 1 else f"{name} ({count})")
    return names, {k: v for k, v in seen.items() if len(v) > 1}


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
            "I006",
            f"'{path.name}' row {row}: {what}. Fix the quotes in that row, or open the file in a "
            "spreadsheet and save it as CSV again.",
        ) from None
    finally:
        csv.field_size_limit(old_limit)
    numbers = [n for n, r in enumerate(rows, start=1) if any(c.strip() for c in r)]
    rows = [rows[n - 1] for n in numbers]
    if not rows:
        raise IngestError("I002", f"File '{path.name}' has no rows. Export the survey again.")
    header, body, numbers = rows[0], rows[1:], numbers[1:]
    width = len(header)
    ragged_pos = [i for i, r in enumerate(body) if len(r) != width]
    ragged = [numbers[i] for i in ragged_pos]
    if ragged:
        first = body[ragged_pos[0]]
        raise IngestError(
            "I007",
            f"'{path.name}': {_plural(len(ragged), 'row')} ({_rows_text(ragged)}) "
            f"{'has' if len(ragged) == 1 else 'have'} a different number of fields than the header "
            f"({len(first)} instead of {width}, delimiter {delimiter!r}). Usually a text contains the "
            "delimiter or a quote without enclosing quotes; open the file in a spreadsheet and save it "
            "as CSV again, or fix those rows.",
        )
    names, dups = _unique_headers(header)
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


def _cell_str(value: Any) -> str:
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


# Bounds for .xlsx (a zip of XML): what a real survey export never exceeds, so hostile or broken
# files are refused before any work that grows with their claimed size.
MAX_XLSX_UNPACKED = 150 * 1024 * 1024  # bytes of XML after decompression, all parts together
MAX_XLSX_RATIO = 200  # decompressed / compressed size of one part (zip bomb)
SHARED_STRINGS_SLACK = 10_000  # unused shared strings tolerated beyond the string cells
_SCAN_CHUNK = 1 << 20


def _zip_part_scan(zf: Any, name: str, needles: tuple[bytes, ...]) -> list[int]:
    """Occurrences of each needle in one zip part, streamed (bounded memory)."""
    counts = [0] * len(needles)
    tail = b""
    keep = max(len(n) for n in needles) - 1
    with zf.open(name) as fh:
        while chunk := fh.read(_SCAN_CHUNK):
            buf = tail + chunk
            for i, needle in enumerate(needles):
                # Count matches that end inside the new chunk only (none twice across chunks).
                counts[i] += buf.count(needle) - tail.count(needle)
            tail = buf[-keep:] if keep else b""
    return counts


def _check_xlsx_bounds(path: Path, data: bytes) -> None:
    """Refuse zip bombs and shared-string tables far beyond the cells that use them."""
    import zipfile

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise IngestError(
            "I013",
            f"'{path.name}' cannot be read as an Excel .xlsx file (not a valid zip archive). "
            "Open it in Excel and save it as .xlsx again, or export as CSV.",
        ) from None
    with zf:
        unpacked = sum(i.file_size for i in infos)
        bomb = [
            i.filename
            for i in infos
            if i.file_size > 1024 * 1024 and i.file_size > MAX_XLSX_RATIO * max(i.compress_size, 1)
        ]
        if unpacked > MAX_XLSX_UNPACKED or bomb:
            what = (
                f"part '{bomb[0]}' unpacks to {infos[[i.filename for i in infos].index(bomb[0])].file_size:,} "
                "bytes, far more than its compressed size"
                if bomb
                else f"it unpacks to {unpacked:,} bytes (limit {MAX_XLSX_UNPACKED:,})"
            )
            raise IngestError(
                "I021",
                f"'{path.name}' is refused as an unsafe or oversized .xlsx: {what}. "
                "Open it in Excel, delete unused rows, columns and sheets and save it again, "
                "or export the survey as CSV.",
            )
        names = {i.filename for i in infos}
        sst = next((n for n in names if n.lower() == "xl/sharedstrings.xml"), None)
        if sst is None:
            return
        try:
            (strings,) = _zip_part_scan(zf, sst, (b"<si>",))
            if strings <= SHARED_STRINGS_SLACK:
                return
            used = 0
            for name in names:
                if name.lower().startswith("xl/worksheets/") and name.lower().endswith(".xml"):
                    used += sum(_zip_part_scan(zf, name, (b' t="s"', b" t='s'")))
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            raise IngestError(
                "I013",
                f"'{path.name}' cannot be read as an Excel .xlsx file (a damaged part). "
                "Open it in Excel and save it as .xlsx again, or export as CSV.",
            ) from None
    if strings > 10 * used + SHARED_STRINGS_SLACK:
        raise IngestError(
            "I022",
            f"'{path.name}' is refused: its shared-strings table holds {strings:,} texts but the "
            f"sheets use at most {used:,} (a damaged or hostile file would take very long to read). "
            "Open it in Excel and save it as .xlsx again (Excel drops unused texts), or export as CSV.",
        )


def _pick_sheet(path: Path, wb: Any, sheet: str | None) -> tuple[Any, str | None]:
    """The worksheet to read and a note when it is hidden (see read_table's docstring)."""
    sheets = wb.worksheets
    if sheet is not None:
        match = [ws for ws in sheets if ws.title == sheet]
        if not match:
            raise IngestError(
                "I012",
                f"Sheet '{sheet}' not found in '{path.name}'. Sheets: "
                + ", ".join(f"'{ws.title}'" for ws in sheets)
                + ". Pass one of them with --sheet.",
            )
        ws = match[0]
        if ws.sheet_state != "visible":
            return ws, (
                f"'{path.name}': sheet '{ws.title}' is hidden in Excel; it was read because "
                "--sheet names it."
            )
        return ws, None
    visible = [ws for ws in sheets if ws.sheet_state == "visible"]
    if not visible:
        raise IngestError(
            "I023",
            f"'{path.name}' has no visible worksheet (hidden: "
            + ", ".join(f"'{ws.title}'" for ws in sheets)
            + "). Name the sheet to import with --sheet, or unhide it in Excel.",
        )
    ws = visible[0]
    skipped = [w.title for w in sheets[: sheets.index(ws)]]
    note = (
        f"'{path.name}': hidden sheet{'s' if len(skipped) > 1 else ''} "
        + ", ".join(f"'{t}'" for t in skipped)
        + f" skipped; read the first visible sheet '{ws.title}' (use --sheet to choose another)."
        if skipped
        else None
    )
    return ws, note


def _read_excel(path: Path, data: bytes, sheet: str | None) -> RawTable:
    """Read one sheet with bounded work: streamed (openpyxl read-only), only rows with data.

    Rows and columns that exist only as formatting cost nothing: the XML is streamed and only
    cells with a value are kept, so the work grows with the cells that hold data, never with
    the sheet's claimed dimensions.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    _check_xlsx_bounds(path, data)

    class _Parser(WorkSheetParser):
        def parse_cell(self, element):  # noqa: ANN001, ANN202
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                self.uncached.append(f"{get_column_letter(cell['column'])}{cell['row']}")
            return cell

    try:
        with warnings.catch_warnings():  # openpyxl warns about styles/validation
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise IngestError(
            "I013",
            f"'{path.name}' cannot be read as an Excel .xlsx file ({exc.__class__.__name__}). "
            "Open it in Excel and save it as .xlsx again, or export as CSV.",
        ) from None
    try:
        ws, hidden_note = _pick_sheet(path, wb, sheet)
        cells: dict[int, dict[int, Any]] = {}
        errors: list[str] = []
        try:
            with warnings.catch_warnings(), ws._get_source() as src:
                warnings.simplefilter("ignore")
                parser = _Parser(
                    src,
                    ws._shared_strings,
                    data_only=True,
                    epoch=wb.epoch,
                    date_formats=wb._date_formats,
                    timedelta_formats=wb._timedelta_formats,
                )
                parser.uncached = []
                for r_idx, row in parser.parse():
                    for cell in row:
                        value = cell["value"]
                        if value is None or (isinstance(value, str) and not value):
                            continue
                        cells.setdefault(r_idx, {})[cell["column"]] = _cell_str(value)
                        if cell["data_type"] == "e":
                            errors.append(f"{get_column_letter(cell['column'])}{r_idx}")
                merged = list(parser.merged_cells.mergeCell) if parser.merged_cells else []
                uncached = parser.uncached
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError(
                "I013",
                f"'{path.name}' sheet '{ws.title}' cannot be read ({exc.__class__.__name__}). "
                "Open it in Excel and save it as .xlsx again, or export as CSV.",
            ) from None
    finally:
        wb.close()

    notes: list[str] = [hidden_note] if hidden_note else []
    if merged:
        from openpyxl.worksheet.cell_range import CellRange

        last_row = max(cells, default=0)
        last_col = max((c for r in cells.values() for c in r), default=0)
        ranges = [CellRange(m.ref) for m in merged]
        for rng in ranges:
            value = cells.get(rng.min_row, {}).get(rng.min_col)
            if value is None:
                continue
            # Fill only inside the area that holds data: a range can claim the whole sheet.
            for r in range(rng.min_row, min(rng.max_row, last_row) + 1):
                for c in range(rng.min_col, min(rng.max_col, last_col) + 1):
                    cells.setdefault(r, {})[c] = value
        shown = ", ".join(str(r.coord) for r in ranges[:10])
        notes.append(
            f"'{path.name}' sheet '{ws.title}' has {_plural(len(ranges), 'merged range')} ({shown}); "
            "each cell of a range was given the range's value."
        )
    if uncached:
        notes.append(
            f"'{path.name}' sheet '{ws.title}': {_plural(len(uncached), 'formula')} without a stored result "
            f"({', '.join(uncached[:10])}) read as empty; open and save the file in Excel to store the results."
        )
    if errors:
        notes.append(
            f"'{path.name}' sheet '{ws.title}': {_plural(len(errors), 'cell')} hold an Excel error value "
            f"({', '.join(errors[:10])}{' ...' if len(errors) > 10 else ''}); in an open question they "
            "count as non-substantive ('spreadsheet error'). Fix the formulas in Excel to import their values."
        )
    rows = {r: row for r, row in sorted(cells.items()) if any(v.strip() for v in row.values())}
    del cells
    if not rows:
        raise IngestError(
            "I002",
            f"Sheet '{ws.title}' of '{path.name}' is empty. Choose another sheet with --sheet.",
        )
    header_row, *numbers = list(rows)
    width = max(c for r in rows.values() for c, v in r.items() if v.strip())
    header = [rows[header_row].get(c, "") for c in range(1, width + 1)]
    names, dups = _unique_headers(header)
    df = pd.DataFrame(
        ([row.get(c, "") for c in range(1, width + 1)] for row in (rows.pop(n) for n in numbers)),
        columns=names,
        dtype=object,
    )
    return RawTable(
        df=df,
        value_labels={},
        encoding=None,
        delimiter=None,
        sheet=ws.title,
        path=path,
        duplicate_columns=dups,
        warnings=notes,
        row_numbers=numbers,
    )


def _read_sav(path: Path) -> RawTable:
    import pyreadstat

    try:
        df, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=True)
    except Exception as exc:  # pyreadstat.ReadstatError and friends
        raise IngestError(
            "I014",
            f"'{path.name}' cannot be read as an SPSS .sav file ({str(exc).strip() or exc.__class__.__name__}). "
            "Save it again from SPSS, or export the survey as CSV or .xlsx.",
        ) from None
    out = pd.DataFrame(
        {col: [_cell_str(v) for v in df[col].tolist()] for col in df.columns}, dtype=object
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
                    shown = _cell_str(v)
                    hits[i] = (
                        f"value {shown} is defined as user-missing for variable {col}"
                        if lo == hi
                        else f"value {shown} is in the user-missing range {_cell_str(lo)} to "
                        f"{_cell_str(hi)} of variable {col}"
                    )
                    break
        if hits:
            out.loc[list(hits), col] = ""
            user_missing[col] = hits
    labels = {
        col: {_cell_str(k): str(v) for k, v in mapping.items()}
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


# --- splitting and non-answers -----------------------------------------------------------

_LINE_BREAK = re.compile(r"\r\n|[\r\n\u2028\u2029\v\f\x85]")
_INLINE_BULLET = re.compile(r"[•·▪◦‣]")
# List markers at the start of a line: bullets, "1." "1)" "(1)" "a)" "(a)".
_LEAD_MARKER = re.compile(
    r"^(?:[•·▪◦‣]|[-*–—](?=\s|[^\W\d_])|\(?\d{1,2}[.)](?=\s|$)|\(?[a-z]\)(?=\s|$))\s*"
)
# Inline numbering: "1. a 2. b", "1) a 2) b", "a) x b) y" (kept only when it forms a sequence).
_INLINE_NUMBER = re.compile(r"(?<!\S)(\(?)(\d{1,2}|[a-z])([.)])(?=\s)")
_SEMICOLON = re.compile(r";")
_ONLY_MARKERS = re.compile(r"(?:\s|[;•·▪◦‣*\-–—]|\(?\d{1,2}[.)]|\(?[a-z]\))*")
_ENTITY_BEFORE = re.compile(r"&(?:[A-Za-z]{2,8}|#\d{1,6}|#x[0-9A-Fa-f]{1,6})$")


def _inline_number_cuts(line: str) -> list[tuple[int, int]]:
    """(start, end) of inline numbering markers that form a run 1, 2, 3 (or a, b, c)."""
    cands = []
    for m in _INLINE_NUMBER.finditer(line):
        label, punct = m.group(2), m.group(3)
        if label.isalpha() and punct != ")":
            continue
        value = int(label) if label.isdigit() else ord(label) - ord("a") + 1
        cands.append((m.start(), m.end(), value, label.isdigit(), punct))
    runs: list[list[tuple[int, int, int, bool, str]]] = []
    for cand in cands:
        for run in runs:
            last = run[-1]
            if last[3] == cand[3] and last[4] == cand[4] and cand[2] == last[2] + 1:
                run.append(cand)
                break
        else:
            if cand[2] == 1:
                runs.append([cand])
    cuts = [(c[0], c[1]) for run in runs if len(run) >= 2 for c in run]
    return sorted(cuts)


def _cut(line: str, spans: list[tuple[int, int]], finder) -> list[tuple[int, int]]:
    """Split each (start, end) span of ``line`` at the separators ``finder(piece)`` yields."""
    out: list[tuple[int, int]] = []
    for a, b in spans:
        pos = a
        for s, e in finder(line[a:b]):
            out.append((pos, a + s))
            pos = a + e
        out.append((pos, b))
    return out


def _bullet_seps(piece: str):
    return ((m.start(), m.end()) for m in _INLINE_BULLET.finditer(piece))


def _semicolon_seps(piece: str):
    for m in _SEMICOLON.finditer(piece):
        before = piece[: m.start()]
        if _ENTITY_BEFORE.search(before) or before.count("(") > before.count(")"):
            continue  # "&amp;" or inside parentheses
        yield m.start(), m.end()


def _line_spans(line: str) -> list[tuple[int, int]]:
    spans = _cut(line, [(0, len(line))], _bullet_seps)
    stripped = line.lstrip()
    if stripped[:2] in ("- ", "* "):
        # A line that starts as a dash list keeps going inline: "- a - b - c".
        sep = " " + stripped[0] + " "
        spans = _cut(
            line, spans, lambda p: ((m.start(), m.end()) for m in re.finditer(re.escape(sep), p))
        )
    spans = _cut(line, spans, _inline_number_cuts)
    return _cut(line, spans, _semicolon_seps)


def _strip_span(line: str, a: int, b: int) -> tuple[int, int]:
    while True:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        m = _LEAD_MARKER.match(line[a:b])
        if not m or m.end() == 0:
            return a, b
        a += m.end()


def split_spans(cell: str | None) -> list[tuple[int, int]]:
    """(start, end) offsets of the units of a cell; see :func:`split_units`."""
    if cell is None or not str(cell).strip():
        return []
    cell = str(cell)
    if _ONLY_MARKERS.fullmatch(cell):
        # Nothing but markers ("-", "x)", "1."): one unit, so it is flagged as a non-answer.
        a = len(cell) - len(cell.lstrip())
        return [(a, len(cell.rstrip()))]
    spans: list[tuple[int, int]] = []
    offset = 0
    for brk in [*_LINE_BREAK.finditer(cell), None]:
        end = brk.start() if brk else len(cell)
        line = cell[offset:end]
        for a, b in _line_spans(line):
            a, b = _strip_span(line, a, b)
            if b > a:
                spans.append((offset + a, offset + b))
        offset = brk.end() if brk else len(cell)
    if not spans:
        a = len(cell) - len(cell.lstrip())
        spans.append((a, len(cell.rstrip())))
    return spans


def split_units(cell: str | None) -> list[str]:
    """Split a multi-answer cell into verbatim units (substrings of the cell, in order).

    Splits at line breaks, bullets (• - *), numbering (1. 1) a)) and semicolons; numbering
    inside a line only counts when it runs 1, 2, ... so "1.500 euro", "o.a." and "art. 3"
    never split. A cell that is nothing but a marker ("-", "x") is one unit, so it can be
    flagged as a non-answer. An empty cell gives no units.
    """
    if cell is None:
        return []
    cell = str(cell)
    return [cell[a:b] for a, b in split_spans(cell)]


_NON_SUBSTANTIVE: dict[str, str] = {}
for _reason, _words in {
    "not applicable": [
        "nvt",
        "n.v.t",
        "n v t",
        "nvt.",
        "niet van toepassing",
        "n/a",
        "na",
        "n.a",
        "nb",
        "n.b",
        "niet aan de orde",
        "is niet van toepassing",
        "geen van toepassing",
    ],
    "none": [
        "geen",
        "nee",
        "neen",
        "nope",
        "niets",
        "niks",
        "nee hoor",
        "nee geen",
        "geen opmerkingen",
        "geen opmerking",
        "geen aanvullingen",
        "geen aanvulling",
        "geen bijzonderheden",
        "niet",
        "geen antwoord",
        "nvt geen",
        "geen nvt",
        "nee nvt",
        "nvt nee",
        "niets te melden",
        "niet bekend",
        "geen commentaar",
        "nee dank je",
        "nee dank u",
        "n.v.t geen",
        "geen n.v.t",
    ],
    "don't know": [
        "weet niet",
        "weet ik niet",
        "geen idee",
        "onbekend",
        "wn",
        "w.n",
        "weet niet precies",
        "dat weet ik niet",
        "kan ik niet zeggen",
        "niet te zeggen",
        "moeilijk te zeggen",
        "geen zicht op",
        "geen zicht",
        "nog onbekend",
        "nog niet bekend",
    ],
    "see elsewhere": [
        "zie hierboven",
        "zie boven",
        "zie eerder",
        "zie vorige vraag",
        "zie vorig antwoord",
        "idem",
        "zie antwoord hierboven",
        "zie bovenstaand",
        "zie bovenstaande",
        "zie vorige",
        "zie hiervoor",
        "zie eerdere antwoorden",
        "zie eerder antwoord",
        "zie toelichting",
        "zie bijlage",
        "zelfde als hierboven",
        "zie antwoord vorige vraag",
        "zie opmerking hierboven",
        "zie boven antwoord",
    ],
}.items():
    for _w in _words:
        _NON_SUBSTANTIVE[_w] = _reason
_SEE_QUESTION = re.compile(
    r"^(?:zie|idem)(?: (?:ook|antwoord|antwoorden|bij|vraag|onder|boven|eerder))* (?:vraag )?\d{1,3}[a-z]?$"
)
_PLACEHOLDER = re.compile(r"^[\W_]*$|^(?:x+|-+|\.+|\?+|0)$")
# Punctuation around a whole answer: "(geen)", "-geen-", "- nvt -", "'geen'", "*n.v.t.*".
_NORMALISE_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
# Excel's error values (also as cached formula results): never an answer.
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#DIV/0!",
        "#REF!",
        "#VALUE!",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


def non_substantive_reason(text: str | None) -> str | None:
    """Why an answer is not substantive ("empty", "not applicable", "none", ...), else None.

    Only whole answers count: "geen" is a non-answer, "geen wachtlijsten" is an answer.
    """
    if text is None:
        return "empty"
    raw = str(text).strip()
    if not raw:
        return "empty"
    if raw.upper() in EXCEL_ERRORS:
        return "spreadsheet error"
    if len(raw) > 60:
        return None
    low = " ".join(raw.lower().split())
    if _PLACEHOLDER.match(low):
        return "placeholder"
    norm = _NORMALISE_EDGE.sub("", low)
    norm = re.sub(
        r"\s*[,/]\s*|\s*\.\s*(?=\S)",
        lambda m: " " if m.group().strip() in {",", "/"} else ".",
        norm,
    )
    norm = " ".join(norm.split())
    if norm in _NON_SUBSTANTIVE:
        return _NON_SUBSTANTIVE[norm]
    if norm.replace(".", "").replace(" ", "") in {"nvt", "nvtgeen", "geennvt"}:
        return "not applicable"
    if _SEE_QUESTION.match(norm):
        return "see elsewhere"
    return None


# --- building units ------------------------------------------------------------------------


def _resolve_column(raw: RawTable, name: str, role: str) -> str:
    cols = list(raw.df.columns)
    source = raw.path.name
    if name in raw.duplicate_columns:
        places = ", ".join(str(i) for i in raw.duplicate_columns[name])
        raise IngestError(
            "I010",
            f"Column name '{name}' occurs {len(raw.duplicate_columns[name])} times in '{source}' "
            f"(columns {places}); the {role} is ambiguous. Rename the columns in the file so each name is unique.",
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
        "I009",
        f"{role[0].upper() + role[1:]} '{name}' is not a column of '{source}'.{hint} Available columns: {listed}.",
    )


def _check_spec(questions: Mapping[str, str]) -> None:
    if not questions:
        raise IngestError(
            "I017",
            "No question given. Name at least one open question as QID=COLUMN, e.g. Q58=Q58.",
        )
    for qid, col in questions.items():
        if not str(qid).strip() or not str(col).strip():
            raise IngestError(
                "I017",
                f"Question '{qid}={col}' is incomplete. Write it as QID=COLUMN, e.g. Q58=Q58.",
            )
    seen: dict[str, str] = {}
    for qid in questions:
        key = str(qid).strip().casefold()
        if key in seen:
            raise IngestError(
                "I017",
                f"Question ids '{seen[key]}' and '{str(qid).strip()}' differ only in upper/lower "
                "case; question ids are compared case-insensitively. Give each question a different id.",
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
            "I016",
            f"Unknown duplicates policy '{duplicates}'. Use one of: {', '.join(DUPLICATE_POLICIES)}.",
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
                "I017",
                f"Column '{col}' is used both as {used[col]} and as question {qid}. Use each column once.",
            )
        used[col] = f"question {qid}"
    for col in a_cols:
        if col in used:
            raise IngestError(
                "I017",
                f"Column '{col}' is used both as {used[col]} and as an attribute. Use each column once.",
            )
        if col in _RESERVED:
            raise IngestError(
                "I017",
                f"Attribute column '{col}' has a reserved name ({', '.join(sorted(_RESERVED))}). "
                "Rename the column in the file.",
            )
        used[col] = "an attribute"

    df = raw.df
    if df.empty:
        raise IngestError(
            "I008",
            f"'{source}' has a header but no answer rows. Export the survey again with the responses.",
        )
    selected = [id_col, *q_cols.values(), *a_cols]
    sub = df[selected].astype(str)
    for col in selected:
        lengths = sub[col].str.len()
        if len(lengths) and lengths.max() > MAX_CELL_CHARS:
            row = raw.row(int(lengths.idxmax()))
            raise IngestError(
                "I015",
                f"'{source}' row {row} column '{col}' holds {lengths.max():,} characters "
                f"(limit {MAX_CELL_CHARS:,}). This is usually an unclosed quote that swallowed the rest of "
                "the file; check that row in the export.",
            )
    for col in selected:
        nul = sub.index[sub[col].str.contains("\x00", regex=False)]
        if len(nul):
            rows = [raw.row(int(i)) for i in nul]
            raise IngestError(
                "I020",
                f"'{source}' column '{col}': {_rows_have(rows)} a cell with a NUL character (\\x00), which no database can store and no real "
                "answer holds. Remove it in the export (it usually comes from a broken copy-paste or "
                "conversion) and import again.",
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
            "I025",
            f"'{source}': {_rows_have(rows)} no respondent id: "
            f"{'; '.join(defs[:3])}{' ...' if len(defs) > 3 else ''}, so SPSS treats it as missing. "
            f"Remove that missing-value definition of {id_col} in SPSS (Variable View > Missing) "
            "or give those respondents real ids, then export again.",
        )
    if bad_rows:
        raise IngestError(
            "I011",
            f"'{source}': {_plural(len(bad_rows), 'row')} without a respondent id in column '{id_col}' "
            f"(rows {_rows_text(bad_rows)}). Fill in the ids or delete those rows.",
        )
    errors = ids.str.upper().isin(EXCEL_ERRORS)
    if errors.any():
        rows = [raw.row(int(i)) for i in sub.index[errors]]
        raise IngestError(
            "I024",
            f"'{source}': {_rows_have(rows)} a spreadsheet "
            f"error value as respondent id in column '{id_col}' (e.g. {ids[errors].iloc[0]!r}). "
            "Fix the formula or type the ids in the export, then import again.",
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
            f"'{source}': {_plural(len(dup_ids), 'respondent id')} occur more than once "
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
    raw = read_table(path, sheet=sheet)
    return build_units(raw, id_column, questions, attributes, duplicates=duplicates)
