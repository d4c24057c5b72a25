"""`textanalysis codebook ...`: validate codebooks and exchange them with QDA tools (REFI-QDA .qdc)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import db_option, friendly, main, resolve_db


@main.group("codebook")
def codebook_group() -> None:
    """Check codebook YAML files and convert them to/from REFI-QDA (.qdc)."""


@codebook_group.command("validate")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@friendly
def validate_command(files: tuple[str, ...]) -> None:
    """List every problem of each codebook with its line number; exit 2 if any file has one."""
    from ..codebook.validate import check_codebook_file

    bad = 0
    for f in files:
        cb, problems = check_codebook_file(f)
        for p in problems:
            click.echo(str(p), err=True)
        if problems:
            bad += 1
        else:
            click.echo(
                f"OK {f}: '{cb.name}' v{cb.version}, {len(cb.code_ids)} codes, {len(cb.leaf_ids)} leaves"
            )
    if bad:
        click.echo(f"{bad} of {len(files)} codebook(s) have problems.", err=True)
        sys.exit(2)


@codebook_group.command("export-qdc")
@click.argument("codebook_file", metavar="CB.yaml")
@click.option("--out", required=True, metavar="X.qdc", help="REFI-QDA codebook file to write.")
@friendly
def export_qdc_command(codebook_file: str, out: str) -> None:
    """Write the codebook as REFI-QDA .qdc for MAXQDA, ATLAS.ti, NVivo or QualCoder."""
    from ..codebook import load_codebook
    from ..codebook.refi import export_qdc

    cb = load_codebook(codebook_file)
    export_qdc(cb, out)
    click.echo(f"{len(cb.code_ids)} codes of '{cb.name}' -> {out}")


@codebook_group.command("import-qdc")
@click.argument("qdc_file", metavar="X.qdc")
@click.option("--out", required=True, metavar="CB.yaml", help="Codebook YAML to write.")
@click.option(
    "--name", default=None, help="Codebook name (default: from the file, else its file name)."
)
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@friendly
def import_qdc_command(qdc_file: str, out: str, name: str | None, force: bool) -> None:
    """Read a REFI-QDA .qdc codebook and write it as codebook YAML."""
    from ..codebook.refi import import_qdc, write_atomic
    from ..errors import CodebookError, Errors

    if Path(out).exists() and not force:
        raise CodebookError(Errors.C036, out=out)
    cb = import_qdc(qdc_file, name=name)
    write_atomic(out, cb.to_yaml(), "codebook YAML")
    click.echo(f"{len(cb.code_ids)} codes of '{cb.name}' -> {out}")


@codebook_group.command("add")
@click.argument("codebook_file", metavar="CB.yaml")
@click.option("--survey", required=True, help="Survey name (as imported).")
@click.option("--question", required=True, help="Question id, e.g. Q58.")
@db_option
@friendly
def add_command(codebook_file: str, survey: str, question: str, db: str | None) -> None:
    """Attach a codebook to a stored question (what the app's Codeboek page does)."""
    from ..codebook import attach, load_codebook
    from ..store import Store

    cb = load_codebook(codebook_file)
    with Store(resolve_db(db)) as store:
        version = attach(store, cb, survey, question)
    click.echo(
        f"Codebook '{cb.name}' v{cb.version} ({len(cb.code_ids)} codes) -> {survey} {question} [{version}]"
    )
