"""Where the two tables come from: CLI CSV files or the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..codebook import Codebook, load_codebook
from ..codebook.frame import codes_as_of
from ..csvio import CsvErrors, explode_codes, read_csv
from ..errors import Errors, ReportError
from ..ingest import non_substantive_reason
from .codings import ANY_CODER, CONSENSUS, coding_codes
from .counting import (
    CONFIRMED_SOURCES,
    FrequencyTable,
    as_bool,
    preview,
    require_columns,
)
from .tables import (
    compare_waves,
    compare_waves_long,
    crosstab,
    frequencies,
)

# --- CSV input (CLI) ----------------------------------------------------------------------


# R001 missing file, R040 not UTF-8 text, R041 empty file, R042 not a valid CSV
_CSV_ERRORS = CsvErrors(
    ReportError, missing=Errors.R001, encoding=Errors.R040, empty=Errors.R041, parse=Errors.R042
)


def _read_csv(path: str | Path, what: str) -> pd.DataFrame:
    """The one CLI CSV reader (``,`` ``;`` or tab, UTF-8/UTF-16), with report error codes."""
    return read_csv(path, what, _CSV_ERRORS)


def read_answers_csv(path: str | Path, respondent_column: str | None = None) -> pd.DataFrame:
    """ANSWERS.csv (``id,text`` [+ respondent column]) -> units with ``substantive`` flags.

    Without a respondent column each id is its own respondent. A ``substantive`` column
    in the file is respected; otherwise non-answers are detected from the text.
    """
    df = _read_csv(path, "Answers")
    require_columns(df, ["id", "text"], f"Answers file '{path}'")
    if respondent_column is not None and respondent_column not in df.columns:
        raise ReportError(
            Errors.R052,
            respondent_column=respondent_column,
            path=path,
            columns=preview(df.columns),
        )
    units = df.rename(columns={"id": "unit_id"})
    units["respondent_id"] = df[respondent_column] if respondent_column else df["id"]
    if "substantive" in df.columns:
        units["substantive"] = as_bool(df["substantive"])
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
    require_columns(df, ["id", "code"], f"Codes file '{path}'")
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


def store_tables(
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


def store_coding(
    store: Any,
    survey: str,
    question: str,
    wave: str | None,
    coder: str | None,
    include_auto: bool,
    version: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, set[int], str | None]:
    """(units, codes, coded unit ids, coder for the counting core) of the chosen coding
    (:mod:`.codings`: a coder, ``"consensus"`` or :data:`~.codings.ANY_CODER`/None);
    ``version``: as it was while that codebook version was the question's current one
    (``codebook.frame.codes_as_of``; a coder or every coder, [R056] for consensus)."""
    units = store.units(survey, question, wave=wave)
    check_one_wave(units, question)
    who = None if coder == ANY_CODER else coder
    if version is None:
        codes, coded = coding_codes(store, survey, question, wave, coder, include_auto)
    else:
        if coder == CONSENSUS:
            raise ReportError(Errors.R056, coder=coder)
        codes, coded = codes_as_of(
            store, version, survey=survey, question=question, wave=wave, coder=who,
            include_auto=include_auto,
        )  # fmt: skip
    return units, codes, coded, who


def check_one_wave(units: pd.DataFrame, question: str) -> None:
    """Respondent ids repeat across waves (G001 in 2019 and 2022): never count them together."""
    if "wave" in units:
        waves = sorted(pd.unique(units["wave"].dropna().astype(str)))
        if len(waves) > 1:
            raise ReportError(
                Errors.R016,
                question=question,
                waves=", ".join(waves),
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
    """:func:`frequencies` for one question of a stored survey (optionally one wave).

    ``coder``: the coding counted (:mod:`.codings`). N counts the respondents that coding
    has coded (all of their substantive answers); ``attrs["n_substantive"]`` all of them.
    """
    coding = store_coding(store, survey, question, wave, coder, include_auto)
    table = coding_frequencies(coding, question, codebook, include_auto, sources)
    table.attrs["survey"] = survey
    table.attrs["wave"] = wave
    return table


def frequencies_as_of(
    store: Any,
    survey: str,
    question: str,
    version: str,
    wave: str | None = None,
    *,
    coder: str | None = None,
    include_auto: bool = False,
    sources: Sequence[str] = CONFIRMED_SOURCES,
) -> FrequencyTable:
    """:func:`frequencies` as they were while codebook ``version`` was the question's current
    one: that version's codes and the decisions recorded before the next version was saved
    (``codebook.frame.codes_as_of``), so an earlier report is reproduced whatever merges,
    splits or bulk actions came since. ``coder``: one coder, or None/:data:`ANY_CODER` for
    every coder's codes ([R056] for consensus)."""
    coding = store_coding(store, survey, question, wave, coder, include_auto, version=version)
    table = coding_frequencies(
        coding, question, store.load_codebook(version), include_auto, sources
    )
    table.attrs.update(survey=survey, wave=wave, codebook_version=version)
    return table


def coding_frequencies(
    coding: tuple[pd.DataFrame, pd.DataFrame, set[int], str | None],
    question: str,
    codebook: Codebook | None,
    include_auto: bool,
    sources: Sequence[str] = CONFIRMED_SOURCES,
) -> FrequencyTable:
    """:func:`frequencies` of a :func:`store_coding` result, the question named in its attrs."""
    units, codes, coded, who = coding
    table = frequencies(
        units,
        codes,
        codebook,
        sources=sources,
        include_auto=include_auto,
        coder=who,
        coded_units=coded,
    )
    table.attrs["question"] = question
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
    """:func:`crosstab` for one question of a stored survey (coded respondents only)."""
    units, codes, coded, who = store_coding(store, survey, question, wave, coder, include_auto)
    return crosstab(
        units,
        codes,
        attribute,
        codebook,
        include_auto=include_auto,
        coder=who,
        coded_units=coded,
    )


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


def stored_codebook(store: Any, question: str) -> Codebook | None:
    """The latest codebook stored for ``question``, or None when none is stored."""
    from ..errors import StoreError  # noqa: PLC0415

    try:
        return store.load_codebook(question=question)
    except StoreError:
        return None


def open_store(db: str) -> Any:
    """Open the database the CLI points at (imported lazily: CSV use needs no database)."""
    from ..store import Store  # noqa: PLC0415

    return Store(db)
