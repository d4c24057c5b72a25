"""Reading .xlsx exports streamed and bounded (zip bombs, shared strings, hidden sheets)."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Errors, IngestError
from . import tables
from .tables import RawTable, cell_str, plural, refuse_answer_cells, unique_headers

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
            Errors.I013,
            file=path.name,
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
                Errors.I021,
                file=path.name,
                what=what,
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
                Errors.I039,
                file=path.name,
            ) from None
    if strings > 10 * used + SHARED_STRINGS_SLACK:
        raise IngestError(
            Errors.I022,
            file=path.name,
            strings=strings,
            used=used,
        )


def _pick_sheet(path: Path, wb: Any, sheet: str | None) -> tuple[Any, str | None]:
    """The worksheet to read and a note when it is hidden (see read_table's docstring)."""
    sheets = wb.worksheets
    if sheet is not None:
        match = [ws for ws in sheets if ws.title == sheet]
        if not match:
            names = ", ".join(f"'{ws.title}'" for ws in sheets)
            raise IngestError(
                Errors.I012,
                sheet=sheet,
                file=path.name,
                names=names,
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
        hidden = ", ".join(f"'{ws.title}'" for ws in sheets)
        raise IngestError(
            Errors.I023,
            file=path.name,
            hidden=hidden,
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


def _header_positions(header: dict[int, str], names: Sequence[str]) -> set[int]:
    """Sheet columns (1-based) of ``names`` in the header row, matched as build_units does."""
    heads = {c: v.replace("\ufeff", "").strip() for c, v in header.items()}
    found: set[int] = set()
    for name in names:
        hits = [c for c, h in heads.items() if h == name] or [
            c for c, h in heads.items() if h.casefold() == name.strip().casefold()
        ]
        if len(hits) == 1:
            found.add(hits[0])
    return found


def _read_excel(
    path: Path, data: bytes, sheet: str | None, answer_columns: Sequence[str] = ()
) -> RawTable:
    """Read one sheet with bounded work: streamed (openpyxl read-only), only rows with data.

    Rows and columns that exist only as formatting cost nothing: the XML is streamed and only
    cells with a value are kept, so the work grows with the cells that hold data, never with
    the sheet's claimed dimensions. Non-empty cells in ``answer_columns`` are counted while
    streaming: past ``MAX_ANSWER_CELLS`` the sheet is refused at once ([I049]).
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
            Errors.I040,
            file=path.name,
            exc_type=exc.__class__.__name__,
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
                counted: set[int] | None = None if answer_columns else set()  # None: no header yet
                n_answers = 0
                for r_idx, row in parser.parse():
                    for cell in row:
                        value = cell["value"]
                        if value is None or (isinstance(value, str) and not value):
                            continue
                        cells.setdefault(r_idx, {})[cell["column"]] = cell_str(value)
                        if cell["data_type"] == "e":
                            errors.append(f"{get_column_letter(cell['column'])}{r_idx}")
                    got = cells.get(r_idx)
                    if not got:
                        continue
                    if counted is None:
                        if any(v.strip() for v in got.values()):  # the header row
                            counted = _header_positions(got, answer_columns)
                    elif counted:
                        n_answers += sum(1 for c in counted if got.get(c, "").strip())
                        if n_answers > tables.MAX_ANSWER_CELLS:
                            refuse_answer_cells(
                                path.name,
                                f"more than {tables.MAX_ANSWER_CELLS:,} (counted up to row {r_idx:,})",
                                answer_columns,
                            )
                merged = list(parser.merged_cells.mergeCell) if parser.merged_cells else []
                uncached = parser.uncached
        except IngestError:
            raise
        except Exception as exc:
            raise IngestError(
                Errors.I041,
                file=path.name,
                sheet=ws.title,
                exc_type=exc.__class__.__name__,
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
            f"'{path.name}' sheet '{ws.title}' has {plural(len(ranges), 'merged range')} ({shown}); "
            "each cell of a range was given the range's value."
        )
    if uncached:
        notes.append(
            f"'{path.name}' sheet '{ws.title}': {plural(len(uncached), 'formula')} without a stored result "
            f"({', '.join(uncached[:10])}) read as empty; open and save the file in Excel to store the results."
        )
    if errors:
        notes.append(
            f"'{path.name}' sheet '{ws.title}': {plural(len(errors), 'cell')} hold an Excel error value "
            f"({', '.join(errors[:10])}{' ...' if len(errors) > 10 else ''}); in an open question they "
            "count as non-substantive ('spreadsheet error'). Fix the formulas in Excel to import their values."
        )
    rows = {r: row for r, row in sorted(cells.items()) if any(v.strip() for v in row.values())}
    del cells
    if not rows:
        raise IngestError(
            Errors.I031,
            sheet=ws.title,
            file=path.name,
        )
    header_row, *numbers = list(rows)
    width = max(c for r in rows.values() for c, v in r.items() if v.strip())
    header = [rows[header_row].get(c, "") for c in range(1, width + 1)]
    names, dups = unique_headers(header)
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
