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
* One import takes at most ``MAX_ANSWER_CELLS`` non-empty cells in its question columns
  ([I049]; split the file by rows or import fewer questions per run): .xlsx is counted while
  streaming, CSV and .sav before splitting, masking or storing.
* A selected cell longer than ``MAX_CELL_CHARS`` is an error: real answers are far shorter
  and such cells usually come from an unclosed quote that swallowed the rest of the file.

Modules, in the order of the flow: :mod:`.readers` (CSV, SPSS; :mod:`.excel` for .xlsx) read a
file into a :class:`RawTable`; :mod:`.split` cuts a cell into units; :mod:`.nonanswers` flags
non-answers; :mod:`.units` builds the units and respondents tables (:mod:`.tables` holds the
column contract).
"""

from .nonanswers import EXCEL_ERRORS, non_substantive_reason
from .readers import read_table
from .split import split_spans, split_units
from .tables import (
    CSV_SUFFIXES,
    DUPLICATE_POLICIES,
    EXCEL_SUFFIXES,
    MAX_CELL_CHARS,
    ON_CHANGE_POLICIES,
    RESERVED_COLUMNS,
    SPSS_SUFFIXES,
    UNIT_COLUMNS,
    IngestResult,
    RawTable,
)
from .units import build_units, ingest_file

__all__ = [
    "CSV_SUFFIXES",
    "DUPLICATE_POLICIES",
    "EXCEL_ERRORS",
    "EXCEL_SUFFIXES",
    "MAX_CELL_CHARS",
    "ON_CHANGE_POLICIES",
    "RESERVED_COLUMNS",
    "SPSS_SUFFIXES",
    "UNIT_COLUMNS",
    "IngestResult",
    "RawTable",
    "build_units",
    "ingest_file",
    "non_substantive_reason",
    "read_table",
    "split_spans",
    "split_units",
]
