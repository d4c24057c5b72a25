"""Exports researchers use: frequency tables (CSV, Excel) and the coded data set (CSV, Excel, SPSS).

Untrusted text is neutralised against formula injection. In CSV a string cell starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front
(``=SUM(A1)`` -> ``'=SUM(A1)``, the OWASP rule; :func:`textanalysis.csvio.write_csv`, the
one CSV writer of every command). In ``.xlsx`` every string is stored as a text cell with
Excel's quote-prefix style (:func:`text_cell`): never a formula, and the value stays
verbatim (no quote inside it). Numbers are never touched. SPSS ``.sav`` files hold data,
not formulas, and are written verbatim.

The coded data set comes at two levels: one row per respondent with a 0/1 variable per
code (rolled up to parents like the frequency tables; missing for respondents without a
substantive answer, so SPSS's valid N equals the report's N), and one row per unit.
In ``.sav`` files the code variables carry the code label as variable label and the
value labels 0 = "niet genoemd", 1 = "genoemd"; variable names are sanitised to valid
SPSS names and the mapping is returned and written next to the file (``*_variables.csv``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..codebook import Codebook
from ..csvio import FORMULA_PREFIXES, neutralise, neutralise_frame, write_csv  # noqa: F401 (re-exported)
from ..errors import Errors, ReportError
from .counting import (
    CONFIRMED_SOURCES,
    FREQUENCY_COLUMNS,
    NOTE,
    coded_for,
    first_value,
    member,
    table_n,
)
from .sources import coding_frequencies, store_coding

VALUE_LABELS = {0: "niet genoemd", 1: "genoemd"}
FORMATS = ("csv", "xlsx", "sav")
LEVELS = ("respondent", "unit")
_TEXT_COLUMNS = ("text", "cell_text")
_SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}

Masker = Callable[[str], str]


# --- formula injection -----------------------------------------------------------------


def _to_csv(df: pd.DataFrame, path: Path) -> None:
    """Neutralised UTF-8 (no BOM), RFC 4180 CRLF rows: a CR inside a text is quoted, not a row break."""
    write_csv(df, path, lineterminator="\r\n")


def text_cell(ws: Any, row: int, column: int, value: Any) -> Any:
    """Set an openpyxl cell; a string is stored verbatim as a text cell (never a formula, and
    with Excel's quote-prefix style, so editing it in Excel keeps it text)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


# --- frequency tables ------------------------------------------------------------------


def check_out_path(path: str | Path, suffixes: Iterable[str]) -> Path:
    """The one output-path check (:func:`textanalysis.csvio.check_out`): R007 extension, R008 folder."""
    from ..csvio import check_out  # noqa: PLC0415

    return check_out(
        path, ReportError, Errors.R008, suffixes=list(suffixes), suffix_code=Errors.R007
    )


def write_frequency_csv(
    table: pd.DataFrame, path: str | Path, columns: Sequence[str] = FREQUENCY_COLUMNS
) -> Path:
    """The CLI contract ``code,label,respondents,percent,mentions,n``, UTF-8 without BOM."""
    p = check_out_path(path, [".csv"])
    _to_csv(table[list(columns)], p)
    return p


def frequency_title(table: pd.DataFrame, title: str | None = None) -> str:
    """``"<question or title> N=63"``: the report puts N in every figure caption."""
    base = title or table.attrs.get("question") or "Frequenties"
    return f"{base} N={table_n(table)}"


def _autosize(ws, widths: dict[int, int]) -> None:
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    for idx, width in widths.items():
        ws.column_dimensions[get_column_letter(idx)].width = min(max(width + 2, 8), 80)


def write_frequency_excel(
    table: pd.DataFrame,
    path: str | Path,
    *,
    title: str | None = None,
    columns: Sequence[str] = FREQUENCY_COLUMNS,
    sheet: str = "Frequenties",
) -> Path:
    """Formatted workbook: bold title row with N, bold headers, percent format, note row."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415

    p = check_out_path(path, [".xlsx"])
    cols = list(columns)
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    text_cell(ws, 1, 1, frequency_title(table, title)).font = Font(bold=True, size=12)
    for j, col in enumerate(cols, start=1):
        text_cell(ws, 3, j, col).font = Font(bold=True)
    widths = {j: len(c) for j, c in enumerate(cols, start=1)}
    for i, rec in enumerate(table[cols].itertuples(index=False), start=4):
        for j, (col, value) in enumerate(zip(cols, rec, strict=True), start=1):
            if pd.isna(value):
                value = None
            elif col == "percent":
                value = int(value) / 100
            elif hasattr(value, "item"):
                value = value.item()
            cell = text_cell(ws, i, j, value)
            if col == "percent":
                cell.number_format = "0%"
            widths[j] = max(widths[j], len(str(value)))
    text_cell(ws, len(table) + 5, 1, table.attrs.get("note", NOTE)).font = Font(italic=True)
    ws.freeze_panes = "A4"
    _autosize(ws, widths)
    wb.save(p)
    return p


# --- SPSS variable names -----------------------------------------------------------------


def spss_name(name: str) -> str:
    """A valid SPSS variable name for ``name`` (not yet made unique)."""
    ascii_ = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    s = re.sub(r"[^A-Za-z0-9_.]+", "_", ascii_).strip("_.")
    s = re.sub(r"_+", "_", s)
    if not s or not s[0].isalpha():
        s = "v_" + s
    s = s[:64].rstrip("_.")
    if s.upper() in _SPSS_RESERVED:
        s = s + "_v"
    return s or "v"


def spss_names(names: Sequence[str]) -> dict[str, str]:
    """Original -> unique valid SPSS names (<= 64 chars, case-insensitively unique)."""
    used: set[str] = set()
    out: dict[str, str] = {}
    for name in names:
        base = spss_name(name)
        cand, k = base, 1
        while cand.upper() in used:
            k += 1
            suffix = f"_{k}"
            cand = base[: 64 - len(suffix)] + suffix
        used.add(cand.upper())
        out[name] = cand
    return out


# --- the coded data set ----------------------------------------------------------------


@dataclass
class Dataset:
    """A coded data set ready to write: the frame and what its code columns mean."""

    frame: pd.DataFrame
    level: str
    code_columns: list[str]
    labels: dict[str, str] = field(default_factory=dict)  # column -> variable label
    n: int = 0


def _mask_frame(df: pd.DataFrame, mask: Masker | None) -> pd.DataFrame:
    """Mask the text columns; each distinct text is masked once (``cell_text`` mostly
    repeats ``text``, and masking runs deduce). A masker may return a str or a result
    with ``.text``."""
    if mask is None:
        return df
    done: dict[str, Any] = {}

    def one(text: Any) -> Any:
        if not isinstance(text, str):
            return text
        if text not in done:
            result = mask(text)
            done[text] = getattr(result, "text", result)
        return done[text]

    out = df.copy()
    for col in _TEXT_COLUMNS:
        if col in out:
            out[col] = out[col].map(one)
    return out


def masker(kinds: str | Sequence[str] | None = None) -> Masker:
    """A text -> masked text function over :mod:`textanalysis.privacy` ('all' or 'email,phone')."""
    from ..privacy import mask_text, parse_kinds  # noqa: PLC0415 (deduce is heavy)

    chosen = parse_kinds(kinds)
    return lambda text: mask_text(text, chosen).text


def _attribute_columns(units: pd.DataFrame, attributes: Sequence[str] | None) -> list[str]:
    # Imported on use: the store pulls in SQLAlchemy and Alembic (~1.4 s), which CSV-only
    # exports (``textanalysis frequencies --answers ...``) never need.
    from ..store import unit_attribute_columns  # noqa: PLC0415

    if attributes is None:
        return unit_attribute_columns(units)
    missing = [a for a in attributes if a not in units.columns]
    if missing:
        raise ReportError(
            Errors.R006,
            missing=", ".join(repr(m) for m in missing),
            available=", ".join(unit_attribute_columns(units)),
        )
    return list(attributes)


def coded_dataset(
    units: pd.DataFrame,
    codes: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    level: str = "respondent",
    attributes: Sequence[str] | None = None,
    mask: Masker | None = None,
    respondent_column: str = "respondent_id",
    sources: Sequence[str] = CONFIRMED_SOURCES,
    include_auto: bool = False,
    coder: str | None = None,
    coded_units: Iterable[Any] | None = None,
) -> Dataset:
    """The coded data set at ``level`` "respondent" (0/1 per code) or "unit" (one row per unit).

    ``coded_units``: while coding is incomplete, respondents not (fully) coded get ``in_n``
    0 and missing code variables (SPSS system-missing), never 0 = "niet genoemd"; at unit
    level an uncoded answer's code variables are missing.
    Counting follows :func:`textanalysis.report.frequencies`, so the column sums of the
    respondent level equal the ``respondents`` of the frequency table.
    """
    if level not in LEVELS:
        raise ReportError(Errors.R047, level=level, levels=", ".join(LEVELS))
    c = coded_for(units, codes, codebook, locals())
    order = c.order if codebook is not None else [x for x in c.order if x in set(c.pairs["code"])]
    attrs = [a for a in _attribute_columns(c.units, attributes) if a != respondent_column]
    u = c.units
    if level == "respondent":
        rids = pd.Index(pd.unique(u["respondent_id"]), name="respondent_id")
        frame = pd.DataFrame({"respondent_id": rids.astype(str)})
        in_n = member(rids, c.respondents)
        if "wave" in u:
            frame["wave"] = frame["respondent_id"].map(u.groupby("respondent_id")["wave"].first())
        frame["in_n"] = in_n.astype("int64")
        frame["n_units"] = (
            frame["respondent_id"]
            .map(u[u["substantive"]].groupby("respondent_id").size())
            .fillna(0)
            .astype("int64")
        )
        for a in attrs:
            frame[a] = frame["respondent_id"].map(first_value(u, a))
        hits = c.pairs.drop_duplicates(["respondent_id", "code"])
        for code in order:
            who = hits.loc[hits["code"] == code, "respondent_id"]
            col = pd.array(member(frame["respondent_id"], who).astype("int64"), dtype="Int64")
            col[~in_n] = pd.NA  # no substantive answer or not coded: missing, not "niet genoemd"
            frame[code] = col
    else:
        keep = [
            x
            for x in (
                "unit_id",
                "respondent_id",
                "wave",
                "question_id",
                "unit_index",
                "text",
                "cell_text",
            )
            if x in u
        ]
        frame = u[keep].copy()
        frame["substantive"] = u["substantive"].astype("int64")
        if "non_substantive_reason" in u:
            frame["non_substantive_reason"] = u["non_substantive_reason"]
        for a in attrs:
            frame[a] = u[a]
        joined = c.pairs.groupby("unit_id", sort=False)["code"].agg(
            lambda s: ";".join(sorted(set(s), key=order.index))
        )
        frame["codes"] = frame["unit_id"].map(joined).fillna("")
        for code in order:
            ids = c.pairs.loc[c.pairs["code"] == code, "unit_id"]
            col = pd.array(member(frame["unit_id"], ids).astype("int64"), dtype="Int64")
            col[member(frame["unit_id"], list(c.uncoded_units))] = pd.NA  # not coded yet
            frame[code] = col
    frame = _mask_frame(frame.reset_index(drop=True), mask)
    labels = {code: c.labels.get(code, code) for code in order}
    return Dataset(
        frame=frame, level=level, code_columns=order, labels=labels, n=len(c.respondents)
    )


def write_dataset(dataset: Dataset, path: str | Path, fmt: str | None = None) -> dict[str, str]:
    """Write CSV / Excel / SPSS; returns the column -> written variable name mapping.

    For ``.sav`` the mapping is also written as ``<name>_variables.csv``
    (``variable,column,label``) so sanitised code ids can be traced back.
    """
    p = Path(path)
    fmt = (fmt or p.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ReportError(Errors.R048, fmt=fmt, formats=", ".join(FORMATS))
    check_out_path(p, [f".{fmt}"])
    df = dataset.frame
    if fmt == "csv":
        _to_csv(df, p)
        return {c: c for c in df.columns}
    if fmt == "xlsx":
        _write_dataset_excel(dataset, p)
        return {c: c for c in df.columns}
    return _write_sav(dataset, p)


def _write_dataset_excel(dataset: Dataset, path: Path) -> None:
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Font  # noqa: PLC0415

    df = dataset.frame
    wb = Workbook()
    ws = wb.active
    ws.title = "Respondenten" if dataset.level == "respondent" else "Antwoorden"
    widths = {}
    for j, col in enumerate(df.columns, start=1):
        text_cell(ws, 1, j, str(col)).font = Font(bold=True)
        widths[j] = len(str(col))
    for i, rec in enumerate(df.itertuples(index=False), start=2):
        for j, value in enumerate(rec, start=1):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                value = None
            elif hasattr(value, "item"):
                value = value.item()
            text_cell(ws, i, j, value)
            if isinstance(value, str):
                widths[j] = max(widths[j], min(len(value), 60))
    ws.freeze_panes = "A2"
    _autosize(ws, widths)
    codes = wb.create_sheet("Codes")
    for j, head in enumerate(("column", "label"), start=1):
        text_cell(codes, 1, j, head).font = Font(bold=True)
    for i, col in enumerate(dataset.code_columns, start=2):
        text_cell(codes, i, 1, col)
        text_cell(codes, i, 2, dataset.labels.get(col, col))
    wb.save(path)


def _write_sav(dataset: Dataset, path: Path) -> dict[str, str]:
    import pyreadstat  # noqa: PLC0415

    df = dataset.frame.copy()
    mapping = spss_names([str(c) for c in df.columns])
    df.columns = [mapping[str(c)] for c in df.columns]
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            df[col] = s.astype("int64")
        elif isinstance(s.dtype, pd.Int64Dtype):
            df[col] = s.astype("float64")  # SPSS numeric; <NA> -> system-missing
        elif not pd.api.types.is_numeric_dtype(s.dtype):
            df[col] = s.map(
                lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            ).astype(object)
    column_labels = {
        mapping[c]: (dataset.labels[c] if c in dataset.labels else c)
        for c in map(str, dataset.frame.columns)
    }
    value_labels = {mapping[c]: dict(VALUE_LABELS) for c in dataset.code_columns}
    if "in_n" in mapping:
        value_labels[mapping["in_n"]] = {
            0: "niet in N (geen inhoudelijk antwoord of nog niet gecodeerd)",
            1: "in N (inhoudelijk antwoord, gecodeerd)",
        }
    pyreadstat.write_sav(
        df,
        str(path),
        column_labels=[column_labels[c] for c in df.columns],
        variable_value_labels=value_labels,
        variable_measure={mapping[c]: "nominal" for c in dataset.code_columns},
    )
    side = path.with_name(path.stem + "_variables.csv")
    pd.DataFrame(
        {
            "variable": [mapping[str(c)] for c in dataset.frame.columns],
            "column": [str(c) for c in dataset.frame.columns],
            "label": [column_labels[mapping[str(c)]] for c in dataset.frame.columns],
        }
    ).pipe(_to_csv, side)
    return mapping


def export_dataset(
    units: pd.DataFrame,
    codes: pd.DataFrame,
    path: str | Path,
    *,
    fmt: str | None = None,
    level: str = "respondent",
    codebook: Codebook | None = None,
    mask: Masker | None = None,
    **kwargs: Any,
) -> dict[str, str]:
    """Build and write the coded data set in one call (see :func:`coded_dataset`)."""
    ds = coded_dataset(units, codes, codebook, level=level, mask=mask, **kwargs)
    return write_dataset(ds, path, fmt)


# --- database-backed ------------------------------------------------------------------


def export_from_store(
    store: Any,
    survey: str,
    question: str,
    path: str | Path,
    *,
    fmt: str | None = None,
    level: str = "respondent",
    wave: str | None = None,
    codebook: Codebook | None = None,
    coder: str | None = None,
    include_auto: bool = False,
    mask: Masker | None = None,
    chart: str | Path | None = None,
) -> dict[str, str]:
    """Export the coded data set of a stored question; optionally its top-k chart too.

    Stored texts are already masked when the store's masking is on; ``mask`` masks
    again (e.g. a stricter set of kinds) before anything leaves the tool.
    """
    if chart is not None:
        from .charts import check_chart_path  # noqa: PLC0415 (altair only when a chart is asked)

        check_chart_path(chart)  # a bad chart name fails before the data set is written
    coding = store_coding(store, survey, question, wave, coder, include_auto)
    units, codes, coded, coder = coding
    mapping = export_dataset(
        units,
        codes,
        path,
        fmt=fmt,
        level=level,
        codebook=codebook,
        mask=mask,
        coder=coder,
        include_auto=include_auto,
        coded_units=coded,
    )
    if chart is not None:
        from .charts import save_chart, top_k_chart  # noqa: PLC0415

        table = coding_frequencies(coding, question, codebook, include_auto)
        save_chart(top_k_chart(table), chart)
    return mapping
