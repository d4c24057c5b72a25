"""`textanalysis agreement` (inter-coder reliability) and `textanalysis mask` (personal data)."""

from __future__ import annotations

import click

from . import friendly, main


@main.command("agreement")
@click.option(
    "--codes",
    required=True,
    type=click.Path(dir_okay=False),
    help="CODES.csv: id,code,coder (code 'a;b' or 'a|b' = two codes; empty = no code).",
)
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="AGREE.csv to write.")
@click.option(
    "--codebook",
    type=click.Path(dir_okay=False),
    default=None,
    help="Codebook YAML: check code ids, order rows.",
)
@friendly
def agreement_cmd(codes: str, out: str, codebook: str | None) -> None:
    """Percent agreement, Cohen's kappa and Krippendorff's alpha per code and ALL."""
    from ..reliability import agreement_command, format_agreement

    click.echo(format_agreement(agreement_command(codes, out, codebook)))
    click.echo(f"-> {out}")


@main.command("mask")
@click.option(
    "--answers", required=True, type=click.Path(dir_okay=False), help="IN.csv with a 'text' column."
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False),
    help="OUT.csv: all columns, text masked, + masked.",
)
@click.option(
    "--kinds",
    default=None,
    help="Comma-separated: person,email,phone,postcode,iban,place (default: all).",
)
@friendly
def mask_cmd(answers: str, out: str, kinds: str | None) -> None:
    """Mask personal data in answer texts ([PERSOON], [E-MAIL], [GEMEENTE], ...)."""
    from ..privacy import mask_command

    result = mask_command(answers, out, kinds)
    n = int((result["masked"] != "").sum())
    click.echo(f"{n} of {len(result)} answers contained personal data -> {out}")


@main.command("warm-cache")
@friendly
def warm_cache_cmd() -> None:
    """Build deduce's lookup cache now (run by `make install`, so no user waits for it)."""
    from ..privacy import warm_cache

    click.echo(warm_cache())
