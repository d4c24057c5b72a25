"""Results: theme frequencies like the report's figure 34, cross-tabs and wave comparison.

Everything here works on plain DataFrames (the canonical *answer units* and *codes*
tables of ``docs/architecture.md``), so it is testable without a database; the
``*_from_store`` variants only fetch those tables from a :class:`~textanalysis.store.Store`.

Counting rules, the same everywhere (tables, cross-tabs, charts, exports):

* **N** is the number of respondents with at least one substantive unit for the
  question. Non-answers ("nvt", "-", empty) stay stored but are out of N, and codes
  on them are not counted.
* A respondent counts **once** per code however many of their units carry it;
  ``mentions`` counts units.
* **Percentages** are whole percents of N, rounded half up as SPSS/Excel and the
  report do (12.5 -> 13), computed in integers, so not Python's banker's rounding.
  Several codes per respondent are allowed, so percentages need not add up to 100.
* **Roll-up**: with a codebook, a parent code counts each respondent with the parent
  itself or any descendant once.
* **Which decisions count**: human-confirmed sources by default (``manual``,
  ``suggestion`` accepted by a human, ``adjudicated``); ``include_auto=True`` adds
  auto-coded decisions, counted apart in ``respondents_auto`` so machine counts are
  never mistaken for confirmed ones. ``coder=`` restricts to one coder, e.g.
  ``coder="consensus"`` for the adjudicated set; without it a unit counts as coded when
  any coder applied the code.

Error codes (:class:`~textanalysis.errors.ReportError`): R001 CSV file missing, R002 missing
column, R003 coded unit ids not in the answers, R004 codes not in the codebook, R005 N=0,
R006 unknown attribute, R007 unknown output format/level, R008 output folder missing,
R009 waves cannot be told apart, R010 duplicate unit ids, R011 unknown respondent column,
R012 unknown coder, R013 bad top-k, R014 bad chart file, R015 CSV and database input mixed,
R016 several waves counted together, R040 CSV not UTF-8, R041 CSV empty, R042 CSV not
valid (quoting, fields).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .codebook import Codebook, load_codebook
from .csvio import CsvErrors, check_out, explode_codes, read_csv
from .errors import ReportError

NOTE = "Noot: percentage van N; meerdere antwoorden mogelijk."
NO_DATA = "geen data"
CONFIRMED_SOURCES: tuple[str, ...] = ("manual", "suggestion", "adjudicated")
AUTO_SOURCE = "auto"
FREQUENCY_COLUMNS = ["code", "label", "respondents", "percent", "mentions", "n"]
"""The exact CSV contract of ``textanalysis frequencies``."""

_FALLBACK_NON_ANSWERS = {
    "",
    "-",
    "--",
    ".",
    "x",
    "nvt",
    "n.v.t.",
    "n.v.t",
    "geen",
    "geen idee",
    "weet niet",
    "weet ik niet",
    "nee",
    "niets",
}


class FrequencyTable(pd.DataFrame):
    """A frequency table (one row per code) that remembers its N, note and question.

    Columns: ``code, label, parent, respondents, percent, mentions, n, rank`` and, when
    auto-coded decisions are included, ``respondents_confirmed, respondents_auto``.
    N and the rest live in ``attrs`` so they survive slicing (``table.head(8).n``).
    """

    @property
    def _constructor(self):  # keep the subclass through pandas operations
        return FrequencyTable

    @property
    def n(self) -> int:
        """Respondents with at least one substantive answer (the report's N)."""
        return int(self.attrs.get("n", 0))

    @property
    def note(self) -> str:
        return str(self.attrs.get("note", NOTE))

    @property
    def question(self) -> str | None:
        return self.attrs.get("question")


# --- helpers ---------------------------------------------------------------------------


def percent_half_up(count: int, n: int) -> int:
    """Whole percent of ``n``, rounded half up in exact integer arithmetic."""
    if n <= 0:
        return 0
    return (200 * int(count) + int(n)) // (2 * int(n))


def _preview(values: Iterable[Any], limit: int = 10) -> str:
    vals = [str(v) for v in values]
    more = f" (+{len(vals) - limit} more)" if len(vals) > limit else ""
    return ", ".join(f"'{v}'" for v in vals[:limit]) + more


def _require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ReportError(
            "R002",
            f"{what} lacks column(s) {_preview(missing)}; it has {_preview(df.columns)}. "
            f"Add or rename the column(s).",
        )


def member(values: Sequence[Any], pool: Sequence[Any]) -> Any:
    """Boolean mask: which ``values`` occur in ``pool``.

    A hash lookup; pandas' ``isin`` on Arrow-backed strings loops in Python (slow on 100k rows).
    """
    import numpy as np  # noqa: PLC0415

    return np.asarray(pd.Index(pd.unique(pd.Series(pool))).get_indexer(values) >= 0)


def _as_bool(series: pd.Series) -> pd.Series:
    """Robust bool for a ``substantive`` column that may come from CSV text."""
    if series.dtype == bool:
        return series
    text = series.astype(str).str.strip().str.lower()
    return ~text.isin({"false", "0", "no", "nee", "onwaar", "n", "f"})


def _codebook_info(
    codebook: Codebook | None,
) -> tuple[list[str], dict[str, str], dict[str, str | None]]:
    if codebook is None:
        return [], {}, {}
    order, labels, parents = [], {}, {}
    for code, parent, _depth in codebook.iter_codes():
        order.append(code.id)
        labels[code.id] = code.label
        parents[code.id] = parent
    return order, labels, parents


# --- preparing the two tables ------------------------------------------------------------


def _prepare_units(units: pd.DataFrame, respondent_column: str) -> pd.DataFrame:
    """units -> unit_id (str), respondent_id (str), substantive (bool) + other columns."""
    if not isinstance(units, pd.DataFrame):
        raise ReportError("R002", f"units must be a DataFrame, got {type(units).__name__}.")
    _require_columns(units, ["unit_id"], "The answer units table")
    if respondent_column not in units.columns:
        raise ReportError(
            "R011",
            f"Respondent column '{respondent_column}' not in the answers; columns are "
            f"{_preview(units.columns)}. Pass the column that identifies respondents.",
        )
    out = units.copy()
    out["unit_id"] = out["unit_id"].astype(str)
    out["respondent_id"] = out[respondent_column].astype(str)
    dup = out["unit_id"][out["unit_id"].duplicated()]
    if len(dup):
        raise ReportError(
            "R010",
            f"Duplicate unit ids in the answers: {_preview(dup.unique())}. "
            "Every answer unit needs its own id.",
        )
    out["substantive"] = _as_bool(out["substantive"]) if "substantive" in out else True
    return out


def select_codes(
    codes: pd.DataFrame,
    *,
    sources: Sequence[str] = CONFIRMED_SOURCES,
    include_auto: bool = False,
    coder: str | None = None,
) -> pd.DataFrame:
    """The decisions that count: ``unit_id`` (str), ``code``, ``confirmed`` (bool), one row per pair.

    A (unit, code) is ``confirmed`` when any counted decision for it came from a human
    source; with ``include_auto`` pairs that only have auto-coded decisions are kept
    with ``confirmed=False``. Rows of a ``decision`` column other than ``applied`` are dropped.
    """
    if not isinstance(codes, pd.DataFrame):
        raise ReportError("R002", f"codes must be a DataFrame, got {type(codes).__name__}.")
    codes = codes.rename(columns={"id": "unit_id"}) if "unit_id" not in codes else codes
    _require_columns(codes, ["unit_id", "code"], "The codes table")
    df = codes.copy()
    if "decision" in df:
        df = df[df["decision"].astype(str) == "applied"]
    if coder is not None:
        if "coder" not in df:
            raise ReportError(
                "R012", f"coder='{coder}' given but the codes have no 'coder' column. Drop coder=."
            )
        known = sorted(df["coder"].dropna().astype(str).unique())
        if len(df) and coder not in known:
            raise ReportError(
                "R012",
                f"No decisions by coder '{coder}'. Coders in the data: {_preview(known)}. "
                "Pick one of them (or 'consensus' after adjudication).",
            )
        df = df[df["coder"].astype(str) == coder]
    if "source" in df:
        src = df["source"].astype(str)
        confirmed = src.isin(set(sources))
        auto = src == AUTO_SOURCE
        keep = confirmed | (auto if include_auto else False)
        df = df.assign(confirmed=confirmed)[keep]
    else:
        df = df.assign(confirmed=True)
    df = df.assign(unit_id=df["unit_id"].astype(str), code=df["code"].astype(str).str.strip())
    df = df[df["code"] != ""]
    out = df.groupby(["unit_id", "code"], as_index=False, sort=False)["confirmed"].max()
    return out[["unit_id", "code", "confirmed"]]


@dataclass
class _Coded:
    """Units and counted (unit, code) pairs after every counting rule is applied."""

    units: pd.DataFrame  # all units (prepared)
    respondents: pd.Index  # respondents in N (substantive), in first-seen order
    pairs: pd.DataFrame  # unit_id, respondent_id, code, confirmed (substantive units, rolled up)
    order: list[str]  # code order: codebook order, then first appearance
    labels: dict[str, str]
    parents: dict[str, str | None]
    defined: tuple[str, ...] | None  # codes the codebook defines (None without codebook)
    codebook_name: str | None


def _coded(
    units: pd.DataFrame,
    codes: pd.DataFrame,
    codebook: Codebook | None,
    *,
    respondent_column: str = "respondent_id",
    sources: Sequence[str] = CONFIRMED_SOURCES,
    include_auto: bool = False,
    coder: str | None = None,
) -> _Coded:
    u = _prepare_units(units, respondent_column)
    pairs = select_codes(codes, sources=sources, include_auto=include_auto, coder=coder)
    unknown_units = pairs.loc[~member(pairs["unit_id"], u["unit_id"]), "unit_id"].unique()
    if len(unknown_units):
        raise ReportError(
            "R003",
            f"{len(unknown_units)} coded unit id(s) are not in the answers: {_preview(unknown_units)}. "
            "Code only units of this question (check the id column and the question).",
        )
    order, labels, parents = _codebook_info(codebook)
    defined = tuple(order) if codebook is not None else None  # before codes outside it are added
    if codebook is not None:
        unknown = [c for c in pd.unique(pairs["code"]) if c not in labels]
        if unknown:
            raise ReportError(
                "R004",
                f"Code(s) {_preview(unknown)} not in codebook '{codebook.name}'. Known codes: "
                f"{_preview(order, 40)}. Fix the code ids or add the codes to the codebook.",
            )
        # Roll-up: every pair also counts for each ancestor.
        extra = []
        for code in [c for c in pd.unique(pairs["code"]) if parents.get(c)]:
            rows = pairs[pairs["code"] == code]
            for anc in codebook.ancestors(code):
                extra.append(rows.assign(code=anc))
        if extra:
            pairs = pd.concat([pairs, *extra], ignore_index=True)
            pairs = pairs.groupby(["unit_id", "code"], as_index=False, sort=False)[
                "confirmed"
            ].max()
    for c in pd.unique(pairs["code"]):
        if c not in labels:
            order.append(c)
            labels[c] = c
            parents[c] = None
    subst = u[u["substantive"]]
    resp = pd.Index(pd.unique(subst["respondent_id"]), name="respondent_id")
    pairs = pairs.merge(subst[["unit_id", "respondent_id"]], on="unit_id", how="inner")
    return _Coded(
        units=u,
        respondents=resp,
        pairs=pairs[["unit_id", "respondent_id", "code", "confirmed"]],
        order=order,
        labels=labels,
        parents=parents,
        defined=defined,
        codebook_name=codebook.name if codebook is not None else None,
    )


def first_value(units: pd.DataFrame, column: str) -> pd.Series:
    """Per respondent the first non-empty value of ``column`` (attributes are per respondent)."""
    col = units[column]
    blank = col.isna() | (col.astype(str).str.strip() == "")
    return col.where(~blank).groupby(units["respondent_id"], sort=False).first()


def _question_of(units: pd.DataFrame) -> str | None:
    if "question_id" in units:
        q = pd.unique(units["question_id"].dropna().astype(str))
        if len(q) == 1:
            return str(q[0])
    return None


# --- frequencies --------------------------------------------------------------------------


def frequencies(
    units: pd.DataFrame,
    codes: pd.DataFrame,
    codebook: Codebook | None = None,
    *,
    respondent_column: str = "respondent_id",
    sources: Sequence[str] = CONFIRMED_SOURCES,
    include_auto: bool = False,
    coder: str | None = None,
) -> FrequencyTable:
    """Respondents, percentage of N, mentions and rank per code (see the module docstring).

    ``units``: ``unit_id``, a respondent column, optional ``substantive`` (default True).
    ``codes``: ``unit_id`` (or ``id``) and ``code``, optional ``source``, ``coder``,
    ``decision``. With a codebook every code of the codebook gets a row (0 when nobody
    mentions it), parents are rolled up, and codes outside the codebook are an error.
    Rows are sorted by respondents (descending), ties in codebook order; ``rank`` is
    shared by ties ("min" ranking).
    """
    c = _coded(
        units,
        codes,
        codebook,
        respondent_column=respondent_column,
        sources=sources,
        include_auto=include_auto,
        coder=coder,
    )
    n = len(c.respondents)
    if n == 0:
        raise ReportError(
            "R005",
            "No substantive answers: N=0, so there are no percentages to compute. "
            "Check the question and that the answers are not all non-answers.",
        )
    p = c.pairs
    resp = p.groupby("code")["respondent_id"].nunique()
    ment = p.groupby("code")["unit_id"].nunique()
    conf = p[p["confirmed"]].groupby("code")["respondent_id"].nunique()
    codes_out = c.order if codebook is not None else [x for x in c.order if x in resp.index]
    rows = []
    for pos, code in enumerate(codes_out):
        r = int(resp.get(code, 0))
        row = {
            "code": code,
            "label": c.labels.get(code, code),
            "parent": c.parents.get(code),
            "respondents": r,
            "percent": percent_half_up(r, n),
            "mentions": int(ment.get(code, 0)),
            "n": n,
            "_pos": pos,
        }
        if include_auto:
            rc = int(conf.get(code, 0))
            row["respondents_confirmed"] = rc
            row["respondents_auto"] = r - rc
        rows.append(row)
    cols = ["code", "label", "parent", "respondents", "percent", "mentions", "n"]
    if include_auto:
        cols += ["respondents_confirmed", "respondents_auto"]
    df = pd.DataFrame(rows, columns=[*cols, "_pos"])
    df = df.sort_values(["respondents", "_pos"], ascending=[False, True], kind="stable")
    df = df.drop(columns="_pos").reset_index(drop=True)
    for col in ("respondents", "percent", "mentions", "n"):
        df[col] = df[col].astype("int64")
    df["rank"] = df["respondents"].rank(method="min", ascending=False).astype("int64")
    table = FrequencyTable(df)
    table.attrs.update(
        {
            "n": n,
            "n_units": int(c.units["substantive"].sum()),
            "note": NOTE,
            "question": _question_of(c.units),
            "include_auto": include_auto,
            "coder": coder,
            "codebook": c.codebook_name,
            "defined_codes": list(c.defined) if c.defined is not None else None,
        }
    )
    return table


LEVELS = ("all", "leaves", "top")


def top_k(table: FrequencyTable, k: int = 8, *, level: str = "all") -> FrequencyTable:
    """The ``k`` most mentioned codes (figure 34 shows eight), ties broken by table order.

    ``level``: ``all`` codes, only ``leaves`` (codes without children: the themes coders
    assign) or only ``top``-level codes (the rolled-up groups). Codes nobody mentions are left out.
    """
    if k < 1:
        raise ReportError("R013", f"k={k} is not a positive number of codes. Use k >= 1.")
    if level not in LEVELS:
        raise ReportError("R013", f"Level '{level}' is unknown. Use one of: {', '.join(LEVELS)}.")
    df = table
    if level == "leaves" and "parent" in df:
        df = df[~df["code"].isin(set(df["parent"].dropna()))]
    elif level == "top" and "parent" in df:
        df = df[df["parent"].isna()]
    out = df[df["respondents"] > 0].head(k)
    out.attrs = dict(table.attrs)
    return out


# --- cross-tabs ---------------------------------------------------------------------------


def _test_for(table: list[list[int]]) -> dict[str, Any]:
    """Chi-square where expected counts allow (Cochran), Fisher's exact for 2x2 otherwise."""
    from scipy.stats import chi2_contingency, fisher_exact  # noqa: PLC0415 (import cost)

    rows = [r for r in table if sum(r) > 0]
    col_sums = [sum(r[j] for r in rows) for j in range(2)]
    if len(rows) < 2 or min(col_sums) == 0:
        return {
            "test": "none",
            "statistic": math.nan,
            "p_value": math.nan,
            "test_valid": False,
            "test_note": "geen variatie (minder dan twee groepen, of door iedereen of niemand genoemd)",
        }
    total = sum(col_sums)
    expected = [[sum(r) * cs / total for cs in col_sums] for r in rows]
    flat = [e for r in expected for e in r]
    if len(rows) == 2:
        chi_ok = min(flat) >= 5
    else:
        chi_ok = min(flat) >= 1 and sum(e < 5 for e in flat) <= 0.2 * len(flat)
    if chi_ok:
        res = chi2_contingency(rows)
        return {
            "test": "chi2",
            "statistic": float(res.statistic),
            "p_value": float(res.pvalue),
            "test_valid": True,
            "test_note": "",
        }
    if len(rows) == 2:
        res = fisher_exact(rows)
        return {
            "test": "fisher",
            "statistic": float(res.statistic),
            "p_value": float(res.pvalue),
            "test_valid": True,
            "test_note": "verwachte aantallen onder 5: exacte toets van Fisher in plaats van chi-kwadraat",
        }
    return {
        "test": "none",
        "statistic": math.nan,
        "p_value": math.nan,
        "test_valid": False,
        "test_note": "verwachte aantallen te klein voor chi-kwadraat; voeg groepen samen voor een geldige toets",
    }


def crosstab(
    units: pd.DataFrame,
    codes: pd.DataFrame,
    attribute: str,
    codebook: Codebook | None = None,
    *,
    respondent_column: str = "respondent_id",
    sources: Sequence[str] = CONFIRMED_SOURCES,
    include_auto: bool = False,
    coder: str | None = None,
    header: str = "{attribute} {value} (N={n})",
    total_header: str = "Totaal (N={n})",
) -> pd.DataFrame:
    """Per group of a respondent attribute the percentage of that group's N, plus a test per code.

    Columns: ``code, label``, one percent column per group headed e.g. ``"G40 ja (N=18)"``,
    the total, and ``test`` (``chi2``/``fisher``/``none``), ``statistic``, ``p_value``,
    ``test_valid``, ``test_note``. Respondents without a value for the attribute are left
    out of the groups (their number is in ``attrs["missing"]``) but stay in the total.
    ``attrs`` also holds ``group_n`` and the raw ``counts`` per group.
    """
    if attribute not in units.columns:
        attrs = [
            c
            for c in units.columns
            if c
            not in {"unit_id", "respondent_id", "question_id", "unit_index", "text", "cell_text"}
        ]
        raise ReportError(
            "R006",
            f"Attribute '{attribute}' is not a column of the answers. Available: {_preview(attrs)}. "
            "Import the attribute with the survey (--attribute) or pick another.",
        )
    c = _coded(
        units,
        codes,
        codebook,
        respondent_column=respondent_column,
        sources=sources,
        include_auto=include_auto,
        coder=coder,
    )
    n = len(c.respondents)
    if n == 0:
        raise ReportError(
            "R005", "No substantive answers: N=0, so there is nothing to cross-tabulate."
        )
    subst = c.units[c.units["substantive"]]
    attr = first_value(subst, attribute)
    attr = attr.reindex(c.respondents)
    missing = int(attr.isna().sum())
    attr = attr.dropna().astype(str)
    groups = list(attr.astype("category").cat.categories) if len(attr) else []
    if isinstance(units[attribute].dtype, pd.CategoricalDtype):
        groups = [str(g) for g in units[attribute].cat.categories if str(g) in set(attr)]
    group_n = {g: int((attr == g).sum()) for g in groups}
    p = c.pairs.drop_duplicates(["respondent_id", "code"])
    p = p.assign(group=p["respondent_id"].map(attr))
    totals = p.groupby("code")["respondent_id"].nunique()
    by_group = p.dropna(subset=["group"]).groupby(["code", "group"])["respondent_id"].nunique()
    codes_out = c.order if codebook is not None else [x for x in c.order if x in totals.index]
    rows, counts = [], {}
    for code in codes_out:
        row: dict[str, Any] = {"code": code, "label": c.labels.get(code, code)}
        table = []
        counts[code] = {}
        for g in groups:
            k = int(by_group.get((code, g), 0))
            counts[code][g] = k
            row[header.format(attribute=attribute, value=g, n=group_n[g])] = percent_half_up(
                k, group_n[g]
            )
            table.append([k, group_n[g] - k])
        row[total_header.format(n=n)] = percent_half_up(int(totals.get(code, 0)), n)
        row["_total"] = int(totals.get(code, 0))
        row.update(_test_for(table))
        rows.append(row)
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values("_total", ascending=False, kind="stable").drop(columns="_total")
    df = df.reset_index(drop=True)
    df.attrs.update(
        {
            "n": n,
            "group_n": group_n,
            "missing": missing,
            "attribute": attribute,
            "counts": counts,
            "note": NOTE,
            "question": _question_of(c.units),
        }
    )
    return df


# --- waves --------------------------------------------------------------------------------


def _table_n(table: pd.DataFrame) -> int:
    """N of a frequency table: from ``attrs``, else its ``n`` column."""
    if "n" in table.attrs:
        return int(table.attrs["n"])
    return int(table["n"].iloc[0]) if len(table) and "n" in table else 0


def compare_waves_long(
    data: Mapping[str, pd.DataFrame] | pd.DataFrame,
    codes: pd.DataFrame | None = None,
    codebook_by_wave: Mapping[str, Codebook | None] | None = None,
    *,
    wave_column: str = "wave",
    **kwargs: Any,
) -> pd.DataFrame:
    """One row per (code, wave): ``code, label, wave, n, respondents, percent, status, display``.

    ``data`` is either ``{wave: FrequencyTable}`` or a units table with a wave column
    (then ``codes`` is required and frequencies are computed per wave with that wave's
    codebook). A code the wave's codebook does not define gets ``status="geen data"``
    and ``percent`` <NA> (not 0%); without a codebook for a wave, absent codes are 0%.
    """
    codebook_by_wave = dict(codebook_by_wave or {})
    if isinstance(data, pd.DataFrame):
        if codes is None:
            raise ReportError("R009", "compare_waves on a units table needs the codes table too.")
        if wave_column not in data.columns:
            raise ReportError(
                "R009",
                f"The units have no '{wave_column}' column, so waves cannot be told apart. "
                "Pass {wave: frequency table} or units with a wave column.",
            )
        waves = sorted(pd.unique(data[wave_column].dropna().astype(str)))
        tables: dict[str, pd.DataFrame] = {}
        for w in waves:
            uw = data[data[wave_column].astype(str) == w]
            cid = "unit_id" if "unit_id" in codes else "id"
            cw = codes[member(codes[cid].astype(str), uw["unit_id"].astype(str))]
            tables[w] = frequencies(uw, cw, codebook_by_wave.get(w), **kwargs)
    else:
        tables = {str(w): t for w, t in data.items()}
    if len(tables) < 1:
        raise ReportError("R009", "No waves to compare. Give at least one wave.")
    labels: dict[str, str] = {}
    order: list[str] = []
    for t in tables.values():
        for code, label in zip(t["code"], t["label"], strict=True):
            labels[code] = label
            if code not in order:
                order.append(code)
    for cb in codebook_by_wave.values():
        if cb is not None:
            for code, label in cb.labels().items():
                labels.setdefault(code, label)
                if code not in order:
                    order.append(code)
    rows = []
    for w, t in tables.items():
        n = _table_n(t)
        cb = codebook_by_wave.get(w)
        defined = set(cb.code_ids) if cb is not None else t.attrs.get("defined_codes")
        defined = set(defined) if defined is not None else None
        by_code = t.set_index("code")
        for code in order:
            if defined is not None and code not in defined:
                rows.append(
                    dict(
                        code=code,
                        label=labels[code],
                        wave=w,
                        n=n,
                        respondents=pd.NA,
                        percent=pd.NA,
                        status=NO_DATA,
                        display=NO_DATA,
                    )
                )
                continue
            r = int(by_code["respondents"].get(code, 0))
            pct = percent_half_up(r, n)
            rows.append(
                dict(
                    code=code,
                    label=labels[code],
                    wave=w,
                    n=n,
                    respondents=r,
                    percent=pct,
                    status="data",
                    display=f"{pct}%",
                )
            )
    df = pd.DataFrame(rows)
    df["respondents"] = df["respondents"].astype("Int64")
    df["percent"] = df["percent"].astype("Int64")
    last = list(tables)[-1]
    key = df[df["wave"] == last].set_index("code")["percent"].fillna(-1)
    df["_k"] = df["code"].map(key)
    df["_o"] = df["code"].map({c: i for i, c in enumerate(order)})
    df = df.sort_values(["_k", "_o"], ascending=[False, True], kind="stable").drop(
        columns=["_k", "_o"]
    )
    df = df.reset_index(drop=True)
    df.attrs["n_by_wave"] = {w: _table_n(t) for w, t in tables.items()}
    df.attrs["note"] = NOTE
    return df


def compare_waves(
    data: Mapping[str, pd.DataFrame] | pd.DataFrame,
    codes: pd.DataFrame | None = None,
    codebook_by_wave: Mapping[str, Codebook | None] | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Waves side by side: ``code, label`` and one column per wave headed ``"2022 (N=63)"``.

    Cells hold whole percents, or ``"geen data"`` where the code did not exist in that
    wave's codebook (never 0%). ``attrs["n_by_wave"]`` gives N per wave; the long form
    (for charts) is :func:`compare_waves_long`.
    """
    long = compare_waves_long(data, codes, codebook_by_wave, **kwargs)
    n_by_wave = long.attrs["n_by_wave"]
    out = long[["code", "label"]].drop_duplicates("code").reset_index(drop=True)
    for w, n in n_by_wave.items():
        sub = long[long["wave"] == w].set_index("code")
        col = sub["percent"].astype(object).where(sub["status"] == "data", NO_DATA)
        out[f"{w} (N={n})"] = out["code"].map(col).astype(object)
    out.attrs.update(long.attrs)
    return out


# --- CSV input (CLI) ----------------------------------------------------------------------


# R001 missing file, R040 not UTF-8 text, R041 empty file, R042 not a valid CSV
_CSV_ERRORS = CsvErrors(ReportError, missing="R001", encoding="R040", empty="R041", parse="R042")


def _read_csv(path: str | Path, what: str) -> pd.DataFrame:
    """The one CLI CSV reader (``,`` ``;`` or tab, UTF-8/UTF-16), with report error codes."""
    return read_csv(path, what, _CSV_ERRORS)


def non_substantive_reason(text: str) -> str | None:
    """Why a text is a non-answer (out of N), via ``ingest`` when available."""
    try:
        from .ingest import non_substantive_reason as ingest_reason  # noqa: PLC0415
    except ImportError:  # ingest not installed in this build: a small built-in list
        ingest_reason = None
    if ingest_reason is not None:
        return ingest_reason(text)
    t = (text or "").strip().lower()
    return "non-answer" if t in _FALLBACK_NON_ANSWERS else None


def read_answers_csv(path: str | Path, respondent_column: str | None = None) -> pd.DataFrame:
    """ANSWERS.csv (``id,text`` [+ respondent column]) -> units with ``substantive`` flags.

    Without a respondent column each id is its own respondent. A ``substantive`` column
    in the file is respected; otherwise non-answers are detected from the text.
    """
    df = _read_csv(path, "Answers")
    _require_columns(df, ["id", "text"], f"Answers file '{path}'")
    if respondent_column is not None and respondent_column not in df.columns:
        raise ReportError(
            "R011",
            f"Respondent column '{respondent_column}' not in '{path}'; columns are "
            f"{_preview(df.columns)}. Pass the column that identifies respondents.",
        )
    units = df.rename(columns={"id": "unit_id"})
    units["respondent_id"] = df[respondent_column] if respondent_column else df["id"]
    if "substantive" in df.columns:
        units["substantive"] = _as_bool(df["substantive"])
    else:
        reasons = [non_substantive_reason(t) for t in df["text"]]
        units["non_substantive_reason"] = reasons
        units["substantive"] = [r is None for r in reasons]
    return units


def read_codes_csv(path: str | Path) -> pd.DataFrame:
    """CODES.csv (``id,code``) -> ``unit_id, code``; every row counts as a confirmed decision.

    A cell with ``;``- or ``|``-separated codes is several codes; an empty cell is no code.
    """
    df = _read_csv(path, "Codes")
    _require_columns(df, ["id", "code"], f"Codes file '{path}'")
    df = explode_codes(df[["id", "code"]], "code")
    df = df[df["code"] != ""]
    return df.rename(columns={"id": "unit_id"}).reset_index(drop=True)


def frequencies_from_csv(
    answers: str | Path,
    codes: str | Path,
    *,
    respondent_column: str | None = None,
    codebook: str | Path | Codebook | None = None,
) -> FrequencyTable:
    """The ``textanalysis frequencies`` computation on the CLI's CSV contract."""
    cb = load_codebook(codebook) if isinstance(codebook, str | Path) else codebook
    return frequencies(read_answers_csv(answers, respondent_column), read_codes_csv(codes), cb)


# --- database-backed variants -------------------------------------------------------------


def _store_tables(
    store: Any,
    survey: str,
    question: str,
    wave: str | None,
    coder: str | None,
    include_auto: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    units = store.units(survey, question, wave=wave)
    check_one_wave(units, question)
    codes = store.current_codes(
        survey=survey, question=question, wave=wave, coder=coder, include_auto=include_auto
    )
    return units, codes


def check_one_wave(units: pd.DataFrame, question: str) -> None:
    """Respondent ids repeat across waves (G001 in 2019 and 2022): never count them together."""
    if "wave" in units:
        waves = sorted(pd.unique(units["wave"].dropna().astype(str)))
        if len(waves) > 1:
            raise ReportError(
                "R016",
                f"Question '{question}' has answers in several waves ({', '.join(waves)}). "
                "Pick one wave (--wave), or compare them with compare_waves.",
            )


def frequencies_from_store(
    store: Any,
    survey: str,
    question: str,
    wave: str | None = None,
    *,
    codebook: Codebook | None = None,
    coder: str | None = None,
    include_auto: bool = False,
    sources: Sequence[str] = CONFIRMED_SOURCES,
) -> FrequencyTable:
    """:func:`frequencies` for one question of a stored survey (optionally one wave)."""
    units, codes = _store_tables(store, survey, question, wave, coder, include_auto)
    table = frequencies(
        units, codes, codebook, sources=sources, include_auto=include_auto, coder=coder
    )
    table.attrs["question"] = question
    table.attrs["survey"] = survey
    table.attrs["wave"] = wave
    return table


def crosstab_from_store(
    store: Any,
    survey: str,
    question: str,
    attribute: str,
    wave: str | None = None,
    *,
    codebook: Codebook | None = None,
    coder: str | None = None,
    include_auto: bool = False,
) -> pd.DataFrame:
    """:func:`crosstab` for one question of a stored survey."""
    units, codes = _store_tables(store, survey, question, wave, coder, include_auto)
    return crosstab(units, codes, attribute, codebook, include_auto=include_auto, coder=coder)


def compare_waves_from_store(
    store: Any,
    survey: str,
    question: str,
    waves: Sequence[str],
    *,
    codebook_by_wave: Mapping[str, Codebook | None] | None = None,
    coder: str | None = None,
    include_auto: bool = False,
    long: bool = False,
) -> pd.DataFrame:
    """:func:`compare_waves` over stored waves of one question."""
    if codebook_by_wave is None:  # the question's stored codebook for every wave
        stored = stored_codebook(store, question)
        codebook_by_wave = {str(w): stored for w in waves}
    tables = {
        str(w): frequencies_from_store(
            store,
            survey,
            question,
            str(w),
            codebook=codebook_by_wave.get(str(w)),
            coder=coder,
            include_auto=include_auto,
        )
        for w in waves
    }
    fn = compare_waves_long if long else compare_waves
    return fn(tables, codebook_by_wave=codebook_by_wave)


# --- CLI glue (kept here so the click commands stay ~10 lines) ---------------------------


def stored_codebook(store: Any, question: str) -> Codebook | None:
    """The latest codebook stored for ``question``, or None when none is stored."""
    from .errors import StoreError  # noqa: PLC0415

    try:
        return store.load_codebook(question=question)
    except StoreError:
        return None


def open_store(db: str) -> Any:
    """Open the database the CLI points at (imported lazily: CSV use needs no database)."""
    from .store import Store  # noqa: PLC0415

    return Store(db)


def frequencies_command(
    *,
    answers: str | None,
    codes: str | None,
    respondent_column: str | None,
    codebook: str | None,
    db: str | None,
    survey: str | None,
    question: str | None,
    wave: str | None,
    coder: str | None,
    include_auto: bool,
    out: str,
) -> FrequencyTable:
    """``textanalysis frequencies``: from CSV files or the database, to CSV (or .xlsx)."""
    csv_mode = answers is not None or codes is not None
    db_mode = survey is not None or question is not None
    if (
        csv_mode == db_mode
        or (csv_mode and not (answers and codes))
        or (db_mode and not (survey and question))
    ):
        raise ReportError(
            "R015",
            "Give either --answers and --codes (CSV files) or --survey and --question (database), "
            "not a mix.",
        )
    # before any work: R007 wrong extension (.csv, or .xlsx for a formatted table), R008 no folder
    out_path = check_out(out, ReportError, "R008", suffixes=(".csv", ".xlsx"), suffix_code="R007")
    cb = load_codebook(codebook) if codebook else None
    if csv_mode:
        units = read_answers_csv(answers, respondent_column)  # type: ignore[arg-type]
        table = frequencies(
            units, read_codes_csv(codes), cb, include_auto=include_auto, coder=coder
        )  # type: ignore[arg-type]
    else:
        with open_store(db) as store:  # type: ignore[arg-type]
            cb = cb or stored_codebook(store, question)  # type: ignore[arg-type]
            table = frequencies_from_store(
                store,
                survey,
                question,
                wave,
                codebook=cb,
                coder=coder,
                include_auto=include_auto,  # type: ignore[arg-type]
            )
    from . import export  # noqa: PLC0415

    if out_path.suffix.lower() == ".xlsx":
        cols = [
            *FREQUENCY_COLUMNS,
            *(["respondents_confirmed", "respondents_auto"] if include_auto else []),
        ]
        export.write_frequency_excel(table, out_path, columns=cols)
    else:
        export.write_frequency_csv(table, out_path)
    return table


def export_command(
    *,
    db: str,
    survey: str,
    question: str,
    wave: str | None,
    fmt: str | None,
    level: str,
    codebook: str | None,
    coder: str | None,
    include_auto: bool,
    mask_kinds: str | None,
    chart: str | None,
    out: str,
) -> dict[str, str]:
    """``textanalysis export``: the coded data set of a stored question (+ optional chart)."""
    from . import export  # noqa: PLC0415

    mask = export.masker(mask_kinds) if mask_kinds else None
    cb = load_codebook(codebook) if codebook else None
    with open_store(db) as store:
        return export.export_from_store(
            store,
            survey,
            question,
            out,
            fmt=fmt,
            level=level,
            wave=wave,
            codebook=cb or stored_codebook(store, question),
            coder=coder,
            include_auto=include_auto,
            mask=mask,
            chart=chart,
        )
