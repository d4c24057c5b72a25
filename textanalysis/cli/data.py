"""`textanalysis info` and `textanalysis import` (an exact contract, see docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import Errors, IngestError
from ..ingest import DUPLICATE_POLICIES, ON_CHANGE_POLICIES
from . import db_option, friendly, main


def _parse_questions(specs: tuple[str, ...]) -> dict[str, str]:
    """QID=COLUMN pairs; the column may itself contain '='."""
    out: dict[str, str] = {}
    for spec in specs:
        qid, sep, column = spec.partition("=")
        if not sep or not qid.strip() or not column.strip():
            raise IngestError(
                Errors.I017,
                spec=spec,
            )
        if qid.strip() in out:
            raise IngestError(
                Errors.I042,
                qid=qid.strip(),
            )
        out[qid.strip()] = column.strip()
    return out


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=True))
@click.option("--id-column", required=True, metavar="COL", help="Column with the respondent id.")
@click.option(
    "--question",
    "questions",
    multiple=True,
    required=True,
    metavar="QID=COLUMN",
    help="Open question: id and its column (repeatable).",
)
@click.option(
    "--attribute",
    "attributes",
    multiple=True,
    metavar="COL",
    help="Respondent attribute column, e.g. inwonersklasse (repeatable).",
)
@click.option(
    "--survey",
    default=None,
    metavar="NAME",
    help="Survey name (default: the file name without extension).",
)
@click.option(
    "--wave", default="1", show_default=True, metavar="LABEL", help="Wave label, e.g. 2022."
)
@click.option(
    "--sheet",
    default=None,
    metavar="NAME",
    help="Excel sheet (default: the first visible one; a hidden sheet is read only when named).",
)
@click.option(
    "--duplicates",
    type=click.Choice(DUPLICATE_POLICIES),
    default="most-complete",
    show_default=True,
    help="Repeated respondent ids: keep the most complete row, the first, or all (as id#2, id#3).",
)
@click.option(
    "--on-change",
    type=click.Choice(ON_CHANGE_POLICIES),
    default="stop",
    show_default=True,
    help="Stored answers that differ in this file: stop without importing (lists them), replace "
    "their text (units with decisions are flagged for review; no decision is deleted), or import "
    "as a new wave (needs --wave with a new label).",
)
@click.option(
    "--masking",
    type=click.Choice(["auto", "keep-original", "discard-original", "none"]),
    default="auto",
    show_default=True,
    help="Mask personal data in the answers (names, e-mail, phone, address, IBAN, places, BSN, "
    "birth dates, dossier numbers). auto: keep-original for a new survey (the unmasked text is "
    "kept apart, shown only on request), else the survey's earlier choice; none: no masking.",
)
@db_option
@friendly
def import_command(
    file, id_column, questions, attributes, survey, wave, sheet, duplicates, on_change, masking, db
) -> None:
    """Import a survey export (CSV, .xlsx, .sav) into the database; all or nothing, re-import adds nothing."""
    from ..ingest import ingest_file
    from ..privacy import import_masking
    from ..store import Store

    result = ingest_file(
        file, id_column, _parse_questions(questions), attributes, sheet=sheet, duplicates=duplicates
    )
    for warning in result.warnings:
        click.echo(f"Warning: {warning}", err=True)
    survey = survey or Path(file).stem
    with Store(db) as store:  # opened only after the file is fully read and checked
        masking = import_masking(masking, store.surveys(), survey)  # on for a new survey
        s = store.import_result(
            result, survey=survey, wave=wave, masking=masking, on_change=on_change
        )
    if s["replaced_units"]:
        stored = (
            f"{s['changed_answers']} changed answers replaced ({s['replaced_units']} units, "
            f"{s['flagged_for_review']} with decisions flagged for review), "
            f"{s['new_units']} new units stored"
        )
    elif s["created"]:
        stored = f"{s['new_units']} new units stored"
    else:
        stored = "already imported, nothing new"
    extra = "".join(
        f"; {n}"
        for n in [
            *s["notices"],
            *(
                [f"{s['missing_respondents']} stored respondents not in this file were kept"]
                if s["missing_respondents"]
                else []
            ),
        ]
    )
    click.echo(
        f"Imported {Path(file).name} as {s['survey']} wave {s['wave']}: {s['respondents']} respondents, "
        f"{s['units']} units, {s['non_substantive']} non-substantive, {s['duplicates']} duplicate ids "
        f"({duplicates}); {stored}{extra}; "
        + (f"personal data masked ({masking})." if masking else "personal data not masked.")
    )


@main.command("info")
@db_option
@friendly
def info_command(db: str | None) -> None:
    """Show the version, the NLP pipeline, the embedder and what the database holds."""
    from importlib.metadata import version

    from ..nlp import load_pipeline, pipeline_info
    from ..store import Store
    from ..store.engine import display_url, sqlite_file

    click.echo(f"textanalysis {version('textanalysis')}")
    nlp = pipeline_info(load_pipeline())
    click.echo(
        f"NLP pipeline: {nlp.name} {nlp.version}"
        + (" (offline fallback)" if nlp.is_fallback else "")
    )
    if nlp.hint:
        click.echo(f"  {nlp.hint}")
    click.echo(f"Embedder: {_embedder_line()}")
    url = Store.resolve(db)
    if (path := sqlite_file(url)) is not None and not path.exists():
        click.echo(
            f"Database: {url} (not created yet; `textanalysis import` or `textanalysis demo` creates it)"
        )
        return
    with Store(url) as store:
        surveys = store.surveys()
        click.echo(f"Database: {display_url(store.url)}")
        click.echo(
            f"  {len(surveys)} survey waves, {int(surveys['questions'].sum()) if len(surveys) else 0} questions, "
            f"{int(surveys['units'].sum()) if len(surveys) else 0} units"
        )
        for row in surveys.itertuples(index=False):
            click.echo(
                f"  {row.survey} {row.wave}: {row.questions} questions, {row.respondents} respondents, {row.units} units"
            )


def _embedder_line() -> str:
    try:
        from ..embed import embedder_info

        info = embedder_info()
        return f"{info['name']} ({info['description']})"
    except Exception as exc:  # the embedder is optional for info; never fail the command on it
        return f"unavailable ({exc.__class__.__name__}: {exc})"
