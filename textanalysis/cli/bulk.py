"""`textanalysis bulk search|apply|undo|actions`: code many answers at once by a search."""

from __future__ import annotations

import click

from . import (
    db_option,
    friendly,
    main,
    options,
    question_option,
    resolve_db,
    survey_option,
    wave_option,
)


@main.group("bulk")
def bulk_group() -> None:
    """Search a question's answers (lemmas, "phrases", AND/OR/NOT) and code the hits at once."""


_scope = options(survey_option, question_option, wave_option, db_option)


@bulk_group.command("search")
@click.argument("query")
@_scope
@click.option("--out", default=None, metavar="HITS.csv", help="Write the hits as CSV.")
@friendly
def search_command(query, survey, question, wave, db, out):  # noqa: ANN001
    """List the answers that match QUERY, each with its hit in context."""
    from ..coding import bulk
    from ..store import Store

    with Store(resolve_db(db)) as store:
        hits = bulk.search(store, survey, question, query, wave=wave)
    if out:
        hits.to_csv(out, index=False)
    for r in hits.itertuples():
        click.echo(f"{r.unit_id}\t{r.before}[{r.match}]{r.after}")
    click.echo(f"{len(hits)} hit(s) for {query}", err=True)


@bulk_group.command("apply")
@click.argument("query")
@click.argument("code")
@_scope
@click.option("--coder", required=True, help="Whose confirmed decisions these are.")
@click.option("--unit", "units", type=int, multiple=True, help="Only these hits (repeatable).")
@click.option(
    "--save-keywords",
    is_flag=True,
    help="Also add the search's words to CODE's trigger words (words and phrases joined by OR).",
)
@friendly
def apply_command(query, code, survey, question, wave, db, coder, units, save_keywords):  # noqa: ANN001
    """Apply CODE to the hits of QUERY (all, or --unit ...) as the coder's own decisions."""
    from ..coding import bulk
    from ..store import Store

    with Store(resolve_db(db)) as store:
        if save_keywords:
            bulk.query_keywords(query)  # [C090] before anything is recorded
        a = bulk.apply(store, survey, question, query, code, coder=coder,
                       unit_ids=units or None, wave=wave)  # fmt: skip
        saved = bulk.save_as_keywords(store, survey, question, query, code, coder=coder) if (
            save_keywords
        ) else None  # fmt: skip
    click.echo(f"bulk #{a.action_id}: '{code}' on {a.applied} answer(s) ({a.already} had it)")
    if saved is not None:
        click.echo(f"{saved.summary}: v{saved.codebook.version} [{saved.version}]")


@bulk_group.command("undo")
@click.argument("action_id", type=int)
@click.option("--coder", default=None, help="Who undoes it (for the log).")
@db_option
@friendly
def undo_command(action_id, coder, db):  # noqa: ANN001
    """Undo a bulk action: each answer's code as it was before (new decisions)."""
    from ..coding import bulk
    from ..store import Store

    with Store(resolve_db(db)) as store:
        n = bulk.undo(store, action_id, coder=coder)
    click.echo(f"bulk #{action_id} undone: {n} decision(s) recorded")


@bulk_group.command("actions")
@click.option("--survey", default=None)
@click.option("--question", default=None)
@db_option
@friendly
def actions_command(survey, question, db):  # noqa: ANN001
    """List the bulk actions (their ids are what `bulk undo` takes)."""
    from ..coding import bulk
    from ..store import Store

    with Store(resolve_db(db)) as store:
        click.echo(bulk.actions(store, survey, question).to_string(index=False))
