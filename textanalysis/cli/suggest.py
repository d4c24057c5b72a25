"""`textanalysis suggest | evaluate | autocode`: code suggestions, their quality, semi-automatic coding.

CSV contracts are exact (scripts outside the repo rely on them); see docs/architecture.md.
"""

from __future__ import annotations

import click

from . import db_option, friendly, main, resolve_db

_CB = click.option("--codebook", required=True, metavar="CB.yaml", help="Codebook YAML.")
_ANS = click.option(
    "--answers", required=True, metavar="ANSWERS.csv", help="CSV with columns id,text."
)


@main.command("suggest")
@click.option(
    "--codebook",
    default=None,
    metavar="CB.yaml",
    help="Codebook YAML (store mode: default the question's stored codebook).",
)
@click.option(
    "--answers", default=None, metavar="ANSWERS.csv", help="CSV with columns id,text (CSV mode)."
)
@click.option(
    "--train",
    default=None,
    metavar="TRAIN.csv",
    help="Coded answers id,text,codes (codes ';'-separated).",
)
@click.option(
    "--out", default=None, metavar="OUT.csv", help="id,code,score,suggested,source,evidence."
)
@db_option
@click.option("--survey", default=None, help="Store mode: survey name.")
@click.option("--question", default=None, help="Store mode: question id, e.g. Q58.")
@click.option("--wave", default=None, help="Store mode: wave label.")
@click.option(
    "--coder",
    default=None,
    help="Store mode: the suggestions this coder sees in Coderen (learned as for them).",
)
@friendly
def suggest_command(codebook, answers, train, out, db, survey, question, wave, coder) -> None:
    """Suggest codes with evidence: codebook rules + similarity, plus a classifier with --train.

    CSV mode: --codebook --answers [--train] --out. Store mode: --survey --question [--wave]
    [--coder] [--codebook] [--out] on the database: the suggestions Coderen shows, learned from
    the confirmed codes so far; kept as a run in the database, and written to --out if given."""
    from ..coding.stored import run_suggest_store
    from ..suggest.commands import check_suggest_args, run_suggest

    if check_suggest_args(codebook, answers, train, out, survey, question) == "csv":
        table = run_suggest(codebook, answers, out, train)
    else:
        table = run_suggest_store(resolve_db(db), survey, question, wave, coder, codebook, out)
    n, k = table["id"].nunique(), int(table["suggested"].sum())
    where = f" -> {out}" if out else ""
    click.echo(f"{n} answers, {k} suggested codes ({table.attrs.get('mode', '')}){where}")


@main.command("evaluate")
@_CB
@_ANS
@click.option(
    "--gold", required=True, metavar="GOLD.csv", help="Gold codes: id,code (one row per code)."
)
@click.option(
    "--train",
    default=None,
    metavar="TRAIN.csv",
    help="Coded answers to learn from (cross-validated).",
)
@click.option("--out", default=None, metavar="TABLE.csv", help="Write the per-code table as CSV.")
@friendly
def evaluate_command(
    codebook: str, answers: str, gold: str, train: str | None, out: str | None
) -> None:
    """Per-code precision, recall, F1 and support; micro/macro F1; the most costly misses."""
    from ..suggest.commands import run_evaluate

    click.echo(run_evaluate(codebook, answers, gold, train, out).to_text())


@main.command("autocode")
@click.option(
    "--codebook",
    default=None,
    metavar="CB.yaml",
    help="Codebook YAML (CSV mode: required; store mode: default the question's stored codebook).",
)
@click.option(
    "--answers", default=None, metavar="ANSWERS.csv", help="CSV id,text to code (CSV mode)."
)
@click.option(
    "--train", default=None, metavar="TRAIN.csv", help="Coded answers id,text,codes (CSV mode)."
)
@click.option(
    "--target-precision", type=float, default=0.95, show_default=True, help="Precision to reach."
)
@click.option(
    "--out",
    default=None,
    metavar="OUT.csv",
    help="Auto-applied codes: id,code,score,threshold,source.",
)
@db_option
@click.option("--survey", default=None, help="Store mode: survey name.")
@click.option("--question", default=None, help="Store mode: question id, e.g. Q58.")
@click.option(
    "--coder",
    default=None,
    help="Store mode: learn from this coder's codes, record auto codes for them.",
)
@click.option("--wave", default=None, help="Store mode: wave label.")
@friendly
def autocode_command(
    codebook, answers, train, target_precision, out, db, survey, question, coder, wave
) -> None:
    """Auto-apply codes only where cross-validated precision meets the target; people code the rest."""
    from ..identity import check_coder_name
    from ..suggest.commands import check_autocode_args, run_autocode, run_autocode_store

    if coder is not None:
        coder = check_coder_name(coder)  # [A001]: 'gold'/'consensus' are not for people
    if check_autocode_args(codebook, answers, train, out, survey, question, coder) == "csv":
        res = run_autocode(codebook, answers, train, target_precision, out)
    else:
        res = run_autocode_store(
            resolve_db(db), codebook, survey, question, coder, target_precision, wave, out
        )
    click.echo(res.to_text())
