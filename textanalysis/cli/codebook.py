"""`textanalysis codebook ...`: validate codebooks and exchange them with QDA tools (REFI-QDA .qdc)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import (
    db_option,
    friendly,
    main,
    options,
    question_option,
    resolve_db,
    survey_option,
)


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
@survey_option
@question_option
@click.option(
    "--coder",
    default=lambda: os.environ.get("USER") or "cli",
    show_default="$USER",
    help="Who attaches it (in the codeframe log).",
)
@db_option
@friendly
def add_command(codebook_file: str, survey: str, question: str, coder: str, db: str | None) -> None:
    """Attach a codebook to a stored question (what the app's Codeboek upload does). A version
    that leaves out codes still in use is refused [C087]: merge or delete them first."""
    from ..codebook import frame, load_codebook
    from ..store import Store

    cb = load_codebook(codebook_file)
    with Store(resolve_db(db)) as store:
        change = frame.save_version(
            store, survey, question, cb, coder=coder, operation="upload",
            summary=f"upload '{Path(codebook_file).name}' ({cb.name} v{cb.version})",
        )  # fmt: skip
    click.echo(
        f"Codebook '{cb.name}' v{cb.version} ({len(cb.code_ids)} codes) -> {survey} {question} "
        f"[{change.version}]"
    )


# --- codeframe operations (codebook.frame): a new version; decisions carried along ----------


_frame_options = options(
    survey_option,
    question_option,
    click.option("--coder", required=True, help="Who makes the change (in the log)."),
    db_option,
)


def _frame_done(change) -> None:  # noqa: ANN001
    extra = f", {change.flagged} answer(s) to review" if change.flagged else ""
    click.echo(
        f"{change.summary}: v{change.codebook.version} [{change.version}], "
        f"{change.decisions} decision(s) recorded{extra}"
    )


def _frame(operation: str, db: str | None, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
    from ..codebook import frame
    from ..store import Store

    with Store(resolve_db(db)) as store:
        _frame_done(getattr(frame, operation)(store, *args, **kwargs))


@codebook_group.command("add-code")
@click.argument("label")
@_frame_options
@click.option("--id", "code_id", default=None, help="Code id (default: made from the label).")
@click.option("--definition", default=None, help="What the code means.")
@click.option("--parent", default=None, help="Parent code id (default: top level).")
@click.option("--example", type=int, default=None, help="Answer (unit id) as first example.")
@friendly
def add_code_command(label, survey, question, coder, db, code_id, definition, parent, example):  # noqa: ANN001
    """Add a code to the question's codebook (its first code makes the codebook)."""
    _frame("add_code", db, survey, question, label, coder=coder, code_id=code_id,
           definition=definition, parent=parent, example_unit=example)  # fmt: skip


@codebook_group.command("rename")
@click.argument("code_id")
@_frame_options
@click.option("--to", "new_id", default=None, help="New code id (decisions follow).")
@click.option("--label", default=None, help="New label.")
@friendly
def rename_command(code_id, survey, question, coder, db, new_id, label):  # noqa: ANN001
    """Give a code a new id and/or label."""
    _frame("rename", db, survey, question, code_id, coder=coder, new_id=new_id, label=label)


@codebook_group.command("move")
@click.argument("code_id")
@_frame_options
@click.option("--parent", default=None, help="New parent code id (omit: top level).")
@friendly
def move_command(code_id, survey, question, coder, db, parent):  # noqa: ANN001
    """Move a code (with its subcodes) under another parent."""
    _frame("move", db, survey, question, code_id, parent, coder=coder)


@codebook_group.command("merge")
@click.argument("source")
@click.argument("target")
@_frame_options
@friendly
def merge_command(source, target, survey, question, coder, db):  # noqa: ANN001
    """Merge code SOURCE into TARGET: SOURCE's answers get TARGET, SOURCE leaves the codebook."""
    _frame("merge", db, survey, question, source, target, coder=coder)


@codebook_group.command("split")
@click.argument("code_id")
@click.argument("into", nargs=-1, required=True, metavar="ID[=Label]...")
@_frame_options
@friendly
def split_command(code_id, into, survey, question, coder, db):  # noqa: ANN001
    """Split a code into two or more codes; its answers go to a review list."""
    _frame("split", db, survey, question, code_id, list(into), coder=coder)


@codebook_group.command("delete")
@click.argument("code_id")
@_frame_options
@click.option("--into", default=None, help="Reassign its answers to this code first.")
@friendly
def delete_command(code_id, survey, question, coder, db, into):  # noqa: ANN001
    """Delete a code: only when unused, or with --into OTHER."""
    _frame("delete", db, survey, question, code_id, coder=coder, into=into)
