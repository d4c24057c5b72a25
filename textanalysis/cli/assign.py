"""`textanalysis assign`: divide a question's uncoded answers in disjoint batches per coder."""

from __future__ import annotations

import click

from . import (
    db_option,
    friendly,
    main,
    question_option,
    resolve_db,
    survey_option,
    wave_option,
)


@main.command("assign")
@survey_option
@question_option
@wave_option
@click.option("--coders", required=True, help="Comma-separated coder names, e.g. anna,bert.")
@click.option("--size", required=True, type=int, help="Answers per coder (batch size).")
@click.option(
    "--double",
    default=0.0,
    show_default=True,
    type=float,
    help="Share of each batch also given to the next coder for double coding, e.g. 0.1.",
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the random order.")
@db_option
@friendly
def assign_command(survey, question, wave, coders, size, double, seed, db):  # noqa: ANN001
    """Give each coder a batch of answers nobody has coded or claimed (disjoint batches)."""
    from ..coding import assign_batches
    from ..store import Store

    names = [c.strip() for c in coders.split(",") if c.strip()]
    with Store(resolve_db(db)) as store:
        made = assign_batches(
            store, survey, question, names, size, wave=wave, double=double, seed=seed
        )
    for (coder, purpose), grp in made.groupby(["coder", "purpose"], sort=False):
        ids = sorted(int(u) for u in grp["unit_id"])
        what = "batch" if purpose == "batch" else "double coding"
        click.echo(f"{coder}\t{what}\t{len(ids)} answer(s): {' '.join(map(str, ids))}")
    n = made.loc[made["purpose"] == "batch", "unit_id"].nunique()
    click.echo(f"{n} answer(s) assigned to {len(names)} coder(s)", err=True)
