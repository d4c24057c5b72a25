"""Glue of the ``frequencies`` and ``export`` commands (so the click commands stay ~10 lines)."""

from __future__ import annotations

from ..codebook import load_codebook
from ..errors import Errors, ReportError
from .counting import (
    FREQUENCY_COLUMNS,
    FrequencyTable,
)
from .export import check_out_path
from .sources import (
    frequencies_from_store,
    open_store,
    read_answers_csv,
    read_codes_csv,
    stored_codebook,
)
from .tables import (
    frequencies,
)

# --- CLI glue (kept here so the click commands stay ~10 lines) ---------------------------


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
        raise ReportError(Errors.R015)
    # before any work: R007 wrong extension (.csv, or .xlsx for a formatted table), R008 no folder
    out_path = check_out_path(out, (".csv", ".xlsx"))
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
