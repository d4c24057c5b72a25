"""`textanalysis errors`: the error catalogue (every code with its message template)."""

from __future__ import annotations

import click

from . import main


@main.command("errors")
@click.option("--markdown", is_flag=True, help="Print docs/errors.md (the generated table).")
@click.argument("codes", nargs=-1, metavar="[CODE]...")
def errors_command(markdown: bool, codes: tuple[str, ...]) -> None:
    """List error codes and their messages, e.g. `textanalysis errors S006`."""
    from ..errors import catalogue, catalogue_markdown

    if markdown:
        click.echo(catalogue_markdown(), nl=False)
        return
    entries = catalogue()
    wanted = [c.strip().strip("[]").upper() for c in codes] or list(entries)
    unknown = [c for c in wanted if c not in entries]
    if unknown:
        raise click.BadParameter(f"unknown code(s) {', '.join(unknown)}", param_hint="CODE")
    for code in wanted:
        click.echo(f"{code}  {entries[code].template}")
