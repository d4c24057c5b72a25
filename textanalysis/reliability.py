# Long on purpose: percent agreement, kappa and alpha share one coder-by-unit matrix and its missing-data rules; adjudication and the agreement command read the same matrix.
"""Inter-coder reliability: double-coding samples, agreement statistics, disagreement review.

Method specialists must be able to show that coding is reliable. The statistics follow
the usual conventions and are computed by the reference libraries, so values match them
exactly: Cohen's kappa by :func:`sklearn.metrics.cohen_kappa_score` and Krippendorff's
alpha (nominal) by the ``krippendorff`` package.

Input is a long table of codes ``id, code, coder``. A coder *looked at* a unit when it
has any row for that unit; a row with an empty ``code`` means "looked at, gave no code".
Units a coder never looked at are **missing**, never "code absent" (counting uncoded
text as agreement inflates percent agreement and distorts kappa).

Per code, each (unit, coder) is a present/absent judgement. For the overall row
``ALL`` the value is the unit's whole code set (one nominal value per unit and coder).

* ``units``, ``percent_agreement`` and ``cohen_kappa`` use the units that **every**
  coder looked at. With more than two coders percent agreement is the share of those
  units on which all coders gave the same value; kappa is left empty (it is defined
  for exactly two coders).
* ``krippendorff_alpha`` uses every unit at least two coders looked at and treats the
  rest as missing data (``alpha_units`` in the library output). With two coders this
  is the same set of units as ``units``.
* Degenerate data (every judgement the same value, e.g. a code nobody applied on the
  shared units) make kappa and alpha undefined (0/0): they are NaN with a ``note``;
  percent agreement is still reported.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .errors import Errors, ReliabilityError
from .identity import CONSENSUS_CODER, check_coder_name, is_reserved_coder

if TYPE_CHECKING:  # pragma: no cover
    from .codebook import Codebook

ALL = "ALL"
AGREEMENT_COLUMNS = ["code", "units", "percent_agreement", "cohen_kappa", "krippendorff_alpha"]
REQUIRED_CODE_COLUMNS = ["id", "code", "coder"]


# --- input checks -----------------------------------------------------------------------
def normalize_codes(codes_long: pd.DataFrame, *, source: str = "codes") -> pd.DataFrame:
    """Check the long codes table and return it clean: str ids/coders, '' for "no code".

    Exact duplicate rows are collapsed (a double click or a concatenated export must not
    count twice); the number dropped is kept in ``df.attrs["duplicates_dropped"]``.
    """
    if codes_long is None or len(codes_long.columns) == 0:
        raise ReliabilityError(
            Errors.K025,
            source=source,
        )
    df = codes_long.copy()
    if "unit_id" in df.columns and "id" not in df.columns:
        df = df.rename(columns={"unit_id": "id"})
    missing = [c for c in REQUIRED_CODE_COLUMNS if c not in df.columns]
    if missing:
        raise ReliabilityError(
            Errors.K001,
            source=source,
            missing=", ".join(missing),
            columns=", ".join(map(str, df.columns)) or "(none)",
        )
    if df.empty:
        raise ReliabilityError(
            Errors.K002,
            source=source,
        )
    df = df[REQUIRED_CODE_COLUMNS].copy()
    for col in REQUIRED_CODE_COLUMNS:
        df[col] = df[col].map(_clean_cell)
    n, first = _blank_rows(df, "id")
    if n:
        raise ReliabilityError(Errors.K003, source=source, n_blank_id=n, blank_id=first)
    n, first = _blank_rows(df, "coder")
    if n:
        raise ReliabilityError(Errors.K004, source=source, n_blank_coder=n, blank_coder=first)
    before = len(df)
    df = df.drop_duplicates().reset_index(drop=True)
    df.attrs["duplicates_dropped"] = before - len(df)
    return df


def _blank_rows(df: pd.DataFrame, column: str) -> tuple[int, int]:
    """How many rows leave ``column`` blank, and the first of them (1-based data row; 0: none)."""
    blank = df.index[df[column] == ""]
    return len(blank), (int(blank[0]) + 1 if len(blank) else 0)


def _clean_cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def check_codes_known(codes: pd.DataFrame, codebook: Codebook, *, source: str = "codes") -> None:
    """Raise [K005] naming codes that are not in the codebook and the known ones."""
    known = codebook.code_ids
    used = [c for c in dict.fromkeys(codes["code"]) if c]
    unknown = [c for c in used if c not in set(known)]
    if unknown:
        shown = ", ".join(known[:40]) + (f" (+{len(known) - 40} more)" if len(known) > 40 else "")
        raise ReliabilityError(
            Errors.K005,
            u=", ".join(repr(u) for u in unknown),
            source=source,
            codebook=codebook.name,
            shown=shown,
        )


def check_ids_known(
    codes: pd.DataFrame, known_ids: Iterable[Any], *, source: str = "codes"
) -> None:
    """Raise [K006] naming unit ids that are not among the known answers."""
    known = {_clean_cell(i) for i in known_ids}
    unknown = [i for i in dict.fromkeys(codes["id"]) if i not in known]
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:10]) + (" ..." if len(unknown) > 10 else "")
        raise ReliabilityError(
            Errors.K006,
            n_unknown=len(unknown),
            source=source,
            shown=shown,
        )


# --- judgement matrices ------------------------------------------------------------------
def code_sets(codes: pd.DataFrame) -> dict[str, dict[str, frozenset[str]]]:
    """coder -> unit id -> set of codes applied (empty set = looked at, no code)."""
    out: dict[str, dict[str, frozenset[str]]] = {}
    for (coder, uid), grp in codes.groupby(["coder", "id"], sort=False):
        out.setdefault(str(coder), {})[str(uid)] = frozenset(c for c in grp["code"] if c)
    return out


def _alpha(matrix: np.ndarray) -> tuple[float, str]:
    """Nominal Krippendorff's alpha (rows coders, columns units, NaN missing) or NaN + note."""
    import krippendorff  # noqa: PLC0415 (import on use: keeps the CLI start fast)

    pairable = np.sum(~np.isnan(matrix), axis=0) >= 2
    if not pairable.any():
        return float("nan"), "alpha undefined: no unit was coded by two or more coders"
    values = np.unique(matrix[:, pairable][~np.isnan(matrix[:, pairable])])
    if len(values) < 2:
        return float("nan"), "alpha undefined: all judgements have the same value"
    try:
        return float(
            krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
        ), ""
    except (ValueError, ZeroDivisionError) as exc:  # pragma: no cover (guarded above)
        return float("nan"), f"alpha undefined: {exc}"


def _kappa(a: Sequence[Any], b: Sequence[Any]) -> tuple[float, str]:
    from sklearn.metrics import cohen_kappa_score  # noqa: PLC0415

    if len(a) == 0:
        return float("nan"), "kappa undefined: no unit coded by both coders"
    if len(set(a) | set(b)) < 2:
        return float("nan"), "kappa undefined: both coders gave the same single value everywhere"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        k = float(cohen_kappa_score(list(a), list(b)))
    return k, "" if not np.isnan(k) else "kappa undefined: expected agreement is 1"


def _stats(
    values: dict[str, dict[str, Any]], coders: list[str], all_units: list[str], common: list[str]
) -> dict[str, Any]:
    """Statistics for one value map coder -> unit -> hashable value."""
    notes: list[str] = []
    n = len(common)
    if n:
        agree = sum(1 for u in common if len({values[c][u] for c in coders}) == 1)
        pa = 100.0 * agree / n
    else:
        pa = float("nan")
        notes.append("no unit was looked at by every coder")
    kappa = float("nan")
    if len(coders) == 2:
        kappa, note = _kappa(
            [values[coders[0]][u] for u in common], [values[coders[1]][u] for u in common]
        )
        if note and n:
            notes.append(note)
    labels: dict[Any, int] = {}
    matrix = np.full((len(coders), len(all_units)), np.nan)
    for i, c in enumerate(coders):
        for j, u in enumerate(all_units):
            if u in values[c]:
                matrix[i, j] = labels.setdefault(values[c][u], len(labels))
    alpha, note = _alpha(matrix)
    if note:
        notes.append(note)
    alpha_units = int(np.sum(np.sum(~np.isnan(matrix), axis=0) >= 2))
    return {
        "units": n,
        "percent_agreement": pa,
        "cohen_kappa": kappa,
        "krippendorff_alpha": alpha,
        "alpha_units": alpha_units,
        "note": "; ".join(dict.fromkeys(notes)),
    }


def agreement(
    codes_long: pd.DataFrame, codebook: Codebook | None = None, *, source: str = "codes"
) -> pd.DataFrame:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per code and overall.

    Returns one row per code (codebook order when a codebook is given, else sorted) and a
    last row ``code == "ALL"``. Columns: ``code, units, percent_agreement, cohen_kappa,
    krippendorff_alpha, alpha_units, coders, note``. ``percent_agreement`` is a percentage
    (0..100, not rounded). See the module docstring for the unit bases and undefined cases.
    """
    codes = normalize_codes(codes_long, source=source)
    if codebook is not None:
        check_codes_known(codes, codebook, source=source)
    if (codes["code"] == ALL).any():
        raise ReliabilityError(
            Errors.K015,
            source=source,
            all=ALL,
        )
    sets = code_sets(codes)
    coders = sorted(sets)
    if len(coders) < 2:
        raise ReliabilityError(
            Errors.K007,
            source=source,
            coders=", ".join(coders) or "none",
        )
    # Units looked at by >=2 coders (alpha) and by every coder (percent agreement, kappa).
    seen: dict[str, int] = {}
    for c in coders:
        for u in sets[c]:
            seen[u] = seen.get(u, 0) + 1
    all_units = [u for u in _sorted_ids(seen) if seen[u] >= 2]
    common = [u for u in all_units if seen[u] == len(coders)]
    used = {code for c in coders for s in sets[c].values() for code in s}
    order = codebook.code_ids if codebook is not None else []
    code_list = [c for c in order if c in used] + sorted(used - set(order))

    rows = []
    for code in code_list:
        values = {c: {u: int(code in s) for u, s in sets[c].items()} for c in coders}
        rows.append({"code": code, **_stats(values, coders, all_units, common)})
    overall = {c: {u: ";".join(sorted(s)) for u, s in sets[c].items()} for c in coders}
    rows.append({"code": ALL, **_stats(overall, coders, all_units, common)})
    out = pd.DataFrame(rows)
    out["coders"] = len(coders)
    out = out[[*AGREEMENT_COLUMNS, "alpha_units", "coders", "note"]]
    only_one = sum(1 for u in seen if seen[u] < 2)
    out.attrs.update(
        coders=coders,
        units_single_coder=only_one,
        units_not_all_coders=len(all_units) - len(common),
        duplicates_dropped=codes.attrs.get("duplicates_dropped", 0),
    )
    return out


def _sorted_ids(ids: Iterable[str]) -> list[str]:
    """Numeric ids in numeric order, others after them as text."""
    return sorted(ids, key=lambda s: (0, int(s), "") if s.lstrip("-").isdigit() else (1, 0, s))


def disagreements(codes_long: pd.DataFrame, code: str | None = None) -> pd.DataFrame:
    """Units where coders differ, one row per (unit, code): who applied it and who did not.

    Only units looked at by at least two coders count; a coder who never looked at a
    unit is listed in neither column. Columns: ``id, code, applied_by, not_applied_by``.
    """
    codes = normalize_codes(codes_long)
    sets = code_sets(codes)
    coders = sorted(sets)
    units = _sorted_ids({u for c in coders for u in sets[c]})
    all_codes = sorted({x for c in coders for s in sets[c].values() for x in s})
    targets = [code] if code is not None else all_codes
    rows = []
    for u in units:
        lookers = [c for c in coders if u in sets[c]]
        if len(lookers) < 2:
            continue
        for k in targets:
            yes = [c for c in lookers if k in sets[c][u]]
            no = [c for c in lookers if k not in sets[c][u]]
            if yes and no:
                rows.append(
                    {
                        "id": u,
                        "code": k,
                        "applied_by": ";".join(yes),
                        "not_applied_by": ";".join(no),
                    }
                )
    return pd.DataFrame(rows, columns=["id", "code", "applied_by", "not_applied_by"])


# --- double coding samples ---------------------------------------------------------------
def strata_from_codes(codes_long: pd.DataFrame, coder: str | None = None) -> pd.Series:
    """Stratum per unit from a (first) coder's codes: the sorted code set, '(geen code)' if none."""
    codes = normalize_codes(codes_long)
    if coder is not None:
        codes = codes[codes["coder"] == str(coder)]
    sets = {uid: ";".join(sorted(c for c in grp["code"] if c)) for uid, grp in codes.groupby("id")}
    return pd.Series({k: v or "(geen code)" for k, v in sets.items()}, name="stratum")


def draw_double_sample(
    units: pd.DataFrame,
    fraction: float | None = None,
    n: int | None = None,
    strata: str | Mapping[Any, Any] | pd.Series | None = None,
    seed: int = 0,
    *,
    id_column: str | None = None,
    substantive_only: bool = True,
) -> pd.DataFrame:
    """A reproducible (optionally stratified) sample of units for a second coder.

    Give ``fraction`` (0..1] or ``n``. ``strata`` is an attribute column name (e.g.
    ``inwonersklasse``) or a mapping unit id -> stratum (e.g. :func:`strata_from_codes`
    for the first coder's codes). Allocation is proportional (largest remainder) with at
    least one unit per stratum when ``n`` allows, so small strata are not skipped.
    Non-substantive units ("nvt", "-") are left out by default: there is nothing to code.
    """
    id_col = id_column or ("unit_id" if "unit_id" in units.columns else "id")
    if id_col not in units.columns:
        raise ReliabilityError(
            Errors.K010,
            id_col=id_col,
            columns=", ".join(map(str, units.columns)),
        )
    pool = units
    if substantive_only and "substantive" in pool.columns:
        pool = pool[pool["substantive"].astype(bool)]
    pool = pool.drop_duplicates(subset=[id_col])
    total = len(pool)
    if (fraction is None) == (n is None):
        raise ReliabilityError(
            Errors.K011,
        )
    if fraction is not None:
        if not 0 < fraction <= 1:
            raise ReliabilityError(Errors.K028, fraction=fraction)
        n = max(1, round(fraction * total)) if total else 0
    assert n is not None
    if n < 0:
        raise ReliabilityError(Errors.K029, n=n)
    n = min(n, total)
    if n == 0:
        return pool.iloc[0:0].copy()
    rng = np.random.default_rng(seed)
    if strata is None:
        idx = rng.choice(total, size=n, replace=False)
        return pool.iloc[np.sort(idx)].copy()
    if isinstance(strata, str):
        if strata not in pool.columns:
            raise ReliabilityError(
                Errors.K012,
                strata=strata,
                columns=", ".join(map(str, pool.columns)),
            )
        labels = pool[strata].astype(str).fillna("(leeg)")
    else:
        mapping = {_clean_cell(k): v for k, v in dict(strata).items()}
        labels = (
            pool[id_col].map(lambda i: mapping.get(_clean_cell(i), "(geen stratum)")).astype(str)
        )
    groups = {k: np.flatnonzero(labels.to_numpy() == k) for k in sorted(labels.unique())}
    alloc = _allocate(n, {k: len(v) for k, v in groups.items()})
    chosen: list[int] = []
    for k, size in alloc.items():
        if size:
            chosen.extend(rng.choice(groups[k], size=size, replace=False).tolist())
    out = pool.iloc[sorted(chosen)].copy()
    out["stratum"] = labels.iloc[sorted(chosen)].to_numpy()
    return out


def _allocate(n: int, sizes: dict[str, int]) -> dict[str, int]:
    """Proportional allocation with largest remainders; every stratum gets one if n allows."""
    total = sum(sizes.values())
    alloc = {k: 0 for k in sizes}
    budget = n
    if n >= len(sizes):
        for k in sizes:
            alloc[k] = 1
        budget -= len(sizes)
    rest = {k: sizes[k] - alloc[k] for k in sizes}
    rest_total = sum(rest.values())
    if budget and rest_total:
        quotas = {k: budget * rest[k] / rest_total for k in sizes}
        for k in sizes:
            alloc[k] += min(int(quotas[k]), rest[k])
        left = n - sum(alloc.values())
        order = sorted(sizes, key=lambda k: (-(quotas[k] - int(quotas[k])), k))
        while left > 0:
            progressed = False
            for k in order:
                if left and alloc[k] < sizes[k]:
                    alloc[k] += 1
                    left -= 1
                    progressed = True
            if not progressed:
                break
    assert sum(alloc.values()) == min(n, total)
    return alloc


# --- kappa next to percent agreement ----------------------------------------------------
KAPPA_NOTE = (
    "Kappa corrigeert voor toevallige overeenstemming; bij een code die bijna nooit (of bijna "
    "altijd) wordt toegekend is kappa laag, ook als de codeurs bijna altijd overeenstemmen."
)
KAPPA_UNDEFINED_NOTE = (
    "Kappa ontbreekt waar de codeurs overal dezelfde waarde gaven (de code werd door niemand, "
    "of steeds, toegekend): dan is er geen toevallige overeenstemming om voor te corrigeren."
)


def kappa_diverges(percent_agreement: float, kappa: float, gap: float = 0.3) -> bool:
    """Whether percent agreement (0..100) and kappa tell a different story: kappa at least
    ``gap`` below the agreement share, e.g. 93.8% with kappa 0.00."""
    if percent_agreement is None or kappa is None:
        return False
    pa, k = float(percent_agreement), float(kappa)
    return not (np.isnan(pa) or np.isnan(k)) and pa / 100.0 - k >= gap


def kappa_explanation(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> str | None:
    """One Dutch line for the Betrouwbaarheid page when kappa and percent agreement diverge
    (or kappa is undefined while agreement is known) in an :func:`agreement` table; None otherwise.
    """
    labels = dict(labels or {})
    low, undefined = [], []
    for r in table.itertuples(index=False):
        name = "alle codes" if r.code == ALL else labels.get(str(r.code), str(r.code))
        pa, k = float(r.percent_agreement), float(r.cohen_kappa)
        if kappa_diverges(pa, k):
            low.append(f"{name} ({pa:.1f}% tegen kappa {k:.2f})")
        elif np.isnan(k) and not np.isnan(pa) and int(getattr(r, "coders", 2)) == 2:
            undefined.append(name)
    parts = []
    if low:
        parts.append(f"{KAPPA_NOTE} Dat speelt bij: {', '.join(low)}.")
    if undefined:
        parts.append(f"{KAPPA_UNDEFINED_NOTE} Bij: {', '.join(undefined)}.")
    return " ".join(parts) or None


# --- table for the terminal --------------------------------------------------------------
def format_agreement(table: pd.DataFrame) -> str:
    """A readable fixed-width table (percent as %, NaN as '-') plus notes."""

    def f(x: float, pct: bool = False) -> str:
        if x is None or (isinstance(x, float) and np.isnan(x)):
            return "-"
        return f"{x:.1f}%" if pct else f"{x:.3f}"

    width = max(8, *(len(str(c)) for c in table["code"]))
    lines = [f"{'code':<{width}}  {'units':>6}  {'agree':>7}  {'kappa':>7}  {'alpha':>7}"]
    for r in table.itertuples(index=False):
        lines.append(
            f"{r.code:<{width}}  {r.units:>6}  {f(r.percent_agreement, True):>7}  "
            f"{f(r.cohen_kappa):>7}  {f(r.krippendorff_alpha):>7}"
        )
    notes = [f"{r.code}: {r.note}" for r in table.itertuples(index=False) if getattr(r, "note", "")]
    attrs = table.attrs
    if attrs.get("coders"):
        notes.insert(0, f"coders: {', '.join(attrs['coders'])}")
    if attrs.get("units_single_coder"):
        notes.append(f"{attrs['units_single_coder']} unit(s) looked at by one coder only: left out")
    if attrs.get("units_not_all_coders"):
        notes.append(
            f"{attrs['units_not_all_coders']} unit(s) not looked at by every coder: "
            "only in alpha (as missing data)"
        )
    if attrs.get("duplicates_dropped"):
        notes.append(f"{attrs['duplicates_dropped']} duplicated row(s) counted once")
    return "\n".join(lines + [""] + notes if notes else lines)


# --- Store-backed helpers ----------------------------------------------------------------
def codes_long_from_store(
    store: Any,
    survey: str,
    question: str,
    wave: str | None = None,
    *,
    coders: Sequence[str] | None = None,
    include_auto: bool = False,
) -> pd.DataFrame:
    """``id, code, coder`` for agreement: a coder looked at a unit when it has any decision on it.

    Units a coder only rejected codes on get one empty-code row ("looked at, no code").
    The ``consensus`` coder is left out unless asked for in ``coders``; auto-coding is
    left out by default (it is not a human judgement).
    """
    history = store.decisions(
        survey=survey, question=question, wave=wave, include_auto=include_auto
    )
    current = store.current_codes(
        survey=survey, question=question, wave=wave, include_auto=include_auto
    )
    wanted = set(coders) if coders is not None else None

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        if wanted is not None:
            return frame[frame["coder"].isin(wanted)]
        return frame[frame["coder"] != CONSENSUS_CODER]

    history, current = keep(history), keep(current)
    looked = history[["unit_id", "coder"]].drop_duplicates()
    applied = current[["unit_id", "code", "coder"]]
    empty = looked.merge(
        applied[["unit_id", "coder"]].drop_duplicates(), how="left", indicator=True
    )
    empty = empty[empty["_merge"] == "left_only"].drop(columns="_merge").assign(code="")
    out = pd.concat([applied, empty[["unit_id", "code", "coder"]]], ignore_index=True)
    out = out.rename(columns={"unit_id": "id"}).sort_values(["id", "coder", "code"], kind="stable")
    out["id"] = out["id"].astype(str)
    return out.reset_index(drop=True)


def store_agreement(
    store: Any,
    survey: str,
    question: str,
    wave: str | None = None,
    *,
    coders: Sequence[str] | None = None,
    codebook: Codebook | None = None,
) -> pd.DataFrame:
    """:func:`agreement` for the decisions stored for one question (Betrouwbaarheid page)."""
    codes = codes_long_from_store(store, survey, question, wave, coders=coders)
    if codes.empty:
        raise ReliabilityError(
            Errors.K008,
            question=question,
            survey=survey,
        )
    return agreement(codes, codebook, source=f"{survey}/{question}")


def assign_double_coding(
    store: Any,
    survey: str,
    question: str,
    second_coder: str,
    n: int | None = None,
    *,
    fraction: float | None = None,
    strata: str | None = None,
    first_coder: str | None = None,
    wave: str | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """Draw a double-coding sample and assign it to ``second_coder`` (purpose "double").

    ``strata``: an attribute column (e.g. ``inwonersklasse``) or ``"codes"`` to stratify by
    ``first_coder``'s current codes. With a first coder, only units that coder has coded are
    drawn (agreement needs both). Units already assigned stay assigned (idempotent). Returns
    the sampled units; the Coderen page hides the first coder's decisions for them.
    """
    second_coder = check_coder_name(second_coder, what="second coder")  # [A001] gold/consensus
    if first_coder is not None and str(first_coder) == str(second_coder):
        raise ReliabilityError(
            Errors.K009,
            second_coder=second_coder,
        )
    units = store.units(survey, question, wave, substantive=True, coded_by=first_coder)
    if units.empty:
        who = f" coded by '{first_coder}'" if first_coder else ""
        raise ReliabilityError(
            Errors.K027,
            who=who,
            question=question,
            survey=survey,
        )
    strata_arg: Any = strata
    if strata == "codes":
        if first_coder is None:
            raise ReliabilityError(Errors.K030)
        codes = store.current_codes(survey=survey, question=question, wave=wave, coder=first_coder)
        codes = codes.rename(columns={"unit_id": "id"})[["id", "code", "coder"]]
        strata_arg = strata_from_codes(codes) if not codes.empty else {}
    sample = draw_double_sample(units, fraction=fraction, n=n, strata=strata_arg, seed=seed)
    store.assign_units(sample["unit_id"].tolist(), second_coder, purpose="double")
    return sample


def store_disagreements(
    store: Any,
    survey: str,
    question: str,
    wave: str | None = None,
    *,
    code: str | None = None,
    coders: Sequence[str] | None = None,
) -> pd.DataFrame:
    """:func:`disagreements` for stored decisions, with the unit text and the consensus so far."""
    codes = codes_long_from_store(store, survey, question, wave, coders=coders)
    if codes.empty:
        return pd.DataFrame(
            columns=["id", "code", "applied_by", "not_applied_by", "text", "consensus"]
        )
    out = disagreements(codes, code=code)
    if out.empty:
        return out.assign(text=pd.Series(dtype=str), consensus=pd.Series(dtype=str))
    ids = sorted({int(i) for i in out["id"]})
    texts = store.units(survey, question, wave, unit_ids=ids).set_index("unit_id")["text"]
    out["text"] = out["id"].map(lambda i: texts.get(int(i), ""))
    hist = store.decisions(
        survey=survey, question=question, wave=wave, coder=CONSENSUS_CODER, unit_ids=ids
    )
    last = hist.drop_duplicates(subset=["unit_id", "code"], keep="last").set_index(
        ["unit_id", "code"]
    )["decision"]
    out["consensus"] = [
        last.get((int(i), k), "") for i, k in zip(out["id"], out["code"], strict=True)
    ]
    return out


def adjudicate(
    store: Any,
    unit_id: int,
    code: str,
    decision: str,
    adjudicator: str,
    *,
    note: str | None = None,
    codebook: Codebook | None = None,
) -> int:
    """Record the final decision for (unit, code) as coder ``consensus``, source ``adjudicated``.

    The consensus set is what Results can use. Who decided is kept as a memo by the
    adjudicator (decisions have one coder column, which here must be ``consensus``).
    Returns the decision_id.
    """
    if decision not in ("applied", "rejected"):
        raise ReliabilityError(Errors.K013, decision=decision)
    if not adjudicator or not str(adjudicator).strip():
        raise ReliabilityError(Errors.K031)
    if is_reserved_coder(adjudicator):
        raise ReliabilityError(
            Errors.K014,
            adjudicator=str(adjudicator).strip(),
        )
    if codebook is not None:
        if code not in codebook.code_ids:
            raise ReliabilityError(
                Errors.K026,
                code=code,
                codebook=codebook.name,
                known=", ".join(codebook.code_ids[:40]),
            )
    decision_id = store.record_decision(
        unit_id, code, CONSENSUS_CODER, decision=decision, source="adjudicated"
    )
    memo = f"Adjudicated by {str(adjudicator).strip()}: {code} {decision}."
    if note and note.strip():
        memo += f" {note.strip()}"
    store.add_memo(memo, coder=str(adjudicator).strip(), unit_id=unit_id, code=code)
    return decision_id


# --- CSV entry points (CLI) --------------------------------------------------------------
def read_csv_table(path: str | Path, what: str) -> pd.DataFrame:
    """Read a CLI CSV with the one shared reader (:mod:`textanalysis.csvio`): ``,`` ``;`` or tab,
    UTF-8/UTF-16. Errors name the file: K020 missing, K021 empty, K022 not UTF-8, K023 not a
    valid CSV."""
    from .csvio import CsvErrors, read_csv  # noqa: PLC0415

    codes = CsvErrors(ReliabilityError, Errors.K020, Errors.K022, Errors.K021, Errors.K023)
    return read_csv(path, what, codes)


def check_out_folder(path: str | Path) -> Path:
    """``path`` as a Path when its folder exists, else K024 (before any work is done)."""
    from .csvio import check_out  # noqa: PLC0415

    return check_out(path, ReliabilityError, Errors.K024)


def agreement_command(
    codes: str | Path, out: str | Path, codebook: str | Path | None = None
) -> pd.DataFrame:
    """`textanalysis agreement`: read CODES.csv, write AGREE.csv (the 5 contract columns)."""
    from .csvio import explode_codes, write_csv  # noqa: PLC0415

    out = check_out_folder(out)
    # a cell "werkdruk;wachtlijsten" (or "werkdruk|wachtlijsten") is two codes, as in every command
    table = explode_codes(read_csv_table(codes, "CODES"), "code")
    cb = None
    if codebook is not None:
        from .codebook import load_codebook  # noqa: PLC0415

        cb = load_codebook(codebook)
    result = agreement(table, cb, source=str(codes))
    write_csv(result[AGREEMENT_COLUMNS], out, na_rep="")  # formula-looking cells neutralised
    return result
