"""Database commands: ``demo`` (import the demo data), ``export-db`` and ``restore`` (backup)."""

from __future__ import annotations

import click

from . import db_option, friendly, main


@main.command()
@db_option
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False),
    default=None,
    help="Demo manifest (default: data/demo.yaml).",
)
@click.option(
    "--with-gold-codes",
    is_flag=True,
    help="Also record the hand-assigned gold codes as coder 'gold' (make run does this).",
)
@friendly
def demo(db: str | None, manifest: str | None, with_gold_codes: bool) -> None:
    """Import the constructed demo survey and codebooks (once; a second run adds nothing)."""
    from ..store import Store
    from ..store.demo import import_demo

    with Store(db) as store:
        steps = import_demo(store, manifest, with_gold=with_gold_codes)
    for s in steps:
        if s["kind"] == "import":
            state = (
                f"{s['new_units']} new units" if s["created"] else "already imported, nothing new"
            )
            click.echo(
                f"{s['survey']} {s['wave']} ({s['file']}): {s['respondents']} respondents, {s['units']} units, {s['non_substantive']} non-substantive, {s['duplicates']} duplicates; {state}"
            )
        elif s["kind"] == "gold":
            state = f"{s['decisions']} codes recorded" if s["created"] else "already recorded"
            click.echo(
                f"gold codes {s['survey']} {s['wave']} {s['question']} (coder 'gold'): {state}"
            )
        else:
            state = "saved" if s["created"] else "already stored"
            click.echo(f"codebook {s['file']} for {s['question']}: version {s['version']} {state}")
    if not any(s["created"] for s in steps):
        click.echo("Demo data was already imported: nothing new.")


@main.command("export-db")
@click.option(
    "--out", "out", required=True, type=click.Path(dir_okay=False), help="JSON-lines file to write."
)
@db_option
@friendly
def export_db(out: str, db: str | None) -> None:
    """Write all surveys, units, codebooks, decisions, memos and runs to a portable file."""
    from ..errors import Errors
    from ..store import Store, StoreError
    from ..store.engine import sqlite_file

    url = Store.resolve(db)
    if (path := sqlite_file(url)) is not None and not path.exists():
        # Opening would create an empty database and write an empty backup without a word.
        raise StoreError(
            Errors.S001,
            path=path,
        )
    with Store(url) as store:
        counts = store.export_all(out)
    click.echo(f"Exported to {out}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@friendly
def restore(file: str, db: str | None) -> None:
    """Read an export-db file back into an EMPTY database."""
    from ..store import Store

    with Store(db) as store:
        counts = store.restore(file)
    click.echo(f"Restored {file}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
