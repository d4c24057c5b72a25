"""Result tables from the counting core: frequencies (figure 34), top-k, cross-tabs, waves."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from ..codebook import Codebook
from ..errors import Errors, ReportError
from .counting import (
    CONFIRMED_SOURCES,
    NO_DATA,
    NOTE,
    FrequencyTable,
    coded_for,
    first_value,
    member,
    percent_half_up,
    preview,
    question_of,
    table_n,
)

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
    coded_units: Iterable[Any] | None = None,
) -> FrequencyTable:
    """Respondents, percentage of N, mentions and rank per code (see the module docstring).

    ``units``: ``unit_id``, a respondent column, optional ``substantive`` (default True).
    ``codes``: ``unit_id`` (or ``id``) and ``code``, optional ``source``, ``coder``,
    ``decision``. With a codebook every code of the codebook gets a row (0 when nobody
    mentions it), parents are rolled up, and codes outside the codebook are an error.
    Rows are sorted by respondents (descending), ties in codebook order; ``rank`` is
    shared by ties ("min" ranking).

    ``coded_units`` (see :func:`~textanalysis.report.counting.coded`): while coding is
    incomplete N counts only the coded respondents; ``attrs["n_substantive"]`` is every
    respondent with a substantive answer, ``attrs["complete"]`` whether all are coded.
    """
    c = coded_for(units, codes, codebook, locals())
    n = len(c.respondents)
    if c.substantive_respondents == 0:
        raise ReportError(
            Errors.R005,
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
            "n_substantive": c.substantive_respondents,
            "complete": n == c.substantive_respondents,
            "uncoded_units": len(c.uncoded_units),
            "n_units": int(c.units["substantive"].sum()),
            "note": NOTE,
            "question": question_of(c.units),
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
        raise ReportError(Errors.R013, k=k)
    df = at_level(table, level)
    out = df[df["respondents"] > 0].head(k)
    out.attrs = dict(table.attrs)
    return out


def at_level(table: FrequencyTable, level: str = "all") -> FrequencyTable:
    """The table's rows of one ``level`` (see :func:`top_k`), in the table's order, with
    ``rank`` recomputed among them: the table the app shows next to the chart, so both
    rank the same codes in the same order with the same ties."""
    if level not in LEVELS:
        raise ReportError(Errors.R054, level=level, levels=", ".join(LEVELS))
    df = table
    if level == "leaves" and "parent" in df:
        df = df[~df["code"].isin(set(df["parent"].dropna()))]
    elif level == "top" and "parent" in df:
        df = df[df["parent"].isna()]
    out = df.copy()
    if "rank" in out and len(out):
        out["rank"] = out["respondents"].rank(method="min", ascending=False).astype("int64")
    out.attrs = dict(table.attrs)
    return out


# --- cross-tabs ---------------------------------------------------------------------------

_NUMBER = re.compile(r"\d+(?:[.\s]\d{3})*(?:,\d+)?")
_BELOW = ("<", "≤", "minder dan", "kleiner dan", "tot ", "onder ")
_ABOVE = (">", "≥", "meer dan", "groter dan", "vanaf", "boven ")


def _group_key(value: str) -> tuple:
    """Sort key: by the first number (Dutch thousands dots, decimal comma), "< 20.000" just
    before 20.000 and "> 100.000" just after; values without a number after, as text."""
    text = str(value).strip()
    m = _NUMBER.search(text)
    if m is None:
        return (1, 0.0, text.casefold())
    number = float(re.sub(r"[.\s]", "", m.group()).replace(",", "."))
    low = text.casefold()
    if low.startswith(_BELOW):
        number -= 0.5
    elif low.startswith(_ABOVE):
        number += 0.5
    return (0, number, low)


def group_order(values: Iterable[Any]) -> list[str]:
    """Attribute values in a natural order: numeric-aware for classes such as
    "< 20.000 inwoners", "20.000 - 50.000", "50.001 - 100.000", "100.001 - 250.000"."""
    return sorted({str(v) for v in values}, key=_group_key)


def _test_for(table: list[list[int]]) -> dict[str, Any]:
    """Chi-square where expected counts allow (Cochran), Fisher's exact for 2x2 otherwise."""
    from scipy.stats import chi2_contingency, fisher_exact  # noqa: PLC0415 (import cost)

    rows = [r for r in table if sum(r) > 0]
    col_sums = [sum(r[j] for r in rows) for j in range(2)]
    if len(rows) < 2 or min(col_sums) == 0:
        return _test_result(
            "none",
            note="geen variatie (minder dan twee groepen, of door iedereen of niemand genoemd)",
        )
    total = sum(col_sums)
    expected = [[sum(r) * cs / total for cs in col_sums] for r in rows]
    flat = [e for r in expected for e in r]
    if len(rows) == 2:
        chi_ok = min(flat) >= 5
    else:
        chi_ok = min(flat) >= 1 and sum(e < 5 for e in flat) <= 0.2 * len(flat)
    if chi_ok:
        return _test_result("chi2", chi2_contingency(rows))
    if len(rows) == 2:
        return _test_result(
            "fisher",
            fisher_exact(rows),
            "verwachte aantallen onder 5: exacte toets van Fisher in plaats van chi-kwadraat",
        )
    return _test_result(
        "none",
        note="verwachte aantallen te klein voor chi-kwadraat; voeg groepen samen voor een geldige toets",
    )


def _test_result(test: str, res: Any = None, note: str = "") -> dict[str, Any]:
    """One outcome of :func:`_test_for`; without a scipy result no valid test (NaN values)."""
    return {
        "test": test,
        "statistic": math.nan if res is None else float(res.statistic),
        "p_value": math.nan if res is None else float(res.pvalue),
        "test_valid": res is not None,
        "test_note": note,
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
    coded_units: Iterable[Any] | None = None,
) -> pd.DataFrame:
    """Per group of a respondent attribute the percentage of that group's N, plus a test per code.

    Columns: ``code, label``, one percent column per group headed e.g. ``"G40 ja (N=18)"``,
    the total, and ``test`` (``chi2``/``fisher``/``none``), ``statistic``, ``p_value``,
    ``test_valid``, ``test_note``. Respondents without a value for the attribute are left
    out of the groups (their number is in ``attrs["missing"]``) but stay in the total.
    ``attrs`` also holds ``group_n`` and the raw ``counts`` per group. Groups are in the
    attribute's order: its categories when it has them, else numeric-aware
    (:func:`group_order`: "50.001 - 100.000" before "100.001 - 250.000").
    ``coded_units``: N and the groups count only coded respondents (as :func:`frequencies`).
    """
    if attribute not in units.columns:
        attrs = [
            c
            for c in units.columns
            if c
            not in {"unit_id", "respondent_id", "question_id", "unit_index", "text", "cell_text"}
        ]
        raise ReportError(
            Errors.R046,
            attribute=attribute,
            attrs=preview(attrs),
        )
    c = coded_for(units, codes, codebook, locals())
    n = len(c.respondents)
    if n == 0:
        raise ReportError(Errors.R045)
    subst = c.units[c.units["substantive"]]
    attr = first_value(subst, attribute)
    attr = attr.reindex(c.respondents)
    missing = int(attr.isna().sum())
    attr = attr.dropna().astype(str)
    groups = group_order(attr.unique()) if len(attr) else []
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
            "question": question_of(c.units),
        }
    )
    return df


# --- waves --------------------------------------------------------------------------------


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
            raise ReportError(Errors.R009)
        if wave_column not in data.columns:
            raise ReportError(
                Errors.R050,
                wave_column=wave_column,
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
        raise ReportError(Errors.R051)
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
        n = table_n(t)
        cb = codebook_by_wave.get(w)
        defined = set(cb.code_ids) if cb is not None else t.attrs.get("defined_codes")
        defined = set(defined) if defined is not None else None
        by_code = t.set_index("code")
        for code in order:
            row = dict(code=code, label=labels[code], wave=w, n=n)
            if defined is not None and code not in defined:
                row |= dict(respondents=pd.NA, percent=pd.NA, status=NO_DATA, display=NO_DATA)
            else:
                r = int(by_code["respondents"].get(code, 0))
                pct = percent_half_up(r, n)
                row |= dict(respondents=r, percent=pct, status="data", display=f"{pct}%")
            rows.append(row)
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
    df.attrs["n_by_wave"] = {w: table_n(t) for w, t in tables.items()}
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
