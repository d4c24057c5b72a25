"""The counting core used by tables, charts and exports: which (unit, code) pairs count, N, roll-up.

See the package docstring for the counting rules. :func:`coded` applies every rule once;
:func:`frequencies`, :func:`crosstab`, the charts and the exports all start from it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..codebook import Codebook
from ..errors import Errors, ReportError

NOTE = "Noot: percentage van N; meerdere antwoorden mogelijk."
NO_DATA = "geen data"
# a person's decisions: coded by hand, a confirmed suggestion, adjudicated, carried along by a
# codeframe operation (merge, split, ...) or applied to a search's hits (bulk coding)
CONFIRMED_SOURCES: tuple[str, ...] = ("manual", "suggestion", "adjudicated", "codeframe", "bulk")
AUTO_SOURCE = "auto"
FREQUENCY_COLUMNS = ["code", "label", "respondents", "percent", "mentions", "n"]
"""The exact CSV contract of ``textanalysis frequencies``."""


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


def preview(values: Iterable[Any], limit: int = 10) -> str:
    vals = [str(v) for v in values]
    more = f" (+{len(vals) - limit} more)" if len(vals) > limit else ""
    return ", ".join(f"'{v}'" for v in vals[:limit]) + more


def require_columns(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ReportError(
            Errors.R002,
            what=what,
            missing=preview(missing),
            columns=preview(df.columns),
        )


def member(values: Sequence[Any], pool: Sequence[Any]) -> Any:
    """Boolean mask: which ``values`` occur in ``pool``.

    A hash lookup; pandas' ``isin`` on Arrow-backed strings loops in Python (slow on 100k rows).
    """
    import numpy as np  # noqa: PLC0415

    return np.asarray(pd.Index(pd.unique(pd.Series(pool))).get_indexer(values) >= 0)


def as_bool(series: pd.Series) -> pd.Series:
    """Robust bool for a ``substantive`` column that may come from CSV text."""
    if series.dtype == bool:
        return series
    text = series.astype(str).str.strip().str.lower()
    return ~text.isin({"false", "0", "no", "nee", "onwaar", "n", "f"})


def codebook_info(
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


def prepare_units(units: pd.DataFrame, respondent_column: str) -> pd.DataFrame:
    """units -> unit_id (str), respondent_id (str), substantive (bool) + other columns."""
    if not isinstance(units, pd.DataFrame):
        raise ReportError(Errors.R043, units_type=type(units).__name__)
    require_columns(units, ["unit_id"], "The answer units table")
    if respondent_column not in units.columns:
        raise ReportError(
            Errors.R011,
            respondent_column=respondent_column,
            columns=preview(units.columns),
        )
    out = units.copy()
    out["unit_id"] = out["unit_id"].astype(str)
    out["respondent_id"] = out[respondent_column].astype(str)
    dup = out["unit_id"][out["unit_id"].duplicated()]
    if len(dup):
        raise ReportError(
            Errors.R010,
            dup=preview(dup.unique()),
        )
    out["substantive"] = as_bool(out["substantive"]) if "substantive" in out else True
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
        raise ReportError(Errors.R044, codes_type=type(codes).__name__)
    codes = codes.rename(columns={"id": "unit_id"}) if "unit_id" not in codes else codes
    require_columns(codes, ["unit_id", "code"], "The codes table")
    df = codes.copy()
    if "decision" in df:
        df = df[df["decision"].astype(str) == "applied"]
    if coder is not None:
        if "coder" not in df:
            raise ReportError(Errors.R012, coder=coder)
        known = sorted(df["coder"].dropna().astype(str).unique())
        if len(df) and coder not in known:
            raise ReportError(
                Errors.R053,
                coder=coder,
                known=preview(known),
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
class Coded:
    """Units and counted (unit, code) pairs after every counting rule is applied."""

    units: pd.DataFrame  # all units (prepared)
    respondents: pd.Index  # respondents in N (substantive), in first-seen order
    pairs: pd.DataFrame  # unit_id, respondent_id, code, confirmed (substantive units, rolled up)
    order: list[str]  # code order: codebook order, then first appearance
    labels: dict[str, str]
    parents: dict[str, str | None]
    defined: tuple[str, ...] | None  # codes the codebook defines (None without codebook)
    codebook_name: str | None
    substantive_respondents: int = 0  # respondents with a substantive answer (coded or not)
    uncoded_units: frozenset[str] = frozenset()  # substantive units nobody has coded yet


def coded(
    units: pd.DataFrame,
    codes: pd.DataFrame,
    codebook: Codebook | None,
    *,
    respondent_column: str = "respondent_id",
    sources: Sequence[str] = CONFIRMED_SOURCES,
    include_auto: bool = False,
    coder: str | None = None,
    coded_units: Iterable[Any] | None = None,
) -> Coded:
    """Apply every counting rule once (see the package docstring).

    ``coded_units``: the unit ids that were coded (looked at, with or without a code) in the
    chosen coding; None means every unit (CSV input, where the codes file is complete).
    While coding is incomplete, N counts only the respondents whose substantive units were
    all coded; the others are missing (never "niet genoemd"), and so are their codes.
    """
    u = prepare_units(units, respondent_column)
    pairs = select_codes(codes, sources=sources, include_auto=include_auto, coder=coder)
    unknown_units = pairs.loc[~member(pairs["unit_id"], u["unit_id"]), "unit_id"].unique()
    if len(unknown_units):
        raise ReportError(
            Errors.R003,
            n_unknown_units=len(unknown_units),
            unknown_units=preview(unknown_units),
        )
    order, labels, parents = codebook_info(codebook)
    defined = tuple(order) if codebook is not None else None  # before codes outside it are added
    if codebook is not None:
        unknown = [c for c in pd.unique(pairs["code"]) if c not in labels]
        if unknown:
            raise ReportError(
                Errors.R004,
                unknown=preview(unknown),
                codebook=codebook.name,
                order=preview(order, 40),
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
    all_resp = pd.unique(subst["respondent_id"])
    uncoded: frozenset[str] = frozenset()
    if coded_units is not None:
        done = member(subst["unit_id"], [str(x) for x in coded_units])
        uncoded = frozenset(subst.loc[~done, "unit_id"])
        partly = set(subst.loc[~done, "respondent_id"])
        subst = subst[~subst["respondent_id"].isin(partly)]
    resp = pd.Index(pd.unique(subst["respondent_id"]), name="respondent_id")
    pairs = pairs.merge(subst[["unit_id", "respondent_id"]], on="unit_id", how="inner")
    return Coded(
        units=u,
        respondents=resp,
        pairs=pairs[["unit_id", "respondent_id", "code", "confirmed"]],
        order=order,
        labels=labels,
        parents=parents,
        defined=defined,
        codebook_name=codebook.name if codebook is not None else None,
        substantive_respondents=len(all_resp),
        uncoded_units=uncoded,
    )


COUNTING_KEYWORDS = ("respondent_column", "sources", "include_auto", "coder", "coded_units")


def coded_for(
    units: pd.DataFrame,
    codes: pd.DataFrame,
    codebook: Codebook | None,
    params: Mapping[str, Any],
) -> Coded:
    """:func:`coded` with the counting keywords (:data:`COUNTING_KEYWORDS`) taken from
    ``params``: the parameters of a public function that takes the same keywords
    (``frequencies``, ``crosstab``, ``coded_dataset`` pass their ``locals()``)."""
    return coded(units, codes, codebook, **{k: params[k] for k in COUNTING_KEYWORDS})


def first_value(units: pd.DataFrame, column: str) -> pd.Series:
    """Per respondent the first non-empty value of ``column`` (attributes are per respondent)."""
    col = units[column]
    blank = col.isna() | (col.astype(str).str.strip() == "")
    return col.where(~blank).groupby(units["respondent_id"], sort=False).first()


def question_of(units: pd.DataFrame) -> str | None:
    if "question_id" in units:
        q = pd.unique(units["question_id"].dropna().astype(str))
        if len(q) == 1:
            return str(q[0])
    return None


def table_n(table: pd.DataFrame) -> int:
    """N of a frequency table: from ``attrs``, else its ``n`` column."""
    if "n" in table.attrs:
        return int(table.attrs["n"])
    return int(table["n"].iloc[0]) if len(table) and "n" in table else 0
