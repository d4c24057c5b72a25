"""`textanalysis frequencies` and `textanalysis export`: results tables, data sets and charts."""

from __future__ import annotations

import click

from . import db_option, friendly, main, resolve_db


@main.command("frequencies")
@click.option(
    "--answers",
    type=click.Path(dir_okay=False),
    help="ANSWERS.csv with id,text (+ respondent column).",
)
@click.option(
    "--codes",
    type=click.Path(dir_okay=False),
    help="CODES.csv with id,code (code 'a;b' or 'a|b' = two codes).",
)
@click.option(
    "--respondent-column",
    default=None,
    help="Column of ANSWERS identifying respondents (default: each id).",
)
@click.option(
    "--codebook",
    type=click.Path(dir_okay=False),
    default=None,
    help="Codebook YAML: labels and roll-up.",
)
@db_option
@click.option("--survey", default=None, help="Stored survey (instead of --answers/--codes).")
@click.option("--question", default=None, help="Stored question id, e.g. Q58.")
@click.option("--wave", default=None, help="Wave label, e.g. 2022.")
@click.option("--coder", default=None, help="Count one coder's decisions only (e.g. consensus).")
@click.option(
    "--include-auto", is_flag=True, help="Also count auto-coded decisions (shown apart in .xlsx)."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="FREQ.csv (or .xlsx for a formatted table).",
)
@friendly
def frequencies_cmd(
    answers,
    codes,
    respondent_column,
    codebook,
    db,
    survey,
    question,
    wave,
    coder,
    include_auto,
    out,
):
    """Respondents, % of N and mentions per code -> code,label,respondents,percent,mentions,n."""
    from ..report import frequencies_command  # noqa: PLC0415 (pandas only when the command runs)

    table = frequencies_command(
        answers=answers, codes=codes, respondent_column=respondent_column, codebook=codebook,
        db=resolve_db(db) if survey or question else None, survey=survey, question=question,
        wave=wave, coder=coder, include_auto=include_auto, out=out,
    )  # fmt: skip
    click.echo(f"N={table.n}; {len(table)} codes -> {out}")


@main.command("export")
@db_option
@click.option("--survey", required=True, help="Stored survey name.")
@click.option("--question", required=True, help="Question id, e.g. Q58.")
@click.option("--wave", default=None, help="Wave label, e.g. 2022.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "sav"]),
    default=None,
    help="Default: from --out.",
)
@click.option(
    "--level", type=click.Choice(["respondent", "unit"]), default="respondent", show_default=True
)
@click.option(
    "--codebook",
    type=click.Path(dir_okay=False),
    default=None,
    help="Codebook YAML: labels, roll-up.",
)
@click.option("--coder", default=None, help="One coder's decisions only (e.g. consensus).")
@click.option("--include-auto", is_flag=True, help="Also count auto-coded decisions.")
@click.option(
    "--mask",
    "mask_kinds",
    default=None,
    help="Mask personal data in texts first: 'all' or kinds, e.g. person,email.",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the top-k chart (.png/.svg).",
)
@click.option(
    "--out", required=True, type=click.Path(dir_okay=False), help="Output .csv, .xlsx or .sav."
)
@friendly
def export_cmd(
    db, survey, question, wave, fmt, level, codebook, coder, include_auto, mask_kinds, chart, out
):
    """Export the coded data set (0/1 per code per respondent, or per unit) for SPSS/Excel."""
    from ..report import export_command  # noqa: PLC0415

    export_command(
        db=resolve_db(db), survey=survey, question=question, wave=wave, fmt=fmt, level=level,
        codebook=codebook, coder=coder, include_auto=include_auto, mask_kinds=mask_kinds,
        chart=chart, out=out,
    )  # fmt: skip
    click.echo(f"{level} data set -> {out}" + (f"; chart -> {chart}" if chart else ""))
